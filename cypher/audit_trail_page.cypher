// audit_trail_page: audit entries, newest first, optionally about one target only.
// params: $target (string or null for all), $before (entries with a smaller seq only), $limit (int)
// returns: seq, at, actor, by, action, target, details
MATCH (e:AuditEntry)
WHERE e.seq < $before AND ($target IS NULL OR e.target = $target)
RETURN e.seq AS seq, e.at AS at, e.actor AS actor, e.by AS by, e.action AS action, e.target AS target,
       e.details AS details
ORDER BY e.seq DESC
LIMIT $limit
