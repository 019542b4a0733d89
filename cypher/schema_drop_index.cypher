// schema_drop_index: drops one index by name, if it is there (schema_outdated_indexes says which).
// params: $name (the index's name)
// returns: nothing
DROP INDEX $name IF EXISTS
