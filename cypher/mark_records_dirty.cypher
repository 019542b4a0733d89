// mark_records_dirty: flags up to $limit resolved records for re-resolution (`kith resolve --full`).
// params: $limit (int)
// returns: marked (how many were flagged; 0 when none are left)
MATCH (r:SourceRecord)
WHERE NOT r.pending AND NOT coalesce(r.dirty, false)
WITH r LIMIT $limit
SET r.dirty = true
RETURN count(r) AS marked
