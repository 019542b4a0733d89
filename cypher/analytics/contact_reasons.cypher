// contact_reasons: What do customers come to us for?
// Interactions by kind (PURCHASE, COMPLAINT, ENQUIRY, LOGIN, CAMPAIGN_RESPONSE...): how many, how
// many customers, and the share of engaged customers (those with any interaction) who had at
// least one of that kind. `channels` lists where that kind happens, busiest first.
// params: none
// returns: kind, interactions, customers, customerShare, channels
CALL () {
  MATCH (c:Customer)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(:Interaction)
  WHERE c.mergedInto IS NULL
  RETURN count(DISTINCT c) AS engaged
}
MATCH (c:Customer)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(i:Interaction)
WHERE c.mergedInto IS NULL
WITH engaged, i.kind AS kind, count(i) AS interactions, count(DISTINCT c) AS customers,
     collect(i.channel) AS seen
CALL (seen) {
  UNWIND seen AS channel
  WITH channel, count(*) AS uses
  ORDER BY uses DESC, channel
  RETURN collect(channel) AS channels
}
RETURN kind, interactions, customers, round(toFloat(customers) / engaged, 4) AS customerShare, channels
ORDER BY interactions DESC, kind
