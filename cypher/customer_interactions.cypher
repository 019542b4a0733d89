// customer_interactions: one page of a customer's timeline, newest first, optionally one channel.
// The cursor is the key of the last interaction of the previous page.
// params: $id (customer id), $channel (string or null), $afterKey (string or null), $limit (int)
// returns: total (all matching interactions), page (list of interaction maps, times as text as in
//          customers_by_ids)
OPTIONAL MATCH (after:Interaction {key: $afterKey})
WITH after.occurredAt AS afterTime
MATCH (c:Customer {id: $id})
// Expanding from the customer (not scanning the occurredAt index) keeps this proportional to one timeline.
UNWIND [(c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(i:Interaction)
          WHERE i.channel IS NOT NULL AND i.kind IS NOT NULL AND i.occurredAt IS NOT NULL
            AND ($channel IS NULL OR i.channel = $channel) | i] AS i
WITH afterTime, i ORDER BY i.occurredAt DESC, i.key DESC
WITH afterTime, collect(i) AS timeline
WITH size(timeline) AS total,
     [i IN timeline WHERE afterTime IS NULL OR i.occurredAt < afterTime
                       OR (i.occurredAt = afterTime AND i.key < $afterKey)] AS rest
RETURN total, [i IN rest[0..$limit] | i {.key, .source, .sourceId, .channel, .kind,
                                         occurredAt: toString(i.occurredAt), .status, .summary, .value, .agent,
                                         .resolution}] AS page
