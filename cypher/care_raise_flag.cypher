// care_raise_flag: raises a flag on a customer: a warning for whoever deals with them next.
// params: $customer (a live customer id), $flag: {id, kind, severity, note, raisedBy}
// returns: flag (map of the new flag), or no row when the customer does not exist
MATCH (c:Customer {id: $customer})
CREATE (c)-[:HAS_FLAG]->(f:Flag)
SET f = $flag, f.raisedAt = datetime()
RETURN f {.*} AS flag
