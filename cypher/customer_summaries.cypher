// customer_summaries: what a list of customers usually shows (household members, relationships, a source
// record's customer), for a batch of ids, without the rest of the 360: golden attributes and consent
// statements (a marketing caller's lists keep only customers with a marketing grant in force).
// An id merged away answers with its survivor (`requested` keeps the id that was asked for).
// Consent statements are ordered as in customers_by_ids: the first of each channel and purpose is in force.
// params: $ids (list of customer ids)
// returns: requested, customer (map of golden attributes), consents
UNWIND $ids AS requested
MATCH (asked:Customer {id: requested})
OPTIONAL MATCH (asked)-[:MERGED_INTO*1..20]->(survivor:Customer)
WHERE survivor.mergedInto IS NULL
WITH requested, coalesce(survivor, asked) AS c
CALL (c) {
  CALL (c) {
    MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[said:CONSENTED]->(topic:ConsentTopic)
    RETURN said, topic
    UNION ALL
    MATCH (c)-[said:CONSENTED]->(topic:ConsentTopic)
    RETURN said, topic
  }
  WITH said, topic
  ORDER BY topic.channel, topic.purpose, said.at IS NULL, said.at DESC, said.granted
  RETURN collect({channel: topic.channel, purpose: topic.purpose, granted: said.granted, at: said.at,
                  source: said.source, by: said.by}) AS consents
}
RETURN requested, c {.*} AS customer, consents
