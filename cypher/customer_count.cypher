// customer_count: how many live customers the graph holds (merged-away ids not counted).
// params: none
// returns: customers
MATCH (c:Customer)
WHERE c.mergedInto IS NULL
RETURN count(c) AS customers
