// write_match_model: stores the Fellegi-Sunter parameters estimated from the graph's records.
// params: $parameters (JSON text), $records (int)
// returns: nothing
MERGE (m:MatchModel {name: 'current'})
SET m.parameters = $parameters, m.records = $records, m.estimatedAt = datetime()
