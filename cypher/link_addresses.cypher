// link_addresses: a record's postal address, one node per normalised address.
// params: $rows: list of {record, key, props: {line1, line2, locality, postcode, region, country, nAddress, nPostcode}}
// returns: nothing
UNWIND $rows AS row
MATCH (r:SourceRecord {key: row.record})
MERGE (a:Address {key: row.key})
ON CREATE SET a += row.props
CREATE (r)-[:AT_ADDRESS]->(a)
