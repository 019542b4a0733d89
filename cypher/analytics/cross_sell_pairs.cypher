// cross_sell_pairs: Which products are bought by the same customers?
// Pairs of products that at least $minCustomers live customers have both bought (in any of their
// purchases, not necessarily together). `support` is that count's share of all customers who bought
// any product; `confidenceAB` the share of product A's buyers who also bought B (`confidenceBA` the
// reverse); `lift` how many times more often the pair occurs than if the two were bought
// independently (above 1: they go together). Each pair once, A before B in SKU order; strongest lift first.
// param: $minCustomers int = 2 — fewest customers who must have bought both
// param: $limit int = 50 — how many pairs to list
// returns: skuA, productA, skuB, productB, customers, support, confidenceAB, confidenceBA, lift
// Purchases are grouped by record before the hop to the customer (a record holds many purchases,
// and that hop walks all of a record's relationships), and baskets are sorted lists of SKUs, so a
// pair is two list positions, not two nodes to look up again.
MATCH (r:SourceRecord)-[:HAD]->(:Interaction {kind: 'PURCHASE'})-[:ABOUT]->(p:Product)
WITH r, collect(DISTINCT p.sku) AS skus
MATCH (r)-[:BELONGS_TO]->(c:Customer)
WHERE c.mergedInto IS NULL
UNWIND skus AS sku
WITH DISTINCT c, sku
ORDER BY sku
WITH c, collect(sku) AS basket
WITH collect(basket) AS baskets
CALL (baskets) {
  UNWIND baskets AS basket
  UNWIND basket AS sku
  WITH sku, count(*) AS productBuyers
  RETURN collect({sku: sku, buyers: productBuyers}) AS productBuyers
}
UNWIND baskets AS basket
UNWIND range(0, size(basket) - 2) AS a
UNWIND range(a + 1, size(basket) - 1) AS b
WITH size(baskets) AS buyers, productBuyers, basket[a] AS skuA, basket[b] AS skuB, count(*) AS both
WHERE both >= $minCustomers
WITH buyers, skuA, skuB, both,
     [entry IN productBuyers WHERE entry.sku = skuA][0].buyers AS buyersA,
     [entry IN productBuyers WHERE entry.sku = skuB][0].buyers AS buyersB
MATCH (productA:Product {sku: skuA}), (productB:Product {sku: skuB})
RETURN skuA, productA.name AS productA, skuB, productB.name AS productB,
       both AS customers,
       round(toFloat(both) / buyers, 4) AS support,
       round(toFloat(both) / buyersA, 4) AS confidenceAB,
       round(toFloat(both) / buyersB, 4) AS confidenceBA,
       round(toFloat(both) * buyers / (buyersA * buyersB), 4) AS lift
ORDER BY lift DESC, customers DESC, skuA, skuB
LIMIT $limit
