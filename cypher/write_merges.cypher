// write_merges: customers merged into others keep answering: they redirect to the survivor.
// params: $merges: list of {from, to, reason}
// returns: nothing
UNWIND $merges AS merge
MATCH (old:Customer {id: merge.from}), (survivor:Customer {id: merge.to})
SET old.mergedInto = merge.to, old.recordCount = 0
MERGE (old)-[m:MERGED_INTO]->(survivor)
SET m.at = datetime(), m.reason = merge.reason
