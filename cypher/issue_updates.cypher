// issue_updates: the status history of a batch of interactions, oldest change first.
// params: $keys (list of interaction keys)
// returns: key, updates (list of {before, after, resolution, by, at})
UNWIND $keys AS key
MATCH (i:Interaction {key: key})
CALL (i) {
  OPTIONAL MATCH (i)-[:HAS_UPDATE]->(u:IssueUpdate)
  WITH u ORDER BY u.at
  RETURN collect(u {.before, .after, .resolution, .by, .at}) AS updates
}
RETURN key, updates
