// interactions_by_keys: interactions by key, with the fields an issue's lifecycle checks.
// params: $keys (list of interaction keys)
// returns: key, kind, status, resolution
UNWIND $keys AS key
MATCH (i:Interaction {key: key})
RETURN i.key AS key, i.kind AS kind, i.status AS status, i.resolution AS resolution
