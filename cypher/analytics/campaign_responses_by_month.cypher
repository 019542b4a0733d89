// campaign_responses_by_month: How many customers respond to campaigns each month, where, and how many then buy?
// CAMPAIGN_RESPONSE interactions by calendar month (as recorded, "2025-03") and channel. `buyers`
// counts the responding customers who made a PURCHASE within $days days after one of those
// responses: the campaign's visible effect on sales.
// param: $days int = 30 — how many days after a response a purchase still counts as following it
// returns: month, channel, responses, customers, buyers
MATCH (r:SourceRecord)-[:HAD]->(i:Interaction {kind: 'CAMPAIGN_RESPONSE'})
WHERE i.occurredAt IS NOT NULL
WITH r, collect(i) AS recordResponses
MATCH (r)-[:BELONGS_TO]->(c:Customer)
WHERE c.mergedInto IS NULL
UNWIND recordResponses AS i
WITH c, collect(i) AS responses
// Each customer's purchase times are read once and searched in memory: a per-response subquery
// with a time range tempts the planner into a range scan of every interaction, for every response.
// Responses are grouped by record before the hop to the customer: that hop walks all of a
// record's relationships, so it is taken once per record, not once per response.
WITH c, responses,
     [(c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(p:Interaction {kind: 'PURCHASE'})
        WHERE p.occurredAt IS NOT NULL | p.occurredAt] AS purchases
UNWIND responses AS i
WITH c, i,
     toString(i.occurredAt.year) + '-' + right('0' + toString(i.occurredAt.month), 2) AS month,
     any(at IN purchases WHERE at > i.occurredAt AND at <= i.occurredAt + duration({days: $days})) AS bought
RETURN month, i.channel AS channel, count(i) AS responses, count(DISTINCT c) AS customers,
       count(DISTINCT CASE WHEN bought THEN c END) AS buyers
ORDER BY month, channel
