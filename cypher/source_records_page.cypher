// source_records_page: source records with their customers, in key order, a page at a time.
// params: $after (record key of the previous page's last record, "" for the first page), $limit (int)
// returns: key, source, sourceId, customer (id)
MATCH (r:SourceRecord)-[:BELONGS_TO]->(c:Customer)
WHERE r.key > $after
RETURN r.key AS key, r.source AS source, r.sourceId AS sourceId, c.id AS customer
ORDER BY key
LIMIT $limit
