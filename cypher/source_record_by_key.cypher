// source_record_by_key: one source record and the customer it belongs to.
// params: $key ("source:sourceId")
// returns: key, source, sourceId, customer (id)
MATCH (r:SourceRecord {key: $key})-[:BELONGS_TO]->(c:Customer)
RETURN r.key AS key, r.source AS source, r.sourceId AS sourceId, c.id AS customer
