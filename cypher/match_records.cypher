// match_records: what identity resolution needs to know of each record, and, asked for, where it leads.
// Normalised fields (n*) for matching, the fields as given for the golden record, usable
// identifiers with how many records hold each, the blocking keys too common to pair anyone, the
// current customer and any cannot-links, and whether the record changed since it was last resolved.
// With $neighbours, a record that can be resolved now (`open`: not a pending placeholder, and dirty
// when $onlyDirty) also lists its `candidates`, the records sharing a usable identifier or a blocking
// key with it unless that identifier or block is too common to mean anything, and its `members`,
// every record of its customer (itself included), so a cluster is always decided whole: resolution
// reads a hop's records and where they lead in one round trip. Otherwise both are null.
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
// params: $keys (list of record keys), $maxBlock (int: a blocking key on more records is crowded),
//         $maxHolders (int: an identifier held by more records merges no one, so it leads nowhere),
//         $neighbours (bool), $onlyDirty (bool)
// returns: one row per record
CYPHER replan=skip
UNWIND $keys AS recordKey
MATCH (r:SourceRecord {key: recordKey})
OPTIONAL MATCH (r)-[:BELONGS_TO]->(c:Customer)
WITH r, c, $neighbours AND NOT r.pending AND (r.dirty OR NOT $onlyDirty) AS open
OPTIONAL CALL (r, open) {
  WITH r
  WHERE open
  RETURN COLLECT {
           MATCH (r)-[:HAS_IDENTIFIER]->(i:Identifier)<-[:HAS_IDENTIFIER]-(o:SourceRecord)
           WHERE NOT i.junk AND o <> r AND COUNT { (i)<-[:HAS_IDENTIFIER]-() } <= $maxHolders
           RETURN o.key AS candidate
           UNION
           MATCH (r)-[:BLOCKED_BY]->(b:BlockingKey)<-[:BLOCKED_BY]-(o:SourceRecord)
           WHERE o <> r AND COUNT { (b)<-[:BLOCKED_BY]-() } <= $maxBlock
           RETURN o.key AS candidate
         } AS candidates,
         [r.key] + COLLECT {
           MATCH (r)-[:BELONGS_TO]->(:Customer)<-[:BELONGS_TO]-(member:SourceRecord)
           WHERE member <> r
           RETURN member.key
         } AS members
}
RETURN r.key AS key, r.dirty AS dirty, r.source AS source, toString(r.observedAt) AS observedAt,
       r.nGiven AS given, r.nGivenCanonical AS givenCanonical, r.nFamily AS family,
       r.nBirthDate AS birthDate, r.nGender AS gender, r.nAddress AS address,
       r.nLocality AS locality, r.nPostcode AS postcode,
       r.givenName AS givenName, r.familyName AS familyName,
       [(r)-[:HAS_IDENTIFIER]->(i:Identifier) WHERE NOT i.junk
          | {key: i.key, holders: COUNT { (i)<-[:HAS_IDENTIFIER]-() }}] AS identifiers,
       [(r)-[:BLOCKED_BY]->(b:BlockingKey) WHERE COUNT { (b)<-[:BLOCKED_BY]-() } > $maxBlock | b.key]
         AS crowdedBlocks,
       c.id AS customer, toString(c.createdAt) AS customerCreated,
       [(r)-[:CANNOT_LINK]-(other:SourceRecord) | other.key] AS cannotLink,
       open, candidates, members
