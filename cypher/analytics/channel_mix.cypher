// channel_mix: Which channels and kinds of interaction carry the engagement, and the money?
// Every interaction of a live customer counts once, under its channel and kind (null when the
// source did not say). `value` adds up the interactions' values: for PURCHASE rows that is the
// revenue, for RETURN rows the refunds. Money is never added across currencies, so a channel and
// kind with values in two currencies gives two rows; interactions without a value have currency null.
// Interactions still waiting for their customer's profile are not counted.
// params: none
// returns: channel, kind, currency, interactions, customers, value
MATCH (c:Customer)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(i:Interaction)
WHERE c.mergedInto IS NULL
RETURN i.channel AS channel, i.kind AS kind, i.currency AS currency,
       count(i) AS interactions, count(DISTINCT c) AS customers,
       sum(coalesce(i.value, 0.0)) AS value
ORDER BY channel, kind, currency
