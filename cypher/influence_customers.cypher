// influence_customers: every live customer id, the nodes of the influence graph.
// params: none
// returns: id
MATCH (c:Customer)
WHERE c.mergedInto IS NULL
RETURN c.id AS id
