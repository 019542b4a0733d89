// care_record_consent: a consent statement taken by Kith itself (an agent on the phone, a preference
// centre), on the customer rather than on a source record. Merges move it to the survivor.
// params: $customer (a live customer id), $channel, $purpose, $granted (bool), $at (datetime or null
//         for now), $source (where the statement came from), $by (who took it)
// returns: statement ({channel, purpose, granted, at, source, by}), or no row for an unknown customer
MATCH (c:Customer {id: $customer})
MERGE (t:ConsentTopic {key: $channel + ':' + $purpose})
ON CREATE SET t.channel = $channel, t.purpose = $purpose
CREATE (c)-[said:CONSENTED {granted: $granted, at: coalesce($at, datetime()), source: $source, by: $by}]->(t)
RETURN {channel: t.channel, purpose: t.purpose, granted: said.granted, at: said.at, source: said.source,
        by: said.by} AS statement
