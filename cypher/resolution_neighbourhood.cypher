// resolution_neighbourhood: what lies one hop from some records, for identity resolution to follow.
// A record's candidates are the records sharing a usable identifier or a blocking key with it, unless
// that identifier or block is too common to mean anything; its members are every record of the
// customer it belongs to (itself included), so a cluster is always decided whole.
// params: $keys (list of record keys), $onlyDirty (bool: skip keys not flagged dirty),
//         $maxHolders (int: an identifier held by more records merges no one, so it links nothing here),
//         $maxBlock (int: likewise for a blocking key)
// returns: one row, rows: [{key, candidates (keys), members (keys)}], a map per given record that is
//   resolvable (one row in all: the driver's cost is per row read)
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
UNWIND $keys AS seedKey
MATCH (seed:SourceRecord {key: seedKey})
WHERE (seed.dirty OR NOT $onlyDirty) AND NOT seed.pending
WITH seed.key AS key,
       COLLECT {
         MATCH (seed)-[:HAS_IDENTIFIER]->(i:Identifier)<-[:HAS_IDENTIFIER]-(o:SourceRecord)
         WHERE NOT i.junk AND o <> seed AND COUNT { (i)<-[:HAS_IDENTIFIER]-() } <= $maxHolders
         RETURN o.key AS candidate
         UNION
         MATCH (seed)-[:BLOCKED_BY]->(b:BlockingKey)<-[:BLOCKED_BY]-(o:SourceRecord)
         WHERE o <> seed AND COUNT { (b)<-[:BLOCKED_BY]-() } <= $maxBlock
         RETURN o.key AS candidate
       } AS candidates,
       [seed.key] + COLLECT {
         MATCH (seed)-[:BELONGS_TO]->(:Customer)<-[:BELONGS_TO]-(member:SourceRecord)
         WHERE member <> seed
         RETURN member.key
       } AS members
RETURN collect({key: key, candidates: candidates, members: members}) AS rows
