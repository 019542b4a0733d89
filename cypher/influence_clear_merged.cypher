// influence_clear_merged: merged-away customers keep no influence of their own (their survivor has it).
// params: none
// returns: cleared (how many customers lost a score)
MATCH (c:Customer)
WHERE c.mergedInto IS NOT NULL AND (c.influenceScore IS NOT NULL OR c.referralRevenue IS NOT NULL)
REMOVE c.influenceScore, c.referralRevenue
RETURN count(c) AS cleared
