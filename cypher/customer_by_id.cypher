// customer_by_id: a customer by id, following MERGED_INTO redirects to the survivor.
// params: $id (string)
// returns: one row with the survivor's golden attributes, or none
MATCH (c:Customer {id: $id})
OPTIONAL MATCH (c)-[:MERGED_INTO*1..10]->(survivor:Customer)
WHERE NOT (survivor)-[:MERGED_INTO]->()
WITH coalesce(survivor, c) AS s
RETURN s.id AS id, s.displayName AS displayName, s.givenName AS givenName,
       s.familyName AS familyName, s.birthDate AS birthDate
