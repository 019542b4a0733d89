"""Influence on a real graph: relationships ingested as profiles, scores checked against networkx."""

from __future__ import annotations

import random
from typing import Any

import networkx as nx
from scipy.stats import spearmanr

from service.config import Settings
from service.graph.database import Database
from service.influence import WEIGHTS, recompute_influence
from service.ingest import ingest_objects


def node_profile(node: int, relationships: list[tuple[str, int]]) -> dict[str, Any]:
    # No names and no identifiers: nothing for identity resolution to merge, one customer per node.
    return {
        "source": "crm",
        "sourceId": f"N{node:04d}",
        "relationships": [
            {"kind": kind, "to": {"source": "crm", "sourceId": f"N{other:04d}"}}
            for kind, other in relationships
        ],
    }


async def scores_by_record(database: Database) -> dict[str, dict[str, Any]]:
    records, _, _ = await database.driver.execute_query(
        "MATCH (r:SourceRecord)-[:BELONGS_TO]->(c:Customer) "
        "RETURN r.sourceId AS node, c.influenceScore AS score, c.referralRevenue AS revenue"
    )
    return {record["node"]: record.data() for record in records}


async def test_the_ranking_matches_networkx_pagerank_of_the_same_graph(
    database: Database, settings: Settings
) -> None:
    rng = random.Random(42)
    generated = nx.scale_free_graph(400, seed=42)  # skewed in-degrees: a few clear influencers
    expected: nx.DiGraph = nx.DiGraph()
    expected.add_nodes_from(generated.nodes)
    said: dict[int, list[tuple[str, int]]] = {node: [] for node in generated.nodes}
    for source, target in set(generated.edges()):
        if source == target:
            continue
        kind = rng.choice(("REFERRED_BY", "FOLLOWS"))
        said[source].append((kind, target))
        previous = expected.get_edge_data(source, target, {"weight": 0.0})["weight"]
        expected.add_edge(source, target, weight=previous + WEIGHTS[kind])
    profiles = [node_profile(node, relationships) for node, relationships in said.items()]
    report = await ingest_objects(database, profiles, settings)
    assert report.accepted == len(profiles)

    summary = await recompute_influence(database)
    assert summary.customers == expected.number_of_nodes()
    assert summary.relationships == expected.number_of_edges()

    reference = nx.pagerank(expected, alpha=0.85, weight="weight")
    ours = {int(node[1:]): row["score"] for node, row in (await scores_by_record(database)).items()}
    top = sorted(reference, key=lambda node: -reference[node])[:100]
    correlation = spearmanr([ours[node] for node in top], [reference[node] for node in top]).statistic
    assert correlation >= 0.95
    ours_top = sorted(ours, key=lambda node: -ours[node])[:10]
    assert ours_top[:3] == top[:3]
    # Scaled so the average customer scores 1.0; otherwise the very same numbers.
    assert abs(sum(ours.values()) / len(ours) - 1.0) < 1e-6
    assert all(abs(ours[node] / len(ours) - reference[node]) <= 1e-3 * reference[node] for node in reference)


async def test_referral_revenue_adds_up_what_referred_customers_bought(
    database: Database, settings: Settings
) -> None:
    profiles = [
        node_profile(1, []),
        node_profile(2, [("REFERRED_BY", 1)]),
        node_profile(3, [("REFERRED_BY", 1), ("FOLLOWS", 2)]),
        node_profile(4, [("FOLLOWS", 1)]),
    ]

    def purchase(source_id: str, node: int, value: float, kind: str = "PURCHASE") -> dict[str, Any]:
        return {
            "type": "interaction",
            "source": "pos",
            "sourceId": source_id,
            "customer": {"source": "crm", "sourceId": f"N{node:04d}"},
            "channel": "STORE",
            "kind": kind,
            "occurredAt": "2025-03-01T10:00:00Z",
            "value": value,
        }

    interactions = [
        purchase("P1", 2, 10.0),
        purchase("P2", 2, 5.0),
        purchase("P3", 3, 7.5),
        purchase("P4", 3, 100.0, kind="RETURN"),
        purchase("P5", 4, 50.0),  # a follower's spend is no referral revenue
        purchase("P6", 1, 1.0),
    ]
    await ingest_objects(database, [*profiles, *interactions], settings)
    await recompute_influence(database)
    rows = await scores_by_record(database)
    assert rows["N0001"]["revenue"] == 22.5
    assert rows["N0002"]["revenue"] == 0.0
    assert rows["N0001"]["score"] > rows["N0002"]["score"] > rows["N0004"]["score"]


async def test_an_empty_graph_scores_nobody(database: Database) -> None:
    summary = await recompute_influence(database)
    assert (summary.customers, summary.relationships, summary.top) == (0, 0, ())
