// upsert_source_records: creates or updates profiles as source records, with everything they link to.
// Keyed by `source:sourceId`: loading a line again updates it and never duplicates. A placeholder
// created earlier (an interaction or relationship named this record first) is filled in. What the
// profile said last time (identifiers, address, devices, consents, relationships, blocking keys) is
// replaced by what it says now, in the same pass; identity evidence and the customer stay.
// Identifiers, addresses, devices, consent topics and blocking keys are one node each, shared by
// every record that names them. The person a relationship names may not be known yet: a `pending`
// placeholder waits for their profile, so the relationship links whichever of the two arrives first.
// A line loaded again unchanged (the same `fingerprint`) leaves its record as it is: not rewritten,
// not flagged dirty, so resolution passes it by.
// Times come as ISO 8601 text when they have a zone (read with `datetime()`), else as local datetimes.
// params: $rows: list of {key, fingerprint (digest of the rest of the row), props (map of the profile's fields, as given and normalised),
//         observedAt (text or local datetime or null),
//         identifiers: list of {key ("KIND:value"), kind, value (normalised), junk (bool)},
//         address ({key, props} or null), devices: list of {id, kind, os},
//         consents: list of {topic ("CHANNEL:PURPOSE"), channel, purpose, granted, at},
//         relationships: list of {kind, to (record key), toSource, toSourceId},
//         blockingKeys: list of "bkName=value"}
// returns: nothing
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
UNWIND $rows AS row
MERGE (r:SourceRecord {key: row.key})
ON CREATE SET r.createdAt = datetime()
WITH r, row
WHERE r.fingerprint IS NULL OR r.fingerprint <> row.fingerprint
SET r += row.props, r.fingerprint = row.fingerprint, r.dirty = true, r.pending = false,
    r.observedAt = CASE WHEN row.observedAt IS :: STRING THEN datetime(row.observedAt) ELSE row.observedAt END
WITH r, row
CALL (r) {
  MATCH (r)-[old:HAS_IDENTIFIER|AT_ADDRESS|USED|CONSENTED|RELATES_TO|BLOCKED_BY]->()
  DELETE old
}
CALL (r, row) {
  UNWIND row.identifiers AS identifier
  MERGE (i:Identifier {key: identifier.key})
  ON CREATE SET i.kind = identifier.kind, i.value = identifier.value, i.junk = identifier.junk
  CREATE (r)-[:HAS_IDENTIFIER]->(i)
}
CALL (r, row) {
  WITH row.address AS address
  WHERE address IS NOT NULL
  MERGE (a:Address {key: address.key})
  ON CREATE SET a += address.props
  CREATE (r)-[:AT_ADDRESS]->(a)
}
CALL (r, row) {
  UNWIND row.devices AS device
  MERGE (d:Device {id: device.id})
  SET d.kind = coalesce(device.kind, d.kind), d.os = coalesce(device.os, d.os)
  CREATE (r)-[:USED]->(d)
}
CALL (r, row) {
  UNWIND row.consents AS consent
  MERGE (t:ConsentTopic {key: consent.topic})
  ON CREATE SET t.channel = consent.channel, t.purpose = consent.purpose
  CREATE (r)-[:CONSENTED {granted: consent.granted, source: r.source,
                          at: CASE WHEN consent.at IS :: STRING THEN datetime(consent.at) ELSE consent.at END}]->(t)
}
CALL (r, row) {
  UNWIND row.relationships AS relationship
  MERGE (t:SourceRecord {key: relationship.to})
  ON CREATE SET t.pending = true, t.source = relationship.toSource, t.sourceId = relationship.toSourceId,
                t.createdAt = datetime()
  CREATE (r)-[:RELATES_TO {kind: relationship.kind}]->(t)
}
CALL (r, row) {
  UNWIND row.blockingKeys AS blockingKey
  MERGE (b:BlockingKey {key: blockingKey})
  CREATE (r)-[:BLOCKED_BY]->(b)
}
