// upsert_interactions: creates or updates interactions, keyed by `source:sourceId`, with their links.
// One statement per batch: each interaction is looked up once, what a reload replaces (its
// customer's record, device and products) is cleared and linked again in the same pass; a new
// interaction (no `fingerprint` yet) has nothing to clear and skips that work. An
// interaction hangs off the source record that names its customer, not the customer, so it follows
// merges and splits untouched; a record not known yet is created as a `pending` placeholder and the
// interaction waits there for the profile. Its devices and products exist already
// (`merge_products_and_devices`).
// An issue an agent has moved on in Kith (`statusAt` set by care_update_issue) keeps the agent's
// status and resolution when its source line is loaded again; the source's status is kept beside
// them as `sourceStatus`.
// A line loaded again unchanged (the same `fingerprint`) leaves its interaction as it is.
// Times come as ISO 8601 text when they have a zone (read with `datetime()`), else as local datetimes.
// params: $rows: list of {key, fingerprint (digest of the rest of the row), props (map), occurredAt (text or local datetime or null),
//         customer ({record, source, sourceId} or null),
//         device (id or null), products (list of {sku, name, category, quantity, price})}
// returns: nothing
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
UNWIND $rows AS row
MERGE (i:Interaction {key: row.key})
ON CREATE SET i.createdAt = datetime()
WITH i, row
WHERE i.fingerprint IS NULL OR i.fingerprint <> row.fingerprint
WITH i, row, i {.fingerprint, .status, .resolution, .statusAt} AS was
SET i += row.props, i.fingerprint = row.fingerprint,
    i.occurredAt = CASE WHEN row.occurredAt IS :: STRING THEN datetime(row.occurredAt) ELSE row.occurredAt END
WITH i, row, was
CALL (i, was) {
  WITH i, was
  WHERE was.fingerprint IS NOT NULL
  CALL (i, was) {
    WITH i, was
    WHERE was.statusAt IS NOT NULL
    SET i.sourceStatus = i.status, i.status = was.status, i.resolution = was.resolution
  }
  CALL (i) {
    MATCH (i)-[old:HAD|VIA|ABOUT]-()
    DELETE old
  }
}
CALL (i, row) {
  WITH row.customer AS customer
  WHERE customer IS NOT NULL
  MERGE (r:SourceRecord {key: customer.record})
  ON CREATE SET r.pending = true, r.source = customer.source, r.sourceId = customer.sourceId,
                r.createdAt = datetime()
  CREATE (r)-[:HAD]->(i)
}
CALL (i, row) {
  MATCH (d:Device {id: row.device})
  CREATE (i)-[:VIA]->(d)
}
CALL (i, row) {
  UNWIND row.products AS product
  MATCH (p:Product {sku: product.sku})
  CREATE (i)-[:ABOUT {quantity: product.quantity, price: product.price}]->(p)
}
