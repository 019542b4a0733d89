// schema_outdated_indexes: indexes an earlier Kith created with other options than schema.cypher
// gives them, which `IF NOT EXISTS` would leave as they are: full-text indexes updated in the commit
// (they are now updated after it). They are dropped (schema_drop_index) and created again.
// params: none
// returns: name, one row per outdated index
SHOW FULLTEXT INDEXES YIELD name, options
WHERE NOT coalesce(options.indexConfig.`fulltext.eventually_consistent`, false)
RETURN name
