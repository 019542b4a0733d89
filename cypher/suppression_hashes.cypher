// suppression_hashes: every suppression hash, read once at the start of an ingest.
// params: none
// returns: hash
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
MATCH (s:Suppression)
RETURN s.hash AS hash
