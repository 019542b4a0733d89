// care_create_action: an action to be taken for a customer (call back, send a refund...), status NEW.
// params: $customer (a live customer id), $action: {id, kind, note, due, assignee, createdBy}
// returns: action (map), or no row when the customer does not exist
MATCH (c:Customer {id: $customer})
CREATE (c)-[:HAS_ACTION]->(a:Action)
SET a = $action, a.status = 'NEW', a.createdAt = datetime()
RETURN a {.*} AS action
