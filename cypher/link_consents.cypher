// link_consents: consent statements of a record, each to a (channel, purpose) topic.
// The newest statement across a customer's records wins when consent is read.
// params: $rows: list of {record, topic ("CHANNEL:PURPOSE"), channel, purpose, granted, at}
// returns: nothing
UNWIND $rows AS row
MATCH (r:SourceRecord {key: row.record})
MERGE (t:ConsentTopic {key: row.topic})
ON CREATE SET t.channel = row.channel, t.purpose = row.purpose
CREATE (r)-[:CONSENTED {granted: row.granted, at: row.at, source: r.source}]->(t)
