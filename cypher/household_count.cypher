// household_count: how many households the graph holds, and how many customers are members.
// params: none
// returns: households, members
CALL () {
  MATCH (h:Household)
  RETURN count(h) AS households
}
RETURN households, COUNT { (:Customer)-[:MEMBER_OF]->(:Household) } AS members
