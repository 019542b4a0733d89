// upsert_interactions: creates or updates interactions (their fields only), keyed by `source:sourceId`.
// params: $rows: list of {key, props (map)}
// returns: nothing
UNWIND $rows AS row
MERGE (i:Interaction {key: row.key})
ON CREATE SET i.createdAt = datetime()
SET i += row.props
