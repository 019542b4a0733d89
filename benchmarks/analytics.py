"""Every analyst query on the benchmark graph: seconds each, and the plan of the slowest.

Usage: python benchmarks/analytics.py

Runs against the benchmark server as it is (load it with `benchmarks/api_360.py --load-households
50000` or `benchmarks/ingest_speed.py` first); the target is under 10 s each on the `kith demo` graph
of 100,000 customers. The baseline, measured in the same run, is a plain full scan of the graph
(`MATCH (n) RETURN count(n.key)`), the cost of touching every node once.
"""

from __future__ import annotations

import asyncio
import time

from benchmarks.common import bench_database
from service.analytics import list_queries, run_query
from service.graph.cypher import statement


async def measure() -> None:
    async with bench_database(wipe=False) as database:
        customers = (await database.read("customer_count"))[0]["customers"]
        started = time.perf_counter()
        await database.driver.execute_query("MATCH (n) RETURN count(n.key) AS n", routing_="r")
        scan = time.perf_counter() - started
        print(f"graph: {customers} customers; baseline full scan of every node: {scan:.2f}s")
        timings = []
        for query in list_queries():
            started = time.perf_counter()
            result = await run_query(database, query.name)
            elapsed = time.perf_counter() - started
            timings.append((elapsed, query.name))
            print(
                f"  {query.name:32s} {elapsed:6.2f}s {len(result.rows):5d} rows ({elapsed / scan:.1f}x scan)"
            )
        slowest = max(timings)[1]
        print(f"slowest: {slowest} ({max(timings)[0]:.2f}s; target < 10 s each); its PROFILE:")
        async with database.driver.session() as session:
            query = next(query for query in list_queries() if query.name == slowest)
            result = await session.run("PROFILE " + statement(f"analytics/{slowest}"), query.bind())
            summary = await result.consume()
        _print_plan(summary.profile)


def _print_plan(plan: dict[str, object], depth: int = 0) -> None:
    details = str(plan.get("args", {}).get("Details", ""))[:90]  # type: ignore[union-attr]
    print(
        f"  {'  ' * depth}{plan['operatorType']} rows={plan.get('rows')} hits={plan.get('dbHits')} {details}"
    )
    for child in plan.get("children", []):  # type: ignore[union-attr]
        _print_plan(child, depth + 1)


if __name__ == "__main__":
    asyncio.run(measure())
