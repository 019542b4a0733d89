// cross_sell_pairs: Which products are bought by the same customers?
// Pairs of products that at least $minCustomers live customers have both bought (in any of their
// purchases, not necessarily together). `support` is that count's share of all customers who bought
// any product; `confidenceAB` the share of product A's buyers who also bought B (`confidenceBA` the
// reverse); `lift` how many times more often the pair occurs than if the two were bought
// independently (above 1: they go together). Each pair once, A before B in SKU order; strongest lift first.
// param: $minCustomers int = 2 — fewest customers who must have bought both
// param: $limit int = 50 — how many pairs to list
// returns: skuA, productA, skuB, productB, customers, support, confidenceAB, confidenceBA, lift
MATCH (c:Customer)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(:Interaction {kind: 'PURCHASE'})-[:ABOUT]->(p:Product)
WHERE c.mergedInto IS NULL
WITH DISTINCT c, p
// Each product's buyer count rides along in the baskets, so no pair has to count them again.
WITH p, collect(c) AS productBuyers
UNWIND productBuyers AS c
WITH c, collect({product: p, buyers: size(productBuyers)}) AS basket
WITH collect(basket) AS baskets
UNWIND baskets AS basket
WITH size(baskets) AS buyers, basket
UNWIND basket AS a
UNWIND basket AS b
WITH buyers, a, b
WHERE a.product.sku < b.product.sku
WITH buyers, a.product AS productA, a.buyers AS buyersA, b.product AS productB, b.buyers AS buyersB,
     count(*) AS both
WHERE both >= $minCustomers
RETURN productA.sku AS skuA, productA.name AS productA, productB.sku AS skuB, productB.name AS productB,
       both AS customers,
       round(toFloat(both) / buyers, 4) AS support,
       round(toFloat(both) / buyersA, 4) AS confidenceAB,
       round(toFloat(both) / buyersB, 4) AS confidenceBA,
       round(toFloat(both) * buyers / (buyersA * buyersB), 4) AS lift
ORDER BY lift DESC, customers DESC, skuA, skuB
LIMIT $limit
