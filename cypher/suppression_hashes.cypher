// suppression_hashes: every suppression hash, read once at the start of an ingest.
// params: none
// returns: hash
MATCH (s:Suppression)
RETURN s.hash AS hash
