// channel_to_sales: For each channel, what share of first-time buyers had contacted us there just before?
// For every live customer with a PURCHASE, their first purchase follows a contact on a channel when
// they had an interaction of any kind on it in the $days days before. `touched` counts the buyers
// with a contact on the channel (a buyer with contacts on two channels counts for both, so shares
// can add up to more than 1); `lastTouch` counts those whose latest contact before the purchase was
// there. Shares are of `firstBuyers`, every customer with a first purchase, contacted or not.
// param: $days int = 30 — how many days before the first purchase a contact still counts
// returns: channel, touched, touchedShare, lastTouch, lastTouchShare, firstBuyers
// One pass over each customer's timeline (newest first) finds the first purchase and the contacts
// before it, rather than a time-range subquery per buyer; each timeline is sorted on its own.
MATCH (c:Customer)
WHERE c.mergedInto IS NULL
WITH c, COLLECT {
  MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(i:Interaction)
  WHERE i.occurredAt IS NOT NULL
  RETURN i ORDER BY i.occurredAt DESC, i.key DESC
} AS timeline
WITH c, timeline, [x IN timeline WHERE x.kind = 'PURCHASE' | x.occurredAt] AS purchases
WHERE size(purchases) > 0
WITH c, timeline, purchases[-1] AS firstPurchase
WITH c, [x IN timeline WHERE x.channel IS NOT NULL AND x.occurredAt < firstPurchase
                         AND x.occurredAt >= firstPurchase - duration({days: $days}) | x.channel] AS contacts
WITH collect({customer: c, contacts: contacts}) AS buyers
UNWIND buyers AS buyer
WITH size(buyers) AS firstBuyers, buyer.customer AS c, buyer.contacts AS contacts
UNWIND contacts AS channel
WITH DISTINCT firstBuyers, c, channel, channel = contacts[0] AS last
WITH firstBuyers, channel, count(c) AS touched, count(CASE WHEN last THEN c END) AS lastTouch
RETURN channel, touched, round(toFloat(touched) / firstBuyers, 4) AS touchedShare,
       lastTouch, round(toFloat(lastTouch) / firstBuyers, 4) AS lastTouchShare, firstBuyers
ORDER BY touched DESC, channel
