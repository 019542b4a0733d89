// engagement_by_time: On which weekdays and at what hours do customers engage?
// Interactions by weekday (1 = Monday ... 7 = Sunday) and hour of day (0-23). Times are read in
// the offset each source recorded them in (usually the customer's local time), or converted to
// $timezone when one is given. Only hours with interactions appear; interactions without a time
// are left out.
// param: $timezone string = null — time zone to convert to ("Europe/London", "+10:00"); null keeps each time as recorded
// param: $channel string = null — count only this channel (WEB, STORE, ...); null counts every channel
// returns: weekday, day, hour, interactions, customers
MATCH (c:Customer)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(i:Interaction)
WHERE c.mergedInto IS NULL AND i.occurredAt IS NOT NULL AND ($channel IS NULL OR i.channel = $channel)
WITH c, CASE WHEN $timezone IS NULL THEN i.occurredAt
             ELSE datetime({datetime: i.occurredAt, timezone: $timezone}) END AS at
WITH c, at.dayOfWeek AS weekday, at.hour AS hour
RETURN weekday, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][weekday - 1] AS day, hour,
       count(*) AS interactions, count(DISTINCT c) AS customers
ORDER BY weekday, hour
