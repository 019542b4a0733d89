// upsert_identifier_records: thin source records that stand for "whoever holds this identifier".
// An interaction or relationship that names a person only by an identifier points at one of
// these; resolution then joins it to the identifier's holder, or it stays a thin customer until
// a profile with that identifier arrives.
// params: $rows: list of {key, source, sourceId, identifier: {key, kind, value, junk}}
// returns: nothing
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
UNWIND $rows AS row
MERGE (r:SourceRecord {key: row.key})
ON CREATE SET r.createdAt = datetime(), r.source = row.source, r.sourceId = row.sourceId,
              r.thin = true, r.pending = false, r.dirty = true
WITH r, row
MERGE (i:Identifier {key: row.identifier.key})
ON CREATE SET i.kind = row.identifier.kind, i.value = row.identifier.value, i.junk = row.identifier.junk
MERGE (r)-[:HAS_IDENTIFIER]->(i)
