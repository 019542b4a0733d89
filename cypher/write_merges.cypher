// write_merges: customers merged into others keep answering: they redirect to the survivor.
// What Kith itself keeps on a customer (flags, actions, consent statements taken by Kith) moves to
// the survivor, so nothing an agent recorded is left behind on an id that only redirects.
// params: $merges: list of {from, to, reason}
// returns: nothing
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
UNWIND $merges AS merge
MATCH (old:Customer {id: merge.from}), (survivor:Customer {id: merge.to})
SET old.mergedInto = merge.to, old.recordCount = 0
MERGE (old)-[m:MERGED_INTO]->(survivor)
SET m.at = datetime(), m.reason = merge.reason
WITH old, survivor
CALL (old, survivor) {
  MATCH (old)-[held:HAS_FLAG]->(flag:Flag)
  CREATE (survivor)-[:HAS_FLAG]->(flag)
  DELETE held
}
CALL (old, survivor) {
  MATCH (old)-[held:HAS_ACTION]->(action:Action)
  CREATE (survivor)-[:HAS_ACTION]->(action)
  DELETE held
}
CALL (old, survivor) {
  MATCH (old)-[said:CONSENTED]->(topic:ConsentTopic)
  CREATE (survivor)-[moved:CONSENTED]->(topic)
  SET moved = properties(said)
  DELETE said
}
