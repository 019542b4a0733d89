// upsert_source_records: creates or updates profiles as source records (their fields only).
// Keyed by `source:sourceId`: loading a line again updates it and never duplicates. A placeholder
// created earlier (an interaction or relationship named this record first) is filled in.
// params: $rows: list of {key, props (map of the profile's fields, as given and normalised)}
// returns: nothing
UNWIND $rows AS row
MERGE (r:SourceRecord {key: row.key})
ON CREATE SET r.createdAt = datetime()
SET r += row.props, r.dirty = true, r.pending = false
