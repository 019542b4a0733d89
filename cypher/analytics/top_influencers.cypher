// top_influencers: Who are our most influential customers, and what are the customers they referred worth?
// Live customers ranked by influenceScore (set by influence scoring; a customer without one counts
// as 0), then by referrals: the live customers whose profiles say REFERRED_BY about them.
// `referredRevenue` adds up the PURCHASE values of those referred customers, per currency: an
// influencer whose referrals bought in two currencies has two rows, and one with currency null when
// they bought nothing. Customers with neither a score nor a referral are left out.
// param: $limit int = 20 — how many influencers to list
// returns: customer, displayName, influenceScore, referrals, currency, referredRevenue
MATCH (c:Customer)
WHERE c.mergedInto IS NULL
CALL (c) {
  OPTIONAL MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)<-[:RELATES_TO {kind: 'REFERRED_BY'}]-(:SourceRecord)
                 -[:BELONGS_TO]->(referred:Customer)
  WHERE referred <> c AND referred.mergedInto IS NULL
  RETURN collect(DISTINCT referred) AS referred
}
WITH c, coalesce(c.influenceScore, 0.0) AS score, referred
WHERE score > 0 OR size(referred) > 0
WITH c, score, referred
ORDER BY score DESC, size(referred) DESC, c.id
LIMIT $limit
CALL (referred) {
  UNWIND referred AS customer
  MATCH (customer)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(p:Interaction {kind: 'PURCHASE'})
  WITH p.currency AS currency, sum(coalesce(p.value, 0.0)) AS revenue
  ORDER BY currency
  RETURN collect({currency: currency, revenue: revenue}) AS revenues
}
UNWIND CASE WHEN size(revenues) = 0 THEN [{currency: null, revenue: 0.0}] ELSE revenues END AS money
RETURN c.id AS customer, c.displayName AS displayName, score AS influenceScore, size(referred) AS referrals,
       money.currency AS currency, money.revenue AS referredRevenue
ORDER BY influenceScore DESC, referrals DESC, customer, currency
