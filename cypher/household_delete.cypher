// household_delete: deletes households that no longer have members (ids no group kept).
// params: $ids (household ids)
// returns: nothing
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
UNWIND $ids AS householdId
MATCH (h:Household {id: householdId})
WHERE NOT EXISTS { (:Customer)-[:MEMBER_OF]->(h) }
DETACH DELETE h
