// engagement_by_region: Which countries and regions do customers engage from?
// A customer is placed at the address of their most recently observed profile that has one, and
// all their interactions count there (a customer who moved counts where they live now). Countries
// are compared in upper case; customers with no address show under null. `engaged` counts the
// customers with at least one interaction.
// params: none
// returns: country, region, customers, engaged, interactions
MATCH (c:Customer)
WHERE c.mergedInto IS NULL
CALL (c) {
  OPTIONAL MATCH (c)<-[:BELONGS_TO]-(r:SourceRecord)-[:AT_ADDRESS]->(a:Address)
  WITH r, a
  ORDER BY r.observedAt IS NULL, r.observedAt DESC, r.key
  RETURN head(collect(a)) AS home
}
WITH c, home, COUNT { (c)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(:Interaction) } AS interactions
RETURN toUpper(trim(home.country)) AS country, home.region AS region, count(c) AS customers,
       count(CASE WHEN interactions > 0 THEN c END) AS engaged, sum(interactions) AS interactions
ORDER BY customers DESC, country, region
