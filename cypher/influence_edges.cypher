// influence_edges: the customer relationship graph, lifted from what source records say.
// (:SourceRecord)-[:RELATES_TO {kind}]->(:SourceRecord) between records of two different live
// customers becomes one edge per (from, to, kind): a statement repeated by several records counts
// once. A relationship naming a profile not loaded yet (a pending placeholder) has no customer yet.
// The edges come as three parallel lists in one row, which the driver decodes far faster than rows.
// params: none
// returns: sources (customer ids making the statements), targets (customer ids they name), kinds
MATCH (a:Customer)<-[:BELONGS_TO]-(:SourceRecord)-[rel:RELATES_TO]->(:SourceRecord)-[:BELONGS_TO]->(b:Customer)
WHERE a <> b AND a.mergedInto IS NULL AND b.mergedInto IS NULL
WITH DISTINCT a.id AS source, b.id AS target, rel.kind AS kind
RETURN collect(source) AS sources, collect(target) AS targets, collect(kind) AS kinds
