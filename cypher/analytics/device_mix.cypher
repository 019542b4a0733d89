// device_mix: Which kinds of device do customers engage from?
// A device counts for a customer when one of their profiles lists it (USED) or one of their
// interactions came through it (VIA). `interactions` counts the interactions that came through
// the devices of that kind and operating system. Devices no live customer is known to use are left out.
// params: none
// returns: kind, os, devices, customers, interactions
MATCH (d:Device)
CALL (d) {
  OPTIONAL MATCH (d)<-[:USED]-(:SourceRecord)-[:BELONGS_TO]->(owner:Customer)
  WHERE owner.mergedInto IS NULL
  RETURN collect(DISTINCT owner) AS owners
}
CALL (d) {
  OPTIONAL MATCH (d)<-[:VIA]-(i:Interaction)<-[:HAD]-(:SourceRecord)-[:BELONGS_TO]->(user:Customer)
  WHERE user.mergedInto IS NULL
  RETURN collect(DISTINCT user) AS users, count(DISTINCT i) AS interactions
}
WITH d, owners + users AS customers, interactions
WHERE size(customers) > 0
WITH d.kind AS kind, d.os AS os, count(d) AS devices, sum(interactions) AS interactions,
     collect(customers) AS customerLists
// A customer may use several devices of one kind: count them once, without an O(n²) list union.
CALL (customerLists) {
  UNWIND customerLists AS customers
  UNWIND customers AS customer
  RETURN count(DISTINCT customer) AS customers
}
RETURN kind, os, devices, customers, interactions
ORDER BY customers DESC, kind, os
