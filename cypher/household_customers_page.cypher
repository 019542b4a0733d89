// household_customers_page: live customer ids in id order, a page at a time (full household rebuild).
// params: $after (the previous page's last id, "" for the first page), $limit (int)
// returns: id
MATCH (c:Customer)
WHERE c.id > $after AND c.mergedInto IS NULL
RETURN c.id AS id
ORDER BY id
LIMIT $limit
