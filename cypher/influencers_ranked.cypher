// influencers_ranked: live customers by influence score (weighted PageRank set by `kith influence`).
// params: $limit (int)
// returns: id
MATCH (c:Customer)
WHERE c.influenceScore > 0 AND c.mergedInto IS NULL
RETURN c.id AS id
ORDER BY c.influenceScore DESC, c.id
LIMIT $limit
