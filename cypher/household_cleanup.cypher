// household_cleanup: after a full rebuild, drops what no customer keeps alive.
// Merged-away customers lose their memberships; then up to $limit households without members go.
// params: $limit (int)
// returns: deleted (households deleted; 0 when none are left)
CALL () {
  MATCH (c:Customer)-[old:MEMBER_OF]->(:Household)
  WHERE c.mergedInto IS NOT NULL
  DELETE old
}
MATCH (h:Household)
WHERE NOT EXISTS { (:Customer)-[:MEMBER_OF]->(h) }
WITH h LIMIT $limit
DETACH DELETE h
RETURN count(*) AS deleted
