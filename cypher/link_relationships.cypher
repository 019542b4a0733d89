// link_relationships: who a record says its person relates to (REFERRED_BY, FOLLOWS, FAMILY...).
// The other person may not be known yet: a `pending` placeholder waits for their profile, so
// the relationship links whichever of the two arrives first.
// params: $rows: list of {record, kind, to (record key), toSource, toSourceId}
// returns: nothing
UNWIND $rows AS row
MATCH (r:SourceRecord {key: row.record})
MERGE (t:SourceRecord {key: row.to})
ON CREATE SET t.pending = true, t.source = row.toSource, t.sourceId = row.toSourceId, t.createdAt = datetime()
CREATE (r)-[:RELATES_TO {kind: row.kind}]->(t)
