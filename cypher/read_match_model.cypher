// read_match_model: the Fellegi-Sunter parameters identity resolution uses, if any were estimated.
// `kith resolve --full --estimate` stores them; until then the documented defaults apply.
// params: none
// returns: parameters (JSON text), estimatedAt, records (how many records the estimate saw)
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
MATCH (m:MatchModel {name: 'current'})
RETURN m.parameters AS parameters, toString(m.estimatedAt) AS estimatedAt, m.records AS records
