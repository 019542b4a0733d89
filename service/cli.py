"""`kith`: the command line of CONTRACT.md."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress, TransferSpeedColumn

from service.analytics import cypher_command
from service.config import Settings, get_settings
from service.demo import write_demo
from service.graph.database import Database, DatabaseUnavailable
from service.household_sync import rebuild_households
from service.identity import PassSummary, estimate_model, load_model, resolve_graph
from service.influence import influence_command, recompute_influence
from service.ingest import BATCH_SIZE, IngestReport, ingest_file, rejects_path
from service.neo4j_local import LocalServer, Neo4jServerError, bolt_answers

T = TypeVar("T")

app = typer.Typer(
    no_args_is_help=True, help="Kith: a graph-backed single customer view.", pretty_exceptions_enable=False
)
neo4j_app = typer.Typer(no_args_is_help=True, help="The local Neo4j 5.26 Community server.")
schema_app = typer.Typer(no_args_is_help=True, help="Constraints and indexes.")
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(schema_app, name="schema")
app.command("cypher")(cypher_command)
app.command("influence")(influence_command)
err = Console(stderr=True)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def with_database(work: Callable[[Database], Awaitable[T]], settings: Settings | None = None) -> T:
    """Runs `work` against Neo4j and turns a dead connection into a clear error and exit 1."""

    async def run() -> T:
        async with Database(settings or get_settings()) as database:
            return await work(database)

    try:
        return asyncio.run(run())
    except DatabaseUnavailable as error:
        raise _fail(f"{error}\nIs Neo4j running? Try `kith neo4j start`.") from error


def _local_server() -> LocalServer | None:
    settings = get_settings()
    if not settings.is_local:
        print(f"NEO4J_URI={settings.neo4j_uri} is a server you run: Kith installs and starts nothing")
        return None
    return LocalServer(settings)


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Installs (first use) and starts the local server; returns when Bolt answers."""
    server = _local_server()
    if server is None:
        return
    try:
        started = server.start()
    except Neo4jServerError as error:
        raise _fail(str(error)) from error
    state = "started" if started else "already running"
    print(f"neo4j {state} at {server.settings.neo4j_uri} (data and logs in {server.server_dir})")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stops the server `kith neo4j start` started."""
    server = _local_server()
    if server is not None:
        print("neo4j stopped" if server.stop() else "neo4j was not running")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Exits 0 only when Neo4j answers Bolt."""
    settings = get_settings()
    if not bolt_answers(settings):
        print(f"neo4j is not answering at {settings.neo4j_uri}")
        raise typer.Exit(1)
    print(f"neo4j is answering at {settings.neo4j_uri}")


@schema_app.command("apply")
def schema_apply() -> None:
    """Applies cypher/schema.cypher (idempotent)."""
    count = with_database(lambda database: database.apply_schema())
    print(f"schema applied: {count} statements")


def _progress_bar(total: int) -> tuple[Progress | None, Callable[[int], None] | None]:
    """A rich progress bar on a terminal; nothing in CI or when output is redirected."""
    console = Console(stderr=True)
    if not console.is_terminal or os.environ.get("CI"):
        return None, None
    progress = Progress(*Progress.get_default_columns(), TransferSpeedColumn(), console=console)
    task = progress.add_task("ingesting", total=total)
    return progress, lambda done: progress.update(task, completed=done)


@app.command("ingest")
def ingest_command(
    files: Annotated[
        list[Path], typer.Argument(help="JSON Lines (.jsonl) or CSV (.csv) files.", exists=True)
    ],
    batch_size: Annotated[
        int, typer.Option(help="Profile lines per batch (of interactions, 2.5 times as many).", min=1)
    ] = BATCH_SIZE,
) -> None:
    """Loads and resolves files; rejected lines go to FILE.rejects.jsonl."""
    settings = get_settings()
    report = with_database(lambda database: _ingest_paths(database, files, settings, batch_size), settings)
    _print_summary(report)


