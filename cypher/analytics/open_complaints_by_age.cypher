// open_complaints_by_age: How long have the complaints that are still open been waiting?
// A complaint (kind COMPLAINT) is open until its status is RESOLVED or CLOSED; its age is in whole
// days from when it was made to $asOf. Every bucket is returned, empty or not, in age order, so the
// rows chart as they are; `unknown` holds open complaints with no time.
// param: $asOf string = null — ISO date-time to measure ages at; null means now
// returns: bucket, complaints, customers, oldestDays
WITH coalesce(datetime($asOf), datetime()) AS asOf
MATCH (c:Customer)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(i:Interaction {kind: 'COMPLAINT'})
WHERE c.mergedInto IS NULL AND NOT coalesce(i.status, 'OPEN') IN ['RESOLVED', 'CLOSED']
  AND (i.occurredAt IS NULL OR i.occurredAt <= asOf)
WITH c, duration.inDays(i.occurredAt, asOf).days AS age
WITH c, age,
     CASE WHEN age IS NULL THEN 'unknown' WHEN age <= 7 THEN '0-7 days' WHEN age <= 30 THEN '8-30 days'
          WHEN age <= 90 THEN '31-90 days' ELSE 'over 90 days' END AS bucket
WITH bucket, count(*) AS complaints, count(DISTINCT c) AS customers, max(age) AS oldestDays
WITH collect({bucket: bucket, complaints: complaints, customers: customers, oldestDays: oldestDays}) AS found
UNWIND ['0-7 days', '8-30 days', '31-90 days', 'over 90 days', 'unknown'] AS bucket
WITH bucket, head([f IN found WHERE f.bucket = bucket]) AS f
RETURN bucket, coalesce(f.complaints, 0) AS complaints, coalesce(f.customers, 0) AS customers,
       f.oldestDays AS oldestDays
