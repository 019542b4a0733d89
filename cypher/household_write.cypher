// household_write: replaces the household memberships of some customers with the decided ones.
// Memberships of every customer in $customers are removed first (merged-away customers are listed
// there too, so they stop being members); each household then gets its members with their roles
// and its address. A household id missing so far is created.
// params: $customers (ids), $households: list of {id, address (address key or null),
//         members: list of {id, role ("ADULT", "MINOR" or null)}}
// returns: nothing
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
UNWIND $customers AS customerId
MATCH (:Customer {id: customerId})-[old:MEMBER_OF]->(:Household)
DELETE old
WITH count(*) AS cleared
UNWIND $households AS row
MERGE (h:Household {id: row.id})
ON CREATE SET h.createdAt = datetime()
SET h.size = size(row.members), h.updatedAt = datetime()
WITH h, row
CALL (h) {
  MATCH (h)-[old:AT_ADDRESS]->(:Address)
  DELETE old
}
CALL (h, row) {
  MATCH (a:Address {key: row.address})
  CREATE (h)-[:AT_ADDRESS]->(a)
}
WITH h, row
UNWIND row.members AS member
MATCH (c:Customer {id: member.id})
CREATE (c)-[:MEMBER_OF {role: member.role}]->(h)
