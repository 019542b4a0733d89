// suppression_add: remembers an erased person as salted hashes of their keys and identifiers, so a
// later ingest of their old lines is turned away. The hashes can not be turned back into values.
// params: $hashes (list of hex strings)
// returns: nothing
UNWIND $hashes AS hash
MERGE (s:Suppression {hash: hash})
ON CREATE SET s.at = datetime()
