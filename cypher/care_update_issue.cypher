// care_update_issue: an agent moves an issue (a complaint or enquiry) on: OPEN -> RESOLVED and so on.
// The interaction takes the new status (and the resolution, when given) and an IssueUpdate node keeps
// the change: from, to, resolution, by, at. `statusAt` marks the status as Kith's, so a later reload
// of the source line does not undo the agent's work (see upsert_interactions); on the first change the
// source's status is kept as `sourceStatus`.
// params: $key (interaction key), $status, $resolution (or null to keep the current one), $by
// returns: interaction (map), customer (id of its customer or null), or no row for an unknown key
MATCH (i:Interaction {key: $key})
WITH i, i.status AS before, i.statusAt IS NULL AS fromSource
SET i.sourceStatus = CASE WHEN fromSource THEN before ELSE i.sourceStatus END,
    i.status = $status, i.resolution = coalesce($resolution, i.resolution), i.statusBy = $by,
    i.statusAt = datetime()
CREATE (i)-[:HAS_UPDATE]->(:IssueUpdate {before: before, after: $status, resolution: $resolution, by: $by,
                                         at: i.statusAt})
RETURN i {.key, .source, .sourceId, .channel, .kind, .occurredAt, .status, .summary, .value, .agent,
          .resolution} AS interaction,
       head([(i)<-[:HAD]-(:SourceRecord)-[:BELONGS_TO]->(c:Customer) | c.id]) AS customer
