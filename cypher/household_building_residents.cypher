// household_building_residents: the addresses that could be in some buildings, with the live
// customers seen there. A building is given by its area (the `region|postcode` or `region|locality`
// prefix of address keys: a prefix seek on the address key index) and its house numbers, which
// normalising never changes, so every address of the building has them all in its key; the caller
// keeps the addresses that are the building. The area alone (`region|postcode|`, a till's postcode)
// is never one. Filtering before the records are read matters in a busy postcode: its 745 records
// were read for each arrival at any of its 225 addresses.
// params: $buildings (list of {key (the caller's name for it), area ("region|area"), numbers (list)})
// returns: one row, rows: [{building (key), address (address key), customers (ids of live customers
//   with a record there)}] (one row in all: the driver's cost is per row)
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
UNWIND $buildings AS building
MATCH (a:Address)
WHERE a.key STARTS WITH building.area + '|' AND a.key <> building.area + '|'
  AND all(number IN building.numbers WHERE a.key CONTAINS number)
MATCH (a)<-[:AT_ADDRESS]-(:SourceRecord)-[:BELONGS_TO]->(c:Customer)
WHERE c.mergedInto IS NULL
WITH building.key AS building, a.key AS address, collect(DISTINCT c.id) AS customers
RETURN collect({building: building, address: address, customers: customers}) AS rows
