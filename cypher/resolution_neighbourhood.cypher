// resolution_neighbourhood: the records one hop from the given ones, to be resolved together.
// That is the records themselves, their candidates (records sharing a usable identifier or
// a blocking key, unless that identifier or block is too common to mean anything), and every record
// of the customers those belong to, so a cluster is always decided whole.
// params: $keys (list of record keys), $onlyDirty (bool: skip keys not flagged dirty),
//         $maxHolders (int: an identifier held by more records merges no one, so it links nothing here),
//         $maxBlock (int: likewise for a blocking key)
// returns: key
UNWIND $keys AS seedKey
MATCH (seed:SourceRecord {key: seedKey})
WHERE (seed.dirty OR NOT $onlyDirty) AND NOT seed.pending
CALL (seed) {
  MATCH (seed)-[:HAS_IDENTIFIER]->(i:Identifier)<-[:HAS_IDENTIFIER]-(o:SourceRecord)
  WHERE NOT i.junk AND COUNT { (i)<-[:HAS_IDENTIFIER]-() } <= $maxHolders
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
WITH collect(DISTINCT o.key) + collect(DISTINCT member.key) AS keys
UNWIND keys AS key
RETURN DISTINCT key
ORDER BY key
