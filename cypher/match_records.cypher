// match_records: what identity resolution needs to know of each record.
// Normalised fields (n*) for matching, the fields as given for the golden record, usable
// identifiers with how many records hold each, the blocking keys too common to pair anyone, the
// current customer and any cannot-links, and whether the record changed since it was last resolved.
// `householdLinks` says whether it has an address, a device or a relationship: with its birth date
// and identifiers, all that households are decided on.
// params: $keys (list of record keys), $maxBlock (int: a blocking key on more records is crowded)
// returns: one row, rows: a map per record (one row in all, not one a record: the driver spends some
//   35 us on every row it reads, many times what a map in a list costs)
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
UNWIND $keys AS recordKey
MATCH (r:SourceRecord {key: recordKey})
OPTIONAL MATCH (r)-[:BELONGS_TO]->(c:Customer)
WITH r.key AS key, r.dirty AS dirty, r.source AS source, toString(r.observedAt) AS observedAt,
       r.nGiven AS given, r.nGivenCanonical AS givenCanonical, r.nFamily AS family,
       r.nGeneration AS generation,
       r.nBirthDate AS birthDate, r.nGender AS gender, r.nAddress AS address,
       r.nLocality AS locality, r.nPostcode AS postcode,
       r.givenName AS givenName, r.familyName AS familyName,
       [(r)-[:HAS_IDENTIFIER]->(i:Identifier) WHERE NOT i.junk
          | {key: i.key, holders: COUNT { (i)<-[:HAS_IDENTIFIER]-() }}] AS identifiers,
       [(r)-[:BLOCKED_BY]->(b:BlockingKey) WHERE COUNT { (b)<-[:BLOCKED_BY]-() } > $maxBlock | b.key]
         AS crowdedBlocks,
       c.id AS customer, toString(c.createdAt) AS customerCreated,
       [(r)-[:CANNOT_LINK]-(other:SourceRecord) | other.key] AS cannotLink,
       EXISTS { (r)-[:AT_ADDRESS|USED|RELATES_TO]-() } AS householdLinks
RETURN collect({
  key: key, dirty: dirty, source: source, observedAt: observedAt, given: given,
  givenCanonical: givenCanonical, family: family, generation: generation, birthDate: birthDate,
  gender: gender,
  address: address, locality: locality, postcode: postcode, givenName: givenName,
  familyName: familyName, identifiers: identifiers, crowdedBlocks: crowdedBlocks, customer: customer,
  customerCreated: customerCreated, cannotLink: cannotLink, householdLinks: householdLinks
}) AS rows
