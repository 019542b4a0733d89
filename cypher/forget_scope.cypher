// forget_scope: what erasing one person touches, decided before anything is deleted.
// `identifiers` are those only this person holds (an identifier another customer also holds stays,
// and is only unlinked from them); `interactions` are kept as anonymous facts; `housemates` are the
// other members of their household, whose household is re-decided afterwards.
// params: $id (a live customer id)
// returns: one row or none: customers (this id and every id merged into it), records (keys, thin
//          identifier records included), identifiers (keys), interactions (keys), household, housemates
MATCH (c:Customer {id: $id})
CALL (c) {
  OPTIONAL MATCH (old:Customer)-[:MERGED_INTO*1..20]->(c)
  WITH c, collect(DISTINCT old.id) AS merged
  RETURN [c.id] + merged AS customers
}
CALL (c) {
  OPTIONAL MATCH (c)<-[:BELONGS_TO]-(r:SourceRecord)
  RETURN collect(r.key) AS records
}
CALL (c) {
  OPTIONAL MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier)
  WHERE NOT EXISTS { (i)<-[:HAS_IDENTIFIER]-(:SourceRecord)-[:BELONGS_TO]->(other:Customer) WHERE other <> c }
  RETURN collect(DISTINCT i.key) AS identifiers
}
CALL (c) {
  OPTIONAL MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(i:Interaction)
  RETURN collect(DISTINCT i.key) AS interactions
}
OPTIONAL MATCH (c)-[:MEMBER_OF]->(h:Household)
RETURN customers, records, identifiers, interactions, h.id AS household,
       [(h)<-[:MEMBER_OF]-(mate:Customer) WHERE mate <> c | mate.id] AS housemates
