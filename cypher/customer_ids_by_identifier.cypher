// customer_ids_by_identifier: the customers holding a normalised identifier, best first.
// A shared identifier (a family email) can be held by several customers: the one with the most
// records holding it comes first, then the oldest.
// params: $key (identifier key, "KIND:value")
// returns: id
MATCH (:Identifier {key: $key})<-[:HAS_IDENTIFIER]-(:SourceRecord)-[:BELONGS_TO]->(c:Customer)
WITH c, count(*) AS holdings
RETURN c.id AS id
ORDER BY holdings DESC, c.createdAt, c.id
