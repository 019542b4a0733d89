// ingest_context: what a GraphQL `ingest` needs before it writes, in one round trip: the match
// model's parameters (as `read_match_model`, null until `kith resolve --full --estimate` stored
// some) and every suppression hash (as `suppression_hashes`).
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
// params: none
// returns: one row: parameters (JSON text or null), hashes (list)
CYPHER replan=skip
OPTIONAL MATCH (m:MatchModel {name: 'current'})
RETURN m.parameters AS parameters, COLLECT { MATCH (s:Suppression) RETURN s.hash } AS hashes
