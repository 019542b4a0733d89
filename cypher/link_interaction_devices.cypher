// link_interaction_devices: the device an interaction came through.
// params: $rows: list of {interaction, device}
// returns: nothing
UNWIND $rows AS row
MATCH (i:Interaction {key: row.interaction})
MERGE (d:Device {id: row.device})
CREATE (i)-[:VIA]->(d)
