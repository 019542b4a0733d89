// influence_referral_revenue: what the customers each customer referred have spent.
// A referred customer is a live customer one of whose profiles says REFERRED_BY about the
// referrer; their revenue is the sum of their PURCHASE values (currencies are not converted, as in
// the 360's lifetime spend). A customer referred by two people counts for both. Parallel lists in
// one row, as in influence_edges.
// params: none
// returns: ids (referrers), revenues (one per referrer)
MATCH (referred:Customer)<-[:BELONGS_TO]-(:SourceRecord)-[:RELATES_TO {kind: 'REFERRED_BY'}]->(:SourceRecord)
      -[:BELONGS_TO]->(referrer:Customer)
WHERE referred <> referrer AND referred.mergedInto IS NULL AND referrer.mergedInto IS NULL
WITH DISTINCT referrer, referred
CALL (referred) {
  OPTIONAL MATCH (referred)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(p:Interaction {kind: 'PURCHASE'})
  RETURN sum(coalesce(p.value, 0.0)) AS revenue
}
WITH referrer.id AS id, sum(revenue) AS revenue
RETURN collect(id) AS ids, collect(revenue) AS revenues
