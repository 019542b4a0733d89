// schema: the constraints and indexes of the Kith graph.
// Every key the service merges on or looks up by has a uniqueness constraint (which is also its
// index); the other lookups have range or full-text indexes. Every statement is IF NOT EXISTS, so
// `kith schema apply` can run any number of times.
CREATE CONSTRAINT source_record_key IF NOT EXISTS FOR (n:SourceRecord) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT identifier_key IF NOT EXISTS FOR (n:Identifier) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT address_key IF NOT EXISTS FOR (n:Address) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT customer_id IF NOT EXISTS FOR (n:Customer) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT household_id IF NOT EXISTS FOR (n:Household) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT device_id IF NOT EXISTS FOR (n:Device) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT interaction_key IF NOT EXISTS FOR (n:Interaction) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT product_sku IF NOT EXISTS FOR (n:Product) REQUIRE n.sku IS UNIQUE;
CREATE CONSTRAINT lock_name IF NOT EXISTS FOR (n:Lock) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT match_model_name IF NOT EXISTS FOR (n:MatchModel) REQUIRE n.name IS UNIQUE;
CREATE INDEX source_record_source IF NOT EXISTS FOR (n:SourceRecord) ON (n.source, n.sourceId);
CREATE INDEX source_record_dirty IF NOT EXISTS FOR (n:SourceRecord) ON (n.dirty);
CREATE INDEX interaction_occurred IF NOT EXISTS FOR (n:Interaction) ON (n.occurredAt);
CREATE INDEX customer_merged IF NOT EXISTS FOR (n:Customer) ON (n.mergedInto);
CREATE CONSTRAINT blocking_key IF NOT EXISTS FOR (n:BlockingKey) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT consent_topic IF NOT EXISTS FOR (n:ConsentTopic) REQUIRE n.key IS UNIQUE;
// The full-text indexes are updated after commit, not in it: Lucene's update took a one-profile
// ingest's commit from about 1 ms to 9.6 ms on the loaded benchmark graph (3.6 ms without). A search
// waits for the updates committed before it (search_candidates), so it still finds every one.
CREATE FULLTEXT INDEX record_search IF NOT EXISTS FOR (n:SourceRecord) ON EACH [n.givenName, n.familyName, n.nPostcode]
  OPTIONS {indexConfig: {`fulltext.eventually_consistent`: true}};
CREATE FULLTEXT INDEX identifier_search IF NOT EXISTS FOR (n:Identifier) ON EACH [n.value]
  OPTIONS {indexConfig: {`fulltext.eventually_consistent`: true}};
CREATE CONSTRAINT flag_id IF NOT EXISTS FOR (n:Flag) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT action_id IF NOT EXISTS FOR (n:Action) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT audit_log_name IF NOT EXISTS FOR (n:AuditLog) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT audit_entry_seq IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.seq IS UNIQUE;
CREATE INDEX audit_entry_target IF NOT EXISTS FOR (n:AuditEntry) ON (n.target);
CREATE CONSTRAINT suppression_hash IF NOT EXISTS FOR (n:Suppression) REQUIRE n.hash IS UNIQUE;
CREATE INDEX customer_influence IF NOT EXISTS FOR (n:Customer) ON (n.influenceScore);
