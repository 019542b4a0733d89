// household_delete: deletes households that no longer have members (ids no group kept).
// params: $ids (household ids)
// returns: nothing
UNWIND $ids AS householdId
MATCH (h:Household {id: householdId})
WHERE NOT EXISTS { (:Customer)-[:MEMBER_OF]->(h) }
DETACH DELETE h
