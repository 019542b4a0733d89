// household_context: a household as a support agent needs it during a call, in one round trip.
// Members are its live customers (id order) with their golden names and birth date, their open
// issues (complaints and enquiries not RESOLVED/CLOSED, newest first, as in the 360), their consents
// (the newest statement per channel and purpose across their records and Kith's own; a withdrawal wins a tie; a
// statement without a time counts as oldest) and what they spent (PURCHASE values). Shared
// identifiers and devices are those at least two members hold. `value` adds up the members'
// PURCHASE values (currencies are not converted, as in the 360's lifetime spend). Open issues' times
// come as text, as in customers_by_ids.
// params: $id (household id)
// returns: one row or none: id, createdAt, address (map or null), members (list of maps),
//          sharedIdentifiers [{kind, value, members}], sharedDevices [{id, kind, os, members}],
//          value, orders
MATCH (h:Household {id: $id})
CALL (h) {
  MATCH (c:Customer)-[membership:MEMBER_OF]->(h)
  WHERE c.mergedInto IS NULL
  CALL (c) {
    MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(i:Interaction)
    WHERE i.kind IN ['COMPLAINT', 'ENQUIRY'] AND NOT coalesce(i.status, 'OPEN') IN ['RESOLVED', 'CLOSED']
      AND i.channel IS NOT NULL AND i.occurredAt IS NOT NULL
    WITH DISTINCT i
    ORDER BY i.occurredAt DESC, i.key DESC
    RETURN collect(i {.key, .source, .sourceId, .channel, .kind, occurredAt: toString(i.occurredAt), .status,
                      .summary, .value, .agent, .resolution}) AS openIssues
  }
  CALL (c) {
    CALL (c) {
      MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[statement:CONSENTED]->(topic:ConsentTopic)
      RETURN statement, topic
      UNION ALL
      MATCH (c)-[statement:CONSENTED]->(topic:ConsentTopic)
      RETURN statement, topic
    }
    WITH topic, statement
    ORDER BY statement.at IS NULL, statement.at DESC, statement.granted
    WITH topic, head(collect(statement)) AS newest
    ORDER BY topic.channel, topic.purpose
    RETURN collect({channel: topic.channel, purpose: topic.purpose, granted: newest.granted, at: newest.at,
                    source: newest.source}) AS consents
  }
  CALL (c) {
    MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(p:Interaction {kind: 'PURCHASE'})
    WITH DISTINCT p
    RETURN 0.0 + sum(coalesce(p.value, 0.0)) AS spend, count(p) AS orders
  }
  WITH c, membership, openIssues, consents, spend, orders
  ORDER BY c.id
  RETURN collect({id: c.id, displayName: c.displayName, givenName: c.givenName, familyName: c.familyName,
                  birthDate: c.birthDate, role: membership.role, openIssues: openIssues,
                  consents: consents, value: spend, orders: orders}) AS members,
         0.0 + sum(spend) AS value, sum(orders) AS orders
}
CALL (h) {
  MATCH (c:Customer)-[:MEMBER_OF]->(h)
  WHERE c.mergedInto IS NULL
  MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier)
  WHERE NOT coalesce(i.junk, false)
  WITH DISTINCT i, c
  ORDER BY c.id
  WITH i, collect(c.id) AS holders
  WHERE size(holders) > 1
  WITH i, holders
  ORDER BY i.kind, i.value
  RETURN collect({kind: i.kind, value: i.value, members: holders}) AS sharedIdentifiers
}
CALL (h) {
  MATCH (c:Customer)-[:MEMBER_OF]->(h)
  WHERE c.mergedInto IS NULL
  MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:USED]->(d:Device)
  WITH DISTINCT d, c
  ORDER BY c.id
  WITH d, collect(c.id) AS holders
  WHERE size(holders) > 1
  WITH d, holders
  ORDER BY d.id
  RETURN collect({id: d.id, kind: d.kind, os: d.os, members: holders}) AS sharedDevices
}
OPTIONAL MATCH (h)-[:AT_ADDRESS]->(a:Address)
RETURN h.id AS id, h.createdAt AS createdAt,
       a {.key, .line1, .line2, .locality, .postcode, .region, .country} AS address,
       members, sharedIdentifiers, sharedDevices, value, orders
