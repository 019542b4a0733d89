// identity_shared_identifiers: Which identifiers are held by more than one customer?
// A family email, a household landline, a shared tablet or a junk value links records that identity
// resolution kept apart on purpose. Many of one kind can point at a normalisation or matching
// problem; a strong identifier (NATIONAL_ID, LOYALTY_ID) shared at all deserves a look.
// param: $minCustomers int = 2 — fewest live customers holding an identifier for it to be listed
// param: $limit int = 100 — how many identifiers to list
// returns: kind, value, junk, customers, records, customerIds
MATCH (i:Identifier)
WITH i, COLLECT {
  MATCH (i)<-[:HAS_IDENTIFIER]-(:SourceRecord)-[:BELONGS_TO]->(c:Customer)
  WHERE c.mergedInto IS NULL
  RETURN DISTINCT c.id AS id ORDER BY id
} AS customerIds
WHERE size(customerIds) >= $minCustomers
RETURN i.kind AS kind, i.value AS value, i.junk AS junk, size(customerIds) AS customers,
       COUNT { (i)<-[:HAS_IDENTIFIER]-(:SourceRecord) } AS records, customerIds
ORDER BY customers DESC, kind, value
LIMIT $limit
