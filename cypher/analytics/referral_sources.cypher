// referral_sources: Who refers our new customers, and how many new customers came without a referral?
// A customer is new when first seen (their earliest profile observation or interaction) in the
// $days days up to $asOf. A new customer was referred when one of their profiles says REFERRED_BY
// about another live customer: one row per referrer, busiest first, and last a row with referrer
// null for the new customers nobody referred. A customer referred by two people counts for both.
// A referral naming a profile that is not loaded yet does not count: that person is no customer yet.
// param: $days int = 365 — how many days back a first sighting still makes a customer new
// param: $asOf string = null — ISO date-time the window ends at; null means now
// returns: referrer, referrerName, newCustomers, customers (ids of the new customers)
WITH coalesce(datetime($asOf), datetime()) AS asOf
MATCH (c:Customer)
WHERE c.mergedInto IS NULL
CALL (c) {
  MATCH (c)<-[:BELONGS_TO]-(r:SourceRecord)
  OPTIONAL MATCH (r)-[:HAD]->(i:Interaction)
  WITH collect(r.observedAt) + collect(i.occurredAt) AS sightings
  UNWIND sightings AS at
  RETURN min(at) AS firstSeen
}
WITH c, firstSeen
WHERE firstSeen > asOf - duration({days: $days}) AND firstSeen <= asOf
OPTIONAL MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:RELATES_TO {kind: 'REFERRED_BY'}]->(:SourceRecord)
               -[:BELONGS_TO]->(referrer:Customer)
WHERE referrer <> c AND referrer.mergedInto IS NULL
WITH DISTINCT referrer, c
ORDER BY c.id
RETURN referrer.id AS referrer, referrer.displayName AS referrerName, count(c) AS newCustomers,
       collect(c.id) AS customers
ORDER BY referrer IS NULL, newCustomers DESC, referrer
