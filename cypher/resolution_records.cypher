// resolution_records: the records to resolve together with the given dirty ones, and what
// identity resolution needs to know of each.
// That neighbourhood is the dirty records themselves, their candidates (records sharing a usable
// identifier or a blocking key, unless that identifier or block is too common to mean anything),
// and every record of the customers those belong to, so a cluster is always decided whole.
// Each row carries normalised fields (n*) for matching, the fields as given for the golden record,
// usable identifiers with how many records hold each, the current customer and any cannot-links.
// params: $keys (list of record keys; those not dirty are skipped), $maxBlock (int)
// returns: one row per record of the neighbourhood
UNWIND $keys AS seedKey
MATCH (seed:SourceRecord {key: seedKey})
WHERE seed.dirty AND NOT seed.pending
CALL (seed) {
  MATCH (seed)-[:HAS_IDENTIFIER]->(i:Identifier)<-[:HAS_IDENTIFIER]-(o:SourceRecord)
  WHERE NOT i.junk AND COUNT { (i)<-[:HAS_IDENTIFIER]-() } <= $maxBlock
  RETURN o
  UNION
  MATCH (seed)-[:BLOCKED_BY]->(b:BlockingKey)<-[:BLOCKED_BY]-(o:SourceRecord)
  WHERE COUNT { (b)<-[:BLOCKED_BY]-() } <= $maxBlock
  RETURN o
  UNION
  RETURN seed AS o
}
WITH DISTINCT o
WHERE NOT o.pending
OPTIONAL MATCH (o)-[:BELONGS_TO]->(:Customer)<-[:BELONGS_TO]-(member:SourceRecord)
WITH collect(DISTINCT o) + collect(DISTINCT member) AS neighbourhood
UNWIND neighbourhood AS r
WITH DISTINCT r
OPTIONAL MATCH (r)-[:BELONGS_TO]->(c:Customer)
RETURN r.key AS key, r.source AS source, toString(r.observedAt) AS observedAt,
       r.nGiven AS given, r.nGivenCanonical AS givenCanonical, r.nFamily AS family,
       r.nBirthDate AS birthDate, r.nGender AS gender, r.nAddress AS address,
       r.nLocality AS locality, r.nPostcode AS postcode,
       r.givenName AS givenName, r.familyName AS familyName,
       [(r)-[:HAS_IDENTIFIER]->(i:Identifier) WHERE NOT i.junk
          | {key: i.key, holders: COUNT { (i)<-[:HAS_IDENTIFIER]-() }}] AS identifiers,
       c.id AS customer, toString(c.createdAt) AS customerCreated,
       [(r)-[:CANNOT_LINK]-(other:SourceRecord) | other.key] AS cannotLink
ORDER BY key
