// link_interaction_products: what an interaction was about (bought, returned, asked about).
// params: $rows: list of {interaction, sku, name, category, quantity, price}
// returns: nothing
UNWIND $rows AS row
MATCH (i:Interaction {key: row.interaction})
MERGE (p:Product {sku: row.sku})
SET p.name = coalesce(row.name, p.name), p.category = coalesce(row.category, p.category)
CREATE (i)-[:ABOUT {quantity: row.quantity, price: row.price}]->(p)
