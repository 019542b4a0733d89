// audit_append: adds one entry to the append-only audit trail: who did what to whom, and when.
// Entries are only ever created. Each takes the next number of the one AuditLog node, so entries are
// numbered without gaps (a deleted entry would show) and writers are serialised on that node.
// params: $actor (the API key's role and fingerprint), $by (the person named by the caller, or null),
//         $action (e.g. FLAG_RAISED, CUSTOMER_EXPORTED), $target (customer id or other key), $details (JSON text)
// returns: seq (the entry's number)
MERGE (log:AuditLog {name: 'audit'})
SET log.seq = coalesce(log.seq, 0) + 1
CREATE (e:AuditEntry {seq: log.seq, at: datetime(), actor: $actor, by: $by, action: $action,
                      target: $target, details: $details})
RETURN e.seq AS seq
