// customers_by_ids: the core of the 360 for a batch of customer ids, in one round trip.
// An id merged away answers with its survivor (`requested` keeps the id that was asked for).
// Interactions without a channel, kind or time are kept in the graph but left out of the
// timeline, which promises all three. Open issues are complaints and enquiries not RESOLVED/CLOSED.
// params: $ids (list of customer ids), $latest (int: how many recent interactions to include)
// Consent statements come from the customer's records and from Kith itself, newest first within each
// channel and purpose (a statement without a time is the oldest; a withdrawal wins a tie): the first
// of each pair is the one in force. Flags come active first (then newest); actions outstanding first
// (soonest due, undated last), then done ones.
// Interaction and consent times come as Cypher's text (`toString`): the driver takes ~40 us of Python to
// decode one datetime, a sixth of the service's CPU per 360 (`service.api.types.iso` reads either).
// returns: requested, customer (map: id, names, birth date, influence score), records, identifiers,
//          devices, links, relationships, interactionCount, latest (newest first), openIssues, lastContacts,
//          value (lifetime spend, orders, last purchase), reach, referrals, household ({id, members}:
//          the household's customer ids in id order, or null), reached (the household members and
//          related customers as customer_summaries rows without consents), consents, flags, actions
UNWIND $ids AS requested
MATCH (asked:Customer {id: requested})
OPTIONAL MATCH (asked)-[:MERGED_INTO*1..20]->(survivor:Customer)
WHERE survivor.mergedInto IS NULL
WITH requested, coalesce(survivor, asked) AS c
CALL (c) {
  MATCH (c)<-[:BELONGS_TO]-(r:SourceRecord)
  WITH r ORDER BY r.key
  RETURN collect(r {.source, .sourceId, .key}) AS records
}
CALL (c) {
  MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier)
  WITH DISTINCT i ORDER BY i.kind, i.value
  RETURN collect(i {.kind, .value}) AS identifiers
}
CALL (c) {
  MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:USED]->(d:Device)
  WITH DISTINCT d ORDER BY d.id
  RETURN collect(d {.id, .kind, .os}) AS devices
}
CALL (c) {
  MATCH (c)<-[:BELONGS_TO]-(a:SourceRecord)-[s:SAME_AS]->(b:SourceRecord)
  WITH a, s, b ORDER BY a.key, b.key
  RETURN collect({fromSource: a.source, fromSourceId: a.sourceId, toSource: b.source, toSourceId: b.sourceId,
                  rule: s.rule, score: s.score, evidence: s.evidence}) AS links
}
CALL (c) {
  CALL (c) {
    MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[rel:RELATES_TO]->(:SourceRecord)-[:BELONGS_TO]->(other:Customer)
    WHERE other <> c
    RETURN DISTINCT rel.kind AS kind, 'OUT' AS direction, other.id AS customer
    UNION
    MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)<-[rel:RELATES_TO]-(:SourceRecord)-[:BELONGS_TO]->(other:Customer)
    WHERE other <> c
    RETURN DISTINCT rel.kind AS kind, 'IN' AS direction, other.id AS customer
  }
  WITH kind, direction, customer ORDER BY kind, direction, customer
  RETURN collect({kind: kind, direction: direction, customer: customer}) AS relationships,
         size([x IN collect(kind + direction) WHERE x = 'REFERRED_BYIN']) AS referrals
}
CALL (c) {
  OPTIONAL MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:RELATES_TO]-(:SourceRecord)-[:BELONGS_TO]->(one:Customer)
  OPTIONAL MATCH (one)<-[:BELONGS_TO]-(:SourceRecord)-[:RELATES_TO]-(:SourceRecord)-[:BELONGS_TO]->(two:Customer)
  WITH c, collect(DISTINCT one) + collect(DISTINCT two) AS near
  RETURN size([x IN near WHERE x <> c]) AS reach
}
CALL (c) {
  // A pattern comprehension expands from the customer: the planner can not trade it for a scan of
  // every interaction through the occurredAt index.
  UNWIND [(c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(i:Interaction)
            WHERE i.channel IS NOT NULL AND i.kind IS NOT NULL AND i.occurredAt IS NOT NULL | i] AS i
  WITH i ORDER BY i.occurredAt DESC, i.key DESC
  WITH collect(i) AS timeline
  WITH timeline,
       reduce(seen = [], i IN timeline | CASE WHEN i.channel IN seen THEN seen ELSE seen + i.channel END)
         AS channels
  RETURN size(timeline) AS interactionCount,
         [i IN timeline[0..$latest] | i {.key, .source, .sourceId, .channel, .kind,
                                         occurredAt: toString(i.occurredAt), .status, .summary, .value, .agent,
                                         .resolution}] AS latest,
         [i IN timeline WHERE i.kind IN ['COMPLAINT', 'ENQUIRY']
                          AND NOT coalesce(i.status, 'OPEN') IN ['RESOLVED', 'CLOSED']
            | i {.key, .source, .sourceId, .channel, .kind, occurredAt: toString(i.occurredAt), .status,
                 .summary, .value, .agent, .resolution}] AS openIssues,
         reduce(total = 0.0, i IN timeline |
           total + CASE WHEN i.kind = 'PURCHASE' THEN coalesce(i.value, 0.0) ELSE 0.0 END) AS lifetimeSpend,
         size([i IN timeline WHERE i.kind = 'PURCHASE']) AS orderCount,
         toString(head([i IN timeline WHERE i.kind = 'PURCHASE' | i.occurredAt])) AS lastPurchase,
         [channel IN channels |
           {channel: channel, at: toString(head([i IN timeline WHERE i.channel = channel]).occurredAt)}]
           AS lastContacts
}
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
  RETURN collect({channel: topic.channel, purpose: topic.purpose, granted: said.granted, at: toString(said.at),
                  source: said.source, by: said.by}) AS consents
}
CALL (c) {
  MATCH (c)-[:HAS_FLAG]->(f:Flag)
  WITH f ORDER BY f.clearedAt IS NOT NULL, f.raisedAt DESC
  RETURN collect(f {.*}) AS flags
}
CALL (c) {
  MATCH (c)-[:HAS_ACTION]->(a:Action)
  WITH a ORDER BY a.status = 'DONE', a.due IS NULL, a.due, a.createdAt DESC
  RETURN collect(a {.*}) AS actions
}
CALL (c) {
  OPTIONAL MATCH (c)-[:MEMBER_OF]->(h:Household)
  OPTIONAL MATCH (member:Customer)-[:MEMBER_OF]->(h)
  WITH h, member ORDER BY member.id
  WITH h, collect(member.id) AS members
  RETURN CASE WHEN h IS NULL THEN null ELSE {id: h.id, members: members} END AS household
}
CALL (household, relationships) {
  // The customers the 360 shows around this one, by name, so that showing them costs no round trip.
  UNWIND coalesce(household.members, []) + [related IN relationships | related.customer] AS id
  WITH DISTINCT id
  MATCH (other:Customer {id: id})
  WHERE other.mergedInto IS NULL
  RETURN collect({requested: id, customer: other {.id, .displayName, .givenName, .familyName, .birthDate}})
           AS reached
}
RETURN requested, c {.id, .displayName, .givenName, .familyName, .birthDate, .influenceScore} AS customer,
       records, identifiers, devices, links, relationships, referrals, reach,
       interactionCount, latest, openIssues, lifetimeSpend, orderCount, lastPurchase, lastContacts,
       household, reached, consents, flags, actions
