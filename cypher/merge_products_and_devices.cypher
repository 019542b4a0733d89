// merge_products_and_devices: the products and devices some interactions name, merged before the
// interactions link to them. Once per batch, in key order and rewriting a product only when it
// changes: merged row by row, every batch took the write lock of every popular product in its own
// order, and two batches written at once deadlocked on them.
// params: $devices: distinct device ids, sorted;
//         $products: distinct products {sku, name, category}, sorted by sku, each with the last name and
//         category the rows give it (so the outcome is the one row-by-row merging had)
// returns: nothing
// replan=skip: on the ingest path; its plan is the same on an empty graph and a loaded one.
CYPHER replan=skip
CALL {
  UNWIND $devices AS device
  MERGE (:Device {id: device})
}
UNWIND $products AS product
MERGE (p:Product {sku: product.sku})
WITH p, product
WHERE coalesce(p.name <> product.name, product.name IS NOT NULL)
   OR coalesce(p.category <> product.category, product.category IS NOT NULL)
SET p.name = coalesce(product.name, p.name), p.category = coalesce(product.category, p.category)
