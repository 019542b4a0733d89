// care_clear_flag: clears a flag; a flag cleared before keeps who cleared it first, and when.
// params: $id (flag id), $by (who clears it)
// returns: flag (map), customer (id of the customer it is on), or no row for an unknown flag
MATCH (c:Customer)-[:HAS_FLAG]->(f:Flag {id: $id})
SET f.clearedAt = coalesce(f.clearedAt, datetime()), f.clearedBy = coalesce(f.clearedBy, $by)
RETURN f {.*} AS flag, c.id AS customer
