// influence_edges: the customer relationship graph, lifted from what source records say.
// (:SourceRecord)-[:RELATES_TO {kind}]->(:SourceRecord) between records of two different live
// customers becomes one edge per (from, to, kind): a statement repeated by several records counts
// once. A relationship naming a profile not loaded yet (a pending placeholder) has no customer yet.
// params: none
// returns: source (customer id making the statement), target (customer id it names), kind
MATCH (a:Customer)<-[:BELONGS_TO]-(:SourceRecord)-[rel:RELATES_TO]->(:SourceRecord)-[:BELONGS_TO]->(b:Customer)
WHERE a <> b AND a.mergedInto IS NULL AND b.mergedInto IS NULL
RETURN DISTINCT a.id AS source, b.id AS target, rel.kind AS kind
