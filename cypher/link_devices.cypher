// link_devices: devices a record says its person uses.
// params: $rows: list of {record, id, kind, os}
// returns: nothing
UNWIND $rows AS row
MATCH (r:SourceRecord {key: row.record})
MERGE (d:Device {id: row.id})
SET d.kind = coalesce(row.kind, d.kind), d.os = coalesce(row.os, d.os)
CREATE (r)-[:USED]->(d)
