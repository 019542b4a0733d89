// care_update_action: changes an action's status, note, due date or assignee (only those given).
// params: $id (action id), $changes (map of the fields to set), $by (who changes it)
// returns: action (map), customer (id), or no row for an unknown action
MATCH (c:Customer)-[:HAS_ACTION]->(a:Action {id: $id})
SET a += $changes, a.updatedBy = $by, a.updatedAt = datetime()
RETURN a {.*} AS action, c.id AS customer
