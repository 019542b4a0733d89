// customer_summaries: what a list of customers usually shows (household members, relationships, a source
// record's customer), for a batch of ids, without the rest of the 360: id and names, and the consent
// statements when asked for (a marketing caller's lists keep only customers with a marketing grant in force).
// An id merged away answers with its survivor (`requested` keeps the id that was asked for).
// Consent statements are ordered as in customers_by_ids: the first of each channel and purpose is in force.
// params: $ids (list of customer ids), $consents (bool: include the consent statements)
// returns: requested, customer (map: id, displayName, givenName, familyName, birthDate),
//          consents (list of maps; null unless $consents)
UNWIND $ids AS requested
MATCH (asked:Customer {id: requested})
OPTIONAL MATCH (asked)-[:MERGED_INTO*1..20]->(survivor:Customer)
WHERE survivor.mergedInto IS NULL
WITH requested, coalesce(survivor, asked) AS c
CALL (c) {
  CALL (c) {
    WITH c WHERE $consents
    MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[said:CONSENTED]->(topic:ConsentTopic)
    RETURN said, topic
    UNION ALL
    WITH c WHERE $consents
    MATCH (c)-[said:CONSENTED]->(topic:ConsentTopic)
    RETURN said, topic
  }
  WITH said, topic
  ORDER BY topic.channel, topic.purpose, said.at IS NULL, said.at DESC, said.granted
  WITH collect({channel: topic.channel, purpose: topic.purpose, granted: said.granted, at: said.at,
                 source: said.source, by: said.by}) AS statements
  RETURN CASE WHEN $consents THEN statements END AS consents
}
RETURN requested, c {.id, .displayName, .givenName, .familyName, .birthDate} AS customer, consents
