// channel_to_sales: For each channel, what share of first-time buyers had contacted us there just before?
// For every live customer with a PURCHASE, their first purchase follows a contact on a channel when
// they had an interaction of any kind on it in the $days days before. `touched` counts the buyers
// with a contact on the channel (a buyer with contacts on two channels counts for both, so shares
// can add up to more than 1); `lastTouch` counts those whose latest contact before the purchase was
// there. Shares are of `firstBuyers`, every customer with a first purchase, contacted or not.
// param: $days int = 30 — how many days before the first purchase a contact still counts
// returns: channel, touched, touchedShare, lastTouch, lastTouchShare, firstBuyers
MATCH (c:Customer)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(p:Interaction {kind: 'PURCHASE'})
WHERE c.mergedInto IS NULL AND p.occurredAt IS NOT NULL
WITH c, min(p.occurredAt) AS firstPurchase
WITH collect({customer: c, at: firstPurchase}) AS buyers
UNWIND buyers AS buyer
WITH size(buyers) AS firstBuyers, buyer.customer AS c, buyer.at AS firstPurchase
CALL (c, firstPurchase) {
  MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(i:Interaction)
  WHERE i.channel IS NOT NULL AND i.occurredAt < firstPurchase
    AND i.occurredAt >= firstPurchase - duration({days: $days})
  WITH i
  ORDER BY i.occurredAt DESC, i.key DESC
  WITH collect(i.channel) AS contacts
  UNWIND contacts AS channel
  RETURN DISTINCT channel, channel = contacts[0] AS last
}
WITH firstBuyers, channel, count(c) AS touched, count(CASE WHEN last THEN c END) AS lastTouch
RETURN channel, touched, round(toFloat(touched) / firstBuyers, 4) AS touchedShare,
       lastTouch, round(toFloat(lastTouch) / firstBuyers, 4) AS lastTouchShare, firstBuyers
ORDER BY touched DESC, channel
