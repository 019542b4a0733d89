// clear_record_links: removes what a profile said last time, before its new version is linked.
// Identifiers, address, devices, consents, relationships and blocking keys all come from the
// profile line, so a reload replaces them; identity evidence and the customer stay.
// params: $rows (list of record keys)
// returns: nothing
UNWIND $rows AS recordKey
MATCH (:SourceRecord {key: recordKey})-[old:HAS_IDENTIFIER|AT_ADDRESS|USED|CONSENTED|RELATES_TO|BLOCKED_BY]->()
DELETE old
