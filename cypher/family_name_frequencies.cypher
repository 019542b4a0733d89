// family_name_frequencies: how many source records carry each normalised family name.
// Feeds the term-frequency adjustment: agreeing on "smith" proves less than agreeing on "zuckerman".
// params: $names (list of normalised family names)
// returns: name, holders, total (all source records)
MATCH (record:SourceRecord)
WITH count(record) AS total
UNWIND $names AS name
RETURN name, COUNT { MATCH (r:SourceRecord {nFamily: name}) } AS holders, total
