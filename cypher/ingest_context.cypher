// ingest_context: takes the resolution lock (as `take_resolution_lock` does) and reads, under it,
// what a GraphQL `ingest` checks its lines against, in one round trip: the match model's parameters
// (as `read_match_model`, null until `kith resolve --full --estimate` stored some) and every
// suppression hash (as `suppression_hashes`). Forgetting a person takes the lock too, so no request
// reads the list while someone is being forgotten.
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
// params: none
// returns: one row: parameters (JSON text or null), hashes (list)
CYPHER replan=skip
MERGE (lock:Lock {name: 'resolution'})
SET lock.at = datetime()
WITH lock
OPTIONAL MATCH (m:MatchModel {name: 'current'})
RETURN m.parameters AS parameters, COLLECT { MATCH (s:Suppression) RETURN s.hash } AS hashes
