// record_keys_page: resolvable source records in key order, a page at a time.
// params: $after (string, "" for the first page), $limit (int)
// returns: key
MATCH (r:SourceRecord)
WHERE r.key > $after AND NOT r.pending
RETURN r.key AS key
ORDER BY key
LIMIT $limit
