// write_clusters: stores the outcome of identity resolution for a set of records.
// Each cluster becomes (or stays) one customer with its golden attributes; the records given for it
// point to it and are no longer dirty. A customer that only gains records is given just those: its
// other records, and the evidence between them, stay as they are. The identity evidence of the
// records in $keys is replaced by `links`.
// params: $clusters: list of {id, size (its records), members: list of the record keys to point at it,
//           golden: map},
//         $links: list of {a, b, rule, score, evidence: list of strings}, $keys: the record keys written
// returns: nothing
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
UNWIND $keys AS recordKey
MATCH (:SourceRecord {key: recordKey})-[old:SAME_AS]-()
DELETE old
WITH count(*) AS cleared
UNWIND $clusters AS cluster
MERGE (c:Customer {id: cluster.id})
// realtime, not the transaction clock: ids are ranked by age, and two loads a millisecond apart must not tie.
ON CREATE SET c.createdAt = datetime.realtime()
SET c += cluster.golden, c.recordCount = cluster.size
REMOVE c.mergedInto
WITH c, cluster
UNWIND cluster.members AS member
MATCH (r:SourceRecord {key: member})
SET r.dirty = false
WITH c, r
CALL (c, r) {
  MATCH (r)-[old:BELONGS_TO]->(other:Customer)
  WHERE other <> c
  DELETE old
}
MERGE (r)-[:BELONGS_TO]->(c)
WITH count(*) AS assigned
UNWIND $links AS link
MATCH (a:SourceRecord {key: link.a}), (b:SourceRecord {key: link.b})
CREATE (a)-[:SAME_AS {rule: link.rule, score: link.score, evidence: link.evidence, at: datetime()}]->(b)
