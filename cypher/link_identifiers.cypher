// link_identifiers: a record's identifiers, each one node shared by every record that holds it.
// params: $rows: list of {record, key ("KIND:value"), kind, value (normalised), junk (bool)}
// returns: nothing
UNWIND $rows AS row
MATCH (r:SourceRecord {key: row.record})
MERGE (i:Identifier {key: row.key})
ON CREATE SET i.kind = row.kind, i.value = row.value, i.junk = row.junk
CREATE (r)-[:HAS_IDENTIFIER]->(i)
