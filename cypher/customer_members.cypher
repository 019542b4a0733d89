// customer_members: every record of the customers some records belong to.
// Identity resolution reads this instead of `resolution_neighbourhood` around records whose own
// cluster can not change (a pass whose only new records have no name: see
// `service.identity.closed_neighbourhood`): it needs their customers whole, not their candidates.
// params: $keys (list of record keys)
// returns: one row, rows: [{key, members (keys, the record itself included)}], a map per record found
//   (one row in all: the driver's cost is per row read)
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
UNWIND $keys AS recordKey
MATCH (record:SourceRecord {key: recordKey})
WITH record.key AS key,
       [record.key] + COLLECT {
         MATCH (record)-[:BELONGS_TO]->(:Customer)<-[:BELONGS_TO]-(member:SourceRecord)
         WHERE member <> record
         RETURN member.key
       } AS members
RETURN collect({key: key, members: members}) AS rows
