// influence_write: stores influence scores and referral revenue on customers, a batch at a time.
// params: $rows: list of {id, score (float), revenue (float)}
// returns: nothing
UNWIND $rows AS row
MATCH (c:Customer {id: row.id})
SET c.influenceScore = row.score, c.referralRevenue = row.revenue
