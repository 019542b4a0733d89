// dirty_record_keys: source records written since identity resolution last saw them.
// Ingest resolves what it writes in the same transaction, so these are left only by a resolution
// that never ran (`kith resolve` picks them up).
// params: $limit (int)
// returns: key
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
MATCH (r:SourceRecord {dirty: true})
WHERE NOT r.pending
RETURN r.key AS key
ORDER BY key
LIMIT $limit
