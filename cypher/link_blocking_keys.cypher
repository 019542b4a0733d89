// link_blocking_keys: the buckets a record is found in when looking for its candidates.
// params: $rows: list of {record, key ("bkName=value")}
// returns: nothing
UNWIND $rows AS row
MATCH (r:SourceRecord {key: row.record})
MERGE (b:BlockingKey {key: row.key})
CREATE (r)-[:BLOCKED_BY]->(b)
