// link_interaction_customers: hangs each interaction off the source record that names its customer.
// Hanging it off the record (not the customer) lets it follow merges and splits untouched. A record
// not known yet is created as a `pending` placeholder; the interaction waits there for the profile.
// params: $rows: list of {interaction, record, source, sourceId}
// returns: nothing
UNWIND $rows AS row
MATCH (i:Interaction {key: row.interaction})
MERGE (r:SourceRecord {key: row.record})
ON CREATE SET r.pending = true, r.source = row.source, r.sourceId = row.sourceId, r.createdAt = datetime()
CREATE (r)-[:HAD]->(i)
