// cross_sell_pairs: Which products are bought by the same customers?
// Pairs of products that at least $minCustomers live customers have both bought (in any of their
// purchases, not necessarily together). `support` is that count's share of all customers who bought
// any product; `confidenceAB` the share of product A's buyers who also bought B (`confidenceBA` the
// reverse); `lift` how many times more often the pair occurs than if the two were bought
// independently (above 1: they go together). Each pair once, A before B in SKU order; strongest lift first.
// param: $minCustomers int = 2 — fewest customers who must have bought both
// param: $limit int = 50 — how many pairs to list
// returns: skuA, productA, skuB, productB, customers, support, confidenceAB, confidenceBA, lift
CALL () {
  MATCH (c:Customer)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(:Interaction {kind: 'PURCHASE'})-[:ABOUT]->(:Product)
  WHERE c.mergedInto IS NULL
  RETURN count(DISTINCT c) AS buyers
}
MATCH (c:Customer)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(:Interaction {kind: 'PURCHASE'})-[:ABOUT]->(p:Product)
WHERE c.mergedInto IS NULL
WITH buyers, c, collect(DISTINCT p) AS bought
UNWIND bought AS a
UNWIND bought AS b
WITH buyers, a, b, c
WHERE a.sku < b.sku
WITH buyers, a, b, count(c) AS both
WHERE both >= $minCustomers
WITH buyers, a, b, both,
     size(COLLECT { MATCH (a)<-[:ABOUT]-(:Interaction {kind: 'PURCHASE'})<-[:HAD]-(:SourceRecord)-[:BELONGS_TO]->(x:Customer)
             WHERE x.mergedInto IS NULL RETURN DISTINCT x }) AS buyersA,
     size(COLLECT { MATCH (b)<-[:ABOUT]-(:Interaction {kind: 'PURCHASE'})<-[:HAD]-(:SourceRecord)-[:BELONGS_TO]->(x:Customer)
             WHERE x.mergedInto IS NULL RETURN DISTINCT x }) AS buyersB
RETURN a.sku AS skuA, a.name AS productA, b.sku AS skuB, b.name AS productB, both AS customers,
       round(toFloat(both) / buyers, 4) AS support,
       round(toFloat(both) / buyersA, 4) AS confidenceAB,
       round(toFloat(both) / buyersB, 4) AS confidenceBA,
       round(toFloat(both) * buyers / (buyersA * buyersB), 4) AS lift
ORDER BY lift DESC, customers DESC, skuA, skuB
LIMIT $limit
