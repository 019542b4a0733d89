// open_complaints_by_agent: Which agents hold the open complaints, and how old are they?
// A complaint (kind COMPLAINT) is open until its status is RESOLVED or CLOSED; ages are whole days
// from when it was made to $asOf. Complaints with no agent show under null. Busiest agents first.
// param: $asOf string = null — ISO date-time to measure ages at; null means now
// returns: agent, complaints, customers, oldestDays, averageDays
WITH coalesce(datetime($asOf), datetime()) AS asOf
MATCH (c:Customer)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(i:Interaction {kind: 'COMPLAINT'})
WHERE c.mergedInto IS NULL AND NOT coalesce(i.status, 'OPEN') IN ['RESOLVED', 'CLOSED']
  AND (i.occurredAt IS NULL OR i.occurredAt <= asOf)
WITH i.agent AS agent, c, duration.inDays(i.occurredAt, asOf).days AS age
RETURN agent, count(*) AS complaints, count(DISTINCT c) AS customers, max(age) AS oldestDays,
       round(avg(age), 1) AS averageDays
ORDER BY complaints DESC, oldestDays DESC, agent
