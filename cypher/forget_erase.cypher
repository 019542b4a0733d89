// forget_erase: erases a person (right to erasure). Interactions stay as anonymous facts for
// aggregates (channel, kind, time, value, products, agent) under a new key: no source id, no free
// text, no device, no customer. Identifiers, devices, addresses and blocking keys only this person
// held are deleted; shared ones stay, unlinked from them. Their source records, customers (the
// survivor and every id merged into it), flags, actions and consent statements are deleted.
// params: $customers, $records, $identifiers (keys of identifiers only they hold),
//         $interactions: list of {key, anonymousKey}
// returns: erased (number of source records deleted)
CALL () {
  UNWIND $interactions AS row
  MATCH (i:Interaction {key: row.key})
  OPTIONAL MATCH (i)-[via:VIA]->(:Device)
  DELETE via
  WITH DISTINCT i, row
  SET i.key = row.anonymousKey, i.sourceId = null, i.summary = null, i.resolution = null, i.raw = null,
      i.warnings = [], i.erased = true
  WITH i
  OPTIONAL MATCH (i)-[:HAS_UPDATE]->(u:IssueUpdate)
  SET u.resolution = null
}
CALL () {
  UNWIND $identifiers AS key
  MATCH (i:Identifier {key: key})
  DETACH DELETE i
}
CALL () {
  UNWIND $records AS key
  MATCH (:SourceRecord {key: key})-[:USED|AT_ADDRESS|BLOCKED_BY]->(held)
  WHERE NOT EXISTS { (held)<-[:USED|AT_ADDRESS|BLOCKED_BY]-(other) WHERE NOT other.key IN $records }
  WITH DISTINCT held
  DETACH DELETE held
}
CALL () {
  UNWIND $customers AS id
  MATCH (c:Customer {id: id})
  OPTIONAL MATCH (c)-[:HAS_FLAG|HAS_ACTION]->(item)
  DETACH DELETE item
  WITH DISTINCT c
  DETACH DELETE c
}
UNWIND $records AS key
MATCH (r:SourceRecord {key: key})
DETACH DELETE r
RETURN count(*) AS erased
