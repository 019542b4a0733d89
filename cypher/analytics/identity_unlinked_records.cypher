// identity_unlinked_records: How many records of each source does no identity link (SAME_AS) join to another record?
// An unlinked record stands alone: normally it is its customer's only record, someone this source
// knows and no other source matched. A source with a high share may name people differently or lack the identifiers the
// others share. Placeholders for profiles not loaded yet are left out; `examples` gives up to five
// unlinked record keys to look at.
// params: none
// returns: source, records, unlinked, share, examples
MATCH (r:SourceRecord)
WHERE NOT coalesce(r.pending, false)
WITH r, EXISTS { (r)-[:SAME_AS]-(:SourceRecord) } AS linked
ORDER BY r.key
WITH r.source AS source, count(r) AS records, collect(CASE WHEN NOT linked THEN r.key END) AS unlinkedKeys
RETURN source, records, size(unlinkedKeys) AS unlinked, round(toFloat(size(unlinkedKeys)) / records, 4) AS share,
       unlinkedKeys[0..5] AS examples
ORDER BY share DESC, source
