// search_candidates: customers whose names, postcodes or identifiers match a full-text query.
// Lucene finds candidates (fuzzy and prefix terms); the service ranks them with rapidfuzz. Only
// identifiers of the kinds the caller may see find or rank anyone: a search must not confirm whose
// an email is to someone who may not read emails.
// params: $lucene (Lucene query string), $limit (int), $kinds (identifier kinds the caller may see)
// The indexes are updated after commit (schema.cypher): the search first waits for every update
// committed before it, so a person ingested a moment ago is found.
// returns: id, names (display names of the customer's records), identifiers (values), postcodes
CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()
CALL (){
  CALL db.index.fulltext.queryNodes('record_search', $lucene, {limit: $limit}) YIELD node
  MATCH (node)-[:BELONGS_TO]->(c:Customer)
  RETURN c
  UNION
  CALL db.index.fulltext.queryNodes('identifier_search', $lucene, {limit: $limit}) YIELD node
  WHERE node.kind IN $kinds
  MATCH (node)<-[:HAS_IDENTIFIER]-(:SourceRecord)-[:BELONGS_TO]->(c:Customer)
  RETURN c
}
WITH DISTINCT c LIMIT $limit
MATCH (c)<-[:BELONGS_TO]-(r:SourceRecord)
OPTIONAL MATCH (r)-[:HAS_IDENTIFIER]->(i:Identifier)
WHERE i.kind IN $kinds
WITH c, collect(DISTINCT trim(coalesce(r.givenName, '') + ' ' + coalesce(r.familyName, ''))) AS names,
     collect(DISTINCT i.value) AS identifiers, collect(DISTINCT r.nPostcode) AS postcodes
RETURN c.id AS id, c.displayName AS displayName, names, identifiers, postcodes
