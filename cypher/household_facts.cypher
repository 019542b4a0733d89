// household_facts: what deciding households needs to know of some customers, a map per id found.
// A merged-away id answers with its survivor (`survivor`), so the caller can follow it and drop its
// membership. Sightings are the addresses on the customer's records with when each was observed.
// Evidence lists the identifiers (junk never, any kind else) and the devices the customer shares with
// other live customers, with every live holder, when no more than $maxHolders customers hold them;
// anything on more than $maxRecords records is skipped without counting its holders.
// `relatives` are the live customers tied to this one by a relationship of $relativeKinds, either way.
// params: $ids (list of customer ids), $maxHolders (int), $maxRecords (int),
//         $relativeKinds (relationship kinds)
// `mergedMembers` are customers merged into this one that still hold a membership, so a caller
// that only names survivors still retires them.
// returns: one row, rows: a map per id (one row in all: the driver's cost is per row read) of
//          id, merged (bool), survivor (id or null), birthDate, household (id or null),
//          householdCreated, householdMembers (ids), mergedMembers (ids),
//          sightings [{observedAt (ISO 8601 text or null), record, address}], evidence [{key, holders (ids)}], relatives (ids)
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
UNWIND $ids AS requested
MATCH (c:Customer {id: requested})
OPTIONAL MATCH (c)-[:MERGED_INTO*1..20]->(survivor:Customer)
WHERE survivor.mergedInto IS NULL
OPTIONAL MATCH (c)-[:MEMBER_OF]->(h:Household)
CALL (c) {
  MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier)
  WHERE NOT coalesce(i.junk, false)
    AND COUNT { (i)<-[:HAS_IDENTIFIER]-() } <= $maxRecords
  WITH DISTINCT i
  WITH i.key AS key, COLLECT {
    MATCH (i)<-[:HAS_IDENTIFIER]-(:SourceRecord)-[:BELONGS_TO]->(holder:Customer)
    WHERE holder.mergedInto IS NULL
    RETURN DISTINCT holder.id
  } AS holders
  WHERE size(holders) > 1 AND size(holders) <= $maxHolders
  RETURN collect({key: key, holders: holders}) AS identifiers
}
CALL (c) {
  MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[:USED]->(d:Device)
  WHERE COUNT { (d)<-[:USED]-() } <= $maxRecords
  WITH DISTINCT d
  WITH 'DEVICE:' + d.id AS key, COLLECT {
    MATCH (d)<-[:USED]-(:SourceRecord)-[:BELONGS_TO]->(holder:Customer)
    WHERE holder.mergedInto IS NULL
    RETURN DISTINCT holder.id
  } AS holders
  WHERE size(holders) > 1 AND size(holders) <= $maxHolders
  RETURN collect({key: key, holders: holders}) AS devices
}
WITH c.id AS id, c.mergedInto IS NOT NULL AS merged, survivor.id AS survivor, c.birthDate AS birthDate,
       h.id AS household, toString(h.createdAt) AS householdCreated,
       COLLECT { MATCH (member:Customer)-[:MEMBER_OF]->(h) RETURN member.id } AS householdMembers,
       COLLECT {
         MATCH (old:Customer)-[:MERGED_INTO*1..20]->(c)
         WHERE EXISTS { (old)-[:MEMBER_OF]->(:Household) }
         RETURN DISTINCT old.id
       } AS mergedMembers,
       COLLECT {
         MATCH (c)<-[:BELONGS_TO]-(r:SourceRecord)-[:AT_ADDRESS]->(a:Address)
         RETURN {observedAt: toString(r.observedAt), record: r.key, address: a.key}
       } AS sightings,
       identifiers + devices AS evidence,
       COLLECT {
         MATCH (c)<-[:BELONGS_TO]-(:SourceRecord)-[tie:RELATES_TO]-(:SourceRecord)-[:BELONGS_TO]->(other:Customer)
         WHERE tie.kind IN $relativeKinds AND other <> c AND other.mergedInto IS NULL
         RETURN DISTINCT other.id
       } AS relatives
RETURN collect({
  id: id, merged: merged, survivor: survivor, birthDate: birthDate, household: household,
  householdCreated: householdCreated, householdMembers: householdMembers,
  mergedMembers: mergedMembers, sightings: sightings, evidence: evidence, relatives: relatives
}) AS rows
