// influence_customers: every live customer id, the nodes of the influence graph.
// One row holding a list: a list decodes in one go, where 100,000 rows cost the driver seconds.
// params: none
// returns: ids (list of customer ids)
MATCH (c:Customer)
WHERE c.mergedInto IS NULL
RETURN collect(c.id) AS ids
