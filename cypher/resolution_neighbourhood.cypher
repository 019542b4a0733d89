// resolution_neighbourhood: one step of identity resolution's walk: what lies one hop from some
// records, and what resolution needs to know of every record that step reaches.
// A record's candidates are the records sharing a usable identifier or a blocking key with it, unless
// that identifier or block is too common to mean anything; its members are every record of the
// customer it belongs to (itself included), so a cluster is always decided whole.
// Of each record reached (and each given as "record") it returns what matching needs: normalised
// fields (n*), the fields as given for the golden record, usable identifiers with how many records
// hold each, the blocking keys too common to pair anyone, the current customer and any
// cannot-links, whether the record changed since it was last resolved, and `householdLinks`: whether
// it has an address, a device or a relationship (with its birth date and identifiers, all that
// households are decided on). One statement a step, not one for the hops and one for the records:
// on a loaded graph each statement of a one-profile ingest costs 2-4 ms, and a walk takes up to five.
// params: $keys: list of {key, reach}: reach "candidates" (its candidates and members, if it can be
//           resolved: not pending, and dirty when $onlyDirty), "members" (only its members: no
//           identifier or blocking key is walked) or "record" (only its own record),
//         $known: map of record key -> true, the records whose rows were read already: not returned
//           again (a map, not a list: looked up in constant time, and one plan whether empty or not),
//         $onlyDirty (bool), $maxHolders (int: an identifier held by more records merges no one, so
//         it links nothing here), $maxBlock (int: likewise for a blocking key, and the count over
//         which one is crowded)
// returns: one row: hops: [{key, candidates (keys), members (keys)}] for the records followed;
//   records: a map per record reached or given, but those $known (one row in all, not one a record:
//   the driver spends some 35 us of CPU on every row it reads, many times what a map in a list costs)
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
CALL () {
  UNWIND $keys AS given
  WITH given WHERE given.reach = 'candidates'
  MATCH (seed:SourceRecord {key: given.key})
  WHERE (seed.dirty OR NOT $onlyDirty) AND NOT seed.pending
  RETURN seed,
         COLLECT {
           MATCH (seed)-[:HAS_IDENTIFIER]->(i:Identifier)<-[:HAS_IDENTIFIER]-(o:SourceRecord)
           WHERE NOT i.junk AND o <> seed AND COUNT { (i)<-[:HAS_IDENTIFIER]-() } <= $maxHolders
           RETURN o.key AS candidate
           UNION
           MATCH (seed)-[:BLOCKED_BY]->(b:BlockingKey)<-[:BLOCKED_BY]-(o:SourceRecord)
           WHERE o <> seed AND COUNT { (b)<-[:BLOCKED_BY]-() } <= $maxBlock
           RETURN o.key AS candidate
         } AS candidates
  UNION ALL
  UNWIND $keys AS given
  WITH given WHERE given.reach = 'members'
  MATCH (seed:SourceRecord {key: given.key})
  RETURN seed, [] AS candidates
}
WITH seed.key AS key, candidates,
     [seed.key] + COLLECT {
       MATCH (seed)-[:BELONGS_TO]->(:Customer)<-[:BELONGS_TO]-(member:SourceRecord)
       WHERE member <> seed
       RETURN member.key
     } AS members
WITH collect({key: key, candidates: candidates, members: members}) AS hops
// The keys reached are gathered apart from `hops`: a row that carried the list kept a copy of it in
// Neo4j's accounting of the statement's memory, 2.8 GB for a 2,000-record batch.
CALL (hops) {
  UNWIND hops AS hop
  UNWIND hop.candidates + hop.members AS recordKey
  RETURN collect(DISTINCT recordKey) AS reached
}
CALL (reached) {
  UNWIND reached + [given IN $keys WHERE given.reach = 'record' | given.key] AS recordKey
  WITH DISTINCT recordKey
  WHERE $known[recordKey] IS NULL
  MATCH (r:SourceRecord {key: recordKey})
  OPTIONAL MATCH (r)-[:BELONGS_TO]->(c:Customer)
  RETURN collect({
    key: r.key, dirty: r.dirty, source: r.source, observedAt: toString(r.observedAt),
    given: r.nGiven, givenCanonical: r.nGivenCanonical, family: r.nFamily, generation: r.nGeneration,
    birthDate: r.nBirthDate, gender: r.nGender, address: r.nAddress, locality: r.nLocality,
    postcode: r.nPostcode, givenName: r.givenName, familyName: r.familyName,
    identifiers: [(r)-[:HAS_IDENTIFIER]->(i:Identifier) WHERE NOT i.junk
                    | {key: i.key, holders: COUNT { (i)<-[:HAS_IDENTIFIER]-() }}],
    crowdedBlocks: [(r)-[:BLOCKED_BY]->(b:BlockingKey) WHERE COUNT { (b)<-[:BLOCKED_BY]-() } > $maxBlock
                      | b.key],
    customer: c.id, customerCreated: toString(c.createdAt),
    cannotLink: [(r)-[:CANNOT_LINK]-(other:SourceRecord) | other.key],
    householdLinks: EXISTS { (r)-[:AT_ADDRESS|USED|RELATES_TO]-() }
  }) AS records
}
RETURN hops, records
