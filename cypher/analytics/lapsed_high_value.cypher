// lapsed_high_value: Which high-value customers have stopped buying, and may we market to them?
// A contact list: live customers whose last PURCHASE is $days days or more before $asOf and whose
// lifetime spend (the value of their purchases up to $asOf, per currency, to the cent) is above $minSpend.
// Customers without MARKETING consent are left out: on each channel the newest CONSENTED statement
// across all the customer's profiles and Kith's own statements wins (a refusal wins a tie; a statement with no date is older
// than any dated one), and `channels` lists the channels whose newest statement grants. Best customers first.
// param: $days int = 365 — how many days without a purchase make a customer lapsed
// param: $minSpend float = 500.0 — lifetime spend a customer must be above, in their currency
// param: $currency string = null — only spend in this currency (GBP, AUD...); null takes each currency on its own
// param: $asOf string = null — ISO date-time to judge from; null means now
// returns: customer, displayName, currency, lifetimeSpend, orders, lastPurchase, daysSince, channels
// Purchases are grouped by record before the hop to the customer: a record holds many purchases,
// and that hop walks all of a record's relationships.
WITH coalesce(datetime($asOf), datetime()) AS asOf
MATCH (r:SourceRecord)-[:HAD]->(p:Interaction {kind: 'PURCHASE'})
WHERE p.occurredAt <= asOf
WITH asOf, r, collect(p) AS recordPurchases
MATCH (r)-[:BELONGS_TO]->(c:Customer)
WHERE c.mergedInto IS NULL
UNWIND recordPurchases AS p
WITH asOf, c, collect(p) AS purchases, max(p.occurredAt) AS lastPurchase
WHERE duration.inDays(lastPurchase, asOf).days >= $days
UNWIND purchases AS p
WITH asOf, c, lastPurchase, p
WHERE $currency IS NULL OR p.currency = $currency
WITH asOf, c, lastPurchase, p.currency AS currency, round(sum(coalesce(p.value, 0.0)), 2) AS lifetimeSpend,
     count(p) AS orders
WHERE lifetimeSpend > $minSpend
CALL (c, asOf) {
  CALL (c) {
    MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[said:CONSENTED]->(topic:ConsentTopic {purpose: 'MARKETING'})
    RETURN said, topic
    UNION ALL
    MATCH (c)-[said:CONSENTED]->(topic:ConsentTopic {purpose: 'MARKETING'})
    RETURN said, topic
  }
  WITH said, topic
  WHERE said.at IS NULL OR said.at <= asOf
  WITH topic.channel AS channel, said
  ORDER BY said.at IS NULL, said.at DESC, said.granted
  WITH channel, head(collect(said.granted)) AS granted
  WHERE granted
  WITH channel
  ORDER BY channel
  RETURN collect(channel) AS channels
}
WITH c, currency, lifetimeSpend, orders, lastPurchase, asOf, channels
WHERE size(channels) > 0
RETURN c.id AS customer, c.displayName AS displayName, currency, lifetimeSpend, orders,
       date(lastPurchase) AS lastPurchase, duration.inDays(lastPurchase, asOf).days AS daysSince, channels
ORDER BY lifetimeSpend DESC, customer, currency
