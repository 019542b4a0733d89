// comeback_triggers: When lapsed customers come back, what brings them back?
// A comeback is a customer's first interaction after a silence of $days days or more; it counts
// under its channel and kind (a win-back email answered, a store visit, a complaint...). A customer
// who lapsed and came back twice counts twice in `comebacks` and once in `customers`.
// `averageGapDays` is the mean length of the silences they broke.
// param: $days int = 180 — how many days without any interaction make a customer lapsed
// returns: channel, kind, comebacks, customers, averageGapDays
// Each customer's timeline is sorted on its own: many small sorts instead of one of every interaction.
MATCH (c:Customer)
WHERE c.mergedInto IS NULL
WITH c, COLLECT {
  MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(i:Interaction)
  WHERE i.occurredAt IS NOT NULL
  RETURN i ORDER BY i.occurredAt, i.key
} AS timeline
UNWIND range(1, size(timeline) - 1) AS n
WITH c, timeline[n] AS back, duration.inDays(timeline[n - 1].occurredAt, timeline[n].occurredAt).days AS gap
WHERE gap >= $days
RETURN back.channel AS channel, back.kind AS kind, count(*) AS comebacks, count(DISTINCT c) AS customers,
       round(avg(gap), 1) AS averageGapDays
ORDER BY comebacks DESC, channel, kind
