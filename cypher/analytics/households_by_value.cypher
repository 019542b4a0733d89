// households_by_value: Which households are worth the most, all members together?
// A household's value is the PURCHASE value of all its live members, per currency (a household
// buying in two currencies has two rows); `members` counts its live members and `orders` their
// purchases. Households whose members bought nothing show with value 0 and currency null.
// param: $currency string = null — only value in this currency; null ranks every currency's rows together
// param: $limit int = 50 — how many rows to list
// returns: household, members, locality, postcode, country, currency, value, orders
MATCH (h:Household)
CALL (h) {
  MATCH (c:Customer)-[:MEMBER_OF]->(h)
  WHERE c.mergedInto IS NULL
  RETURN collect(c) AS members
}
WITH h, members
WHERE size(members) > 0
CALL (members) {
  UNWIND members AS c
  MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(p:Interaction {kind: 'PURCHASE'})
  WHERE $currency IS NULL OR p.currency = $currency
  WITH p.currency AS currency, sum(coalesce(p.value, 0.0)) AS value, count(p) AS orders
  ORDER BY currency
  RETURN collect({currency: currency, value: value, orders: orders}) AS money
}
UNWIND CASE WHEN size(money) = 0 THEN [{currency: null, value: 0.0, orders: 0}] ELSE money END AS m
WITH h, members, m, head(COLLECT { MATCH (h)-[:AT_ADDRESS]->(a:Address) RETURN a ORDER BY a.key }) AS home
RETURN h.id AS household, size(members) AS members, home.locality AS locality, home.postcode AS postcode,
       home.country AS country, m.currency AS currency, m.value AS value, m.orders AS orders
ORDER BY value DESC, household, currency
LIMIT $limit
