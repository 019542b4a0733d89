// household_area_residents: every address in some areas that names more than the area, with the
// live customers seen there. An area is the `region|postcode` (or `region|locality`) prefix of address
// keys, so the lookup is a prefix seek on the address key index; the caller keeps the addresses that
// can be one home. The area alone (`region|postcode|`, a till's postcode) is never one, so its records
// are not read (60 of the 745 at the busiest postcode of the benchmark graph).
// params: $areas (list of "region|area")
// returns: one row, rows: [{address (address key), customers (ids of live customers with a record
//   there)}] (one row in all: an area may hold hundreds of addresses, and the driver's cost is per row)
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
UNWIND $areas AS area
MATCH (a:Address)
WHERE a.key STARTS WITH area + '|' AND a.key <> area + '|'
MATCH (a)<-[:AT_ADDRESS]-(:SourceRecord)-[:BELONGS_TO]->(c:Customer)
WHERE c.mergedInto IS NULL
WITH a.key AS address, collect(DISTINCT c.id) AS customers
RETURN collect({address: address, customers: customers}) AS rows
