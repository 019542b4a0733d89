// customer_export: everything Kith holds about one person, for a subject access request.
// Source records with every field as received (raw line included), their identifiers, addresses,
// devices, consent statements and relationships; interactions with products and status history;
// Kith's own consent statements, flags and actions; identity evidence; ids merged into this one.
// params: $id (a live customer id)
// returns: one row or none: customer (map), mergedIds, records, interactions, consents, flags,
//          actions, links, household
MATCH (c:Customer {id: $id})
CALL (c) {
  OPTIONAL MATCH (old:Customer)-[:MERGED_INTO*1..20]->(c)
  RETURN collect(DISTINCT old.id) AS mergedIds
}
CALL (c) {
  MATCH (c)<-[:BELONGS_TO]-(r:SourceRecord)
  WITH r ORDER BY r.key
  RETURN collect(r {.*,
    identifiers: [(r)-[:HAS_IDENTIFIER]->(i:Identifier) | i {.kind, .value}],
    addresses: [(r)-[:AT_ADDRESS]->(a:Address) | a {.line1, .line2, .locality, .postcode, .region, .country}],
    devices: [(r)-[:USED]->(d:Device) | d {.id, .kind, .os}],
    consents: [(r)-[s:CONSENTED]->(t:ConsentTopic) | {channel: t.channel, purpose: t.purpose,
                                                       granted: s.granted, at: s.at, source: s.source}],
    relationships: [(r)-[rel:RELATES_TO]->(other:SourceRecord) | {kind: rel.kind, to: other.key}]
  }) AS records
}
CALL (c) {
  OPTIONAL MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(i:Interaction)
  WITH DISTINCT i ORDER BY i.occurredAt, i.key
  RETURN collect(i {.*,
    products: [(i)-[bought:ABOUT]->(p:Product) | p {.sku, .name, .category, quantity: bought.quantity,
                                                       price: bought.price}],
    updates: [(i)-[:HAS_UPDATE]->(u:IssueUpdate) | u {.before, .after, .resolution, .by, .at}]
  }) AS interactions
}
RETURN c {.*} AS customer, mergedIds, records, interactions,
       [(c)-[s:CONSENTED]->(t:ConsentTopic) | {channel: t.channel, purpose: t.purpose, granted: s.granted,
                                                at: s.at, source: s.source, by: s.by}] AS consents,
       [(c)-[:HAS_FLAG]->(f:Flag) | f {.*}] AS flags,
       [(c)-[:HAS_ACTION]->(a:Action) | a {.*}] AS actions,
       [(c)<-[:BELONGS_TO]-(a:SourceRecord)-[s:SAME_AS]->(b:SourceRecord) |
          {from: a.key, to: b.key, rule: s.rule, score: s.score, evidence: s.evidence}] AS links,
       head([(c)-[:MEMBER_OF]->(h:Household) | h.id]) AS household
