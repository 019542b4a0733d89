// upsert_interactions: creates or updates interactions (their fields only), keyed by `source:sourceId`.
// An issue an agent has moved on in Kith (`statusAt` set by care_update_issue) keeps the agent's
// status and resolution when its source line is loaded again; the source's status is kept beside
// them as `sourceStatus`.
// params: $rows: list of {key, props (map)}
// returns: nothing
UNWIND $rows AS row
MERGE (i:Interaction {key: row.key})
ON CREATE SET i.createdAt = datetime()
WITH i, row, i {.status, .resolution, .statusAt} AS worked
SET i += row.props
WITH i, worked
WHERE worked.statusAt IS NOT NULL
SET i.sourceStatus = i.status, i.status = worked.status, i.resolution = worked.resolution