async def _ingest_paths(
    database: Database, files: list[Path], settings: Settings, batch_size: int = BATCH_SIZE
) -> IngestReport:
    """Loads files one after the other, each with its own progress bar on a terminal."""
    await database.apply_schema()
    model = await load_model(database)
    report = IngestReport()
    for path in files:
        progress, on_progress = _progress_bar(path.stat().st_size)
        if progress is not None:
            progress.start()
        try:
            file_report = await ingest_file(database, path, settings, model, on_progress, batch_size)
        finally:
            if progress is not None:
                progress.stop()
        if file_report.rejected:
            err.print(f"{path}: rejected lines are in {rejects_path(path)}", highlight=False)
        report.add(file_report)
    influence = await recompute_influence(database)
    print(influence.line())
    return report


def _print_summary(report: IngestReport) -> None:
    print(f"accepted={report.accepted} rejected={len(report.rejected)}")
    if report.warnings:
        print(f"warnings={report.warnings} (fields that could not be used were kept as given)")


@app.command()
def demo(
    households: Annotated[int, typer.Option(help="How many households to generate.", min=1)] = 200,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same people.")] = 7,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing when customers exist.")] = False,
) -> None:
    """Generates a realistic synthetic customer base (and its ground truth) and ingests it."""
    settings = get_settings()

    async def work(database: Database) -> IngestReport | None:
        existing = (await database.read("customer_count"))[0]["customers"]
        if if_empty and existing:
            print(f"the graph already holds {existing} customers: demo data not loaded")
            return None
        files = write_demo(settings.kith_home / "demo", households, seed)
        print(
            f"generated {files.profile_count} profiles and {files.interaction_count} interactions "
            f"in {files.profiles.parent} (truth.json holds the ground truth)"
        )
        return await _ingest_paths(database, [files.profiles, files.interactions], settings)

    report = with_database(work, settings)
    if report is not None:
        _print_summary(report)


@app.command("resolve")
def resolve_command(
    full: Annotated[bool, typer.Option("--full", help="Re-resolve the whole graph.")] = False,
    estimate: Annotated[
        bool,
        typer.Option(
            "--estimate",
            help="With --full: first re-learn u from random pairs of records, m by EM over candidate pairs.",
        ),
    ] = False,
) -> None:
    """Re-runs identity resolution: records left dirty, or every record with --full."""

    async def work(database: Database) -> PassSummary:
        if full and estimate:
            _, records = await estimate_model(database)
            print(f"match model re-estimated from {records} records")
        summary = await resolve_graph(database, await load_model(database), full=full)
        if full:
            print(f"households rebuilt: {await rebuild_households(database)}")
        return summary

    summary = with_database(work)
    print(f"resolved records={summary.records} customers={summary.clusters} merges={summary.merges}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serves GraphQL on http://HOST:PORT/graphql, with /healthz and /readyz."""
    import uvicorn

    from service.api.app import create_app
    from service.api.observability import configure_logging

    with_database(lambda database: database.apply_schema())
    settings = get_settings()
    configure_logging()
    print(f"Kith GraphQL on http://{host}:{port}/graphql", flush=True)
    if settings.api_keys:
        print("Authentication is on: send `Authorization: Bearer <key>` with a key from KITH_API_KEYS")
    # RequestLogMiddleware logs every request (with its id); uvicorn's access log would only repeat it.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
    )


@app.command()
def wipe(
    yes: Annotated[bool, typer.Option("--yes", help="Confirm deleting all customer data.")] = False,
) -> None:
    """Deletes all customer data; the schema stays."""
    if not yes:
        raise _fail("this deletes all customer data: pass --yes to confirm", code=2)
    with_database(lambda database: database.wipe())
    print("all customer data deleted")


def main() -> None:
    sys.exit(app())


if __name__ == "__main__":
    main()
