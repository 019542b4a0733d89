// identity_cluster_sizes: How many source records make up a customer?
// The distribution of live customers by how many source records resolution put together for each
// (thin records, which stand for an identifier, count too). Size 1 is a customer one system knows;
// a long tail of large clusters is worth a look for over-merging.
// params: none
// returns: records, customers, share
MATCH (c:Customer)
WHERE c.mergedInto IS NULL
WITH c, COUNT { (c)<-[:BELONGS_TO]-(:SourceRecord) } AS records
WITH records, count(c) AS customers
WITH collect({records: records, customers: customers}) AS sizes, sum(customers) AS total
UNWIND sizes AS bucket
RETURN bucket.records AS records, bucket.customers AS customers,
       round(toFloat(bucket.customers) / total, 4) AS share
ORDER BY records
