"""Influence: who moves other customers, as weighted PageRank over the customer relationship graph.

What source records say about each other (`(:SourceRecord)-[:RELATES_TO {kind}]->(:SourceRecord)`)
is lifted to customers: an edge from the customer making the statement to the customer it names.
PageRank (networkx, scipy backend) then lets standing flow along edges: being referred to by
customers who are themselves referred to counts most. A customer's standing is shared out among
the people they name in proportion to the edge weights, by kind (`WEIGHTS`):

- REFERRED_BY 3.0: someone became a customer on your word, the strongest sign of influence;
- FOLLOWS 1.0: someone chose to hear what you say;
- FAMILY, FRIEND 0.5 each way: a tie says little about who moves whom, so it runs both ways;
- any other kind 0.25 (kinds are open strings: a new one still counts a little).

A statement repeated by several records of one customer counts once; several kinds between the same
two customers add up. Scores are PageRank scaled by the number of customers, so the average customer
scores 1.0 and a score of 20 means twenty times the average pull, whatever the size of the graph.
Each customer also gets `referralRevenue`: the PURCHASE value of the customers they referred.

`kith influence` recomputes everything (`influence_command`); it is also run after every
`kith ingest`, so scores follow the data without a separate schedule. The 360 reads
`c.influenceScore`; `cypher/analytics/top_influencers.cypher` ranks by it.

Example:
    summary = await recompute_influence(database)
    print(summary.customers, summary.relationships, summary.top[:3])
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from service.graph.database import Database

WEIGHTS: Mapping[str, float] = {"REFERRED_BY": 3.0, "FOLLOWS": 1.0, "FAMILY": 0.5, "FRIEND": 0.5}
OTHER_WEIGHT = 0.25
MUTUAL = frozenset({"FAMILY", "FRIEND"})
DAMPING = 0.85  # the usual PageRank damping: 15% of standing is spread evenly, so no one scores 0
WRITE_BATCH = 10_000
TOP = 20


@dataclass(frozen=True, slots=True)
class InfluenceSummary:
    """What one recomputation did: customers scored, customer-level edges, time, and the top few."""

    customers: int
    relationships: int
    seconds: float
    top: tuple[tuple[str, float], ...]

    def line(self) -> str:
        leader = f" top={self.top[0][0]} ({self.top[0][1]:.2f})" if self.top else ""
        return (
            f"influence: customers={self.customers} relationships={self.relationships} "
            f"seconds={self.seconds:.1f}{leader}"
        )


def weight_of(kind: str) -> float:
    return WEIGHTS.get(kind, OTHER_WEIGHT)


def customer_edges(statements: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], float]:
    """(source, target) -> weight, from (source, target, kind) statements between customers.

    >>> customer_edges([("a", "b", "REFERRED_BY"), ("a", "b", "REFERRED_BY"), ("a", "c", "FRIEND")])
    {('a', 'b'): 3.0, ('a', 'c'): 0.5, ('c', 'a'): 0.5}
    """
    seen: set[tuple[str, str, str]] = set()
    edges: dict[tuple[str, str], float] = defaultdict(float)
    for source, target, kind in statements:
        if source == target or (source, target, kind) in seen:
            continue
        seen.add((source, target, kind))
        edges[(source, target)] += weight_of(kind)
        if kind in MUTUAL:
            edges[(target, source)] += weight_of(kind)
    return dict(edges)


def influence_scores(customers: Sequence[str], edges: Mapping[tuple[str, str], float]) -> dict[str, float]:
    """Weighted PageRank of every customer, scaled so that the average customer scores 1.0.

    >>> scores = influence_scores(["a", "b", "c"], {("a", "c"): 3.0, ("b", "c"): 1.0})
    >>> scores["c"] > scores["a"] == scores["b"], round(sum(scores.values()), 6)
    (True, 3.0)
    """
    if not customers:
        return {}
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(customers)
    graph.add_weighted_edges_from((source, target, weight) for (source, target), weight in edges.items())
    ranks: dict[str, float] = nx.pagerank(graph, alpha=DAMPING, weight="weight")
    scale = graph.number_of_nodes()
    return {customer: ranks[customer] * scale for customer in customers}


async def recompute_influence(database: Database) -> InfluenceSummary:
    """Recomputes every live customer's `influenceScore` and `referralRevenue` from the whole graph.

    Reads the customers, their relationships and referral revenue (three queries), ranks in memory,
    and writes in batches of `WRITE_BATCH` (one transaction each), so a crash leaves every customer
    with either the old or the new score. Run by `kith influence` and after every `kith ingest`.
    """
    started = time.perf_counter()
    customers = sorted((await database.read("influence_customers"))[0]["ids"])
    found = (await database.read("influence_edges"))[0]
    edges = customer_edges(zip(found["sources"], found["targets"], found["kinds"], strict=True))
    referrals = (await database.read("influence_referral_revenue"))[0]
    revenue = dict(zip(referrals["ids"], map(float, referrals["revenues"]), strict=True))
    scores = influence_scores(customers, edges)
    rows = [
        {"id": customer, "score": scores[customer], "revenue": revenue.get(customer, 0.0)}
        for customer in customers
    ]
    for start in range(0, len(rows), WRITE_BATCH):
        await database.write("influence_write", rows=rows[start : start + WRITE_BATCH])
    await database.write("influence_clear_merged")
    top = tuple(sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:TOP])
    return InfluenceSummary(len(customers), len(edges), time.perf_counter() - started, top)


def influence_command() -> None:
    """Recomputes influence scores (weighted PageRank) and referral revenue for every customer.

    Also run after every `kith ingest`.
    """
    from service.cli import with_database  # the CLI registers this command: import it late

    summary = with_database(recompute_influence)
    print(summary.line())
