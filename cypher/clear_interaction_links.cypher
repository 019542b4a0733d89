// clear_interaction_links: removes an interaction's customer, device and products before reload.
// params: $rows (list of interaction keys)
// returns: nothing
UNWIND $rows AS interactionKey
MATCH (:Interaction {key: interactionKey})-[old:HAD|VIA|ABOUT]-()
DELETE old
