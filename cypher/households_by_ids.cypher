// households_by_ids: households and the ids of their members.
// params: $ids (list of household ids)
// returns: id, members (customer ids, ordered)
UNWIND $ids AS householdId
MATCH (h:Household {id: householdId})
OPTIONAL MATCH (c:Customer)-[:MEMBER_OF]->(h)
WITH h, c ORDER BY c.id
RETURN h.id AS id, [x IN collect(c.id) WHERE x IS NOT NULL] AS members
