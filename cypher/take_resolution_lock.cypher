// take_resolution_lock: serialises writers that resolve identities.
// Every ingest or resolve transaction writes this one node first, so Neo4j holds its write lock
// until the transaction ends: two ingests that share identifiers then run one after the other,
// and neither can see half of the other's merge.
// params: none
// returns: nothing
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
MERGE (lock:Lock {name: 'resolution'})
SET lock.at = datetime()
