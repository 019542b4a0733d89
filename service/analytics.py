"""Analyst queries: the read-only Cypher of `cypher/analytics/`, one question per file, run by `kith cypher`.

Each file's header documents the question, and the runner reads its parameters from it:

    // lapsed_high_value: Which high-value customers have stopped buying, and may we market to them?
    // Plain words on what counts and how (any number of lines).
    // param: $days int = 365 — how many days without a purchase make a customer lapsed
    // param: $asOf string = null — ISO date-time to judge from; null means now
    // returns: customer, displayName, currency, lifetimeSpend, ...

A `param:` line is `$name type [= default] [— description]`: the type is one of int, float, string,
bool; the default is a bare token, a double-quoted JSON string, or `null`; a parameter without a
default must be given. A file with no parameters says `// params: none`. Values always travel to Neo4j
as Cypher parameters, and every query runs in READ access mode, so one that tries to write fails and
changes nothing.

Example:
    $ kith cypher --list
    $ kith cypher lapsed_high_value --param days=180 --param minSpend=250 --format csv

    async with Database(get_settings()) as database:
        result = await run_query(database, "channel_mix")
        print(result.columns, result.rows[:3])
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import math
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from neo4j import Query, RoutingControl
from neo4j.exceptions import ClientError, Neo4jError, ServiceUnavailable, SessionExpired
from neo4j.exceptions import DatabaseUnavailable as Neo4jDatabaseUnavailable
from neo4j.time import Date, DateTime, Duration, Time
from rich.console import Console
from rich.table import Table

from service.config import get_settings
from service.graph.cypher import CYPHER_DIR, UnknownQuery, header, statement
from service.graph.database import Database, DatabaseUnavailable

ANALYTICS = "analytics"
ANALYTICS_DIR = CYPHER_DIR / ANALYTICS
FORMATS = ("table", "csv", "json")
TYPES = ("int", "float", "string", "bool")
# Neo4j's code for a write attempted in a READ transaction: the one refusal worth its own message.
ACCESS_MODE_ERROR = "Neo.ClientError.Statement.AccessMode"

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_PARAM = re.compile(
    r"""param:\s*\$(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)
        (?:\s*=\s*(?P<default>"(?:[^"\\]|\\.)*"|\S+))?
        \s*(?:(?:—|--)\s*(?P<description>.*))?$""",
    re.VERBOSE,
)
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


class AnalyticsError(Exception):
    """A problem the analyst can fix or should know about; the message says it in plain words."""


class UnknownAnalyticsQuery(AnalyticsError):
    pass


class BadParameter(AnalyticsError):
    pass


class HeaderError(AnalyticsError):
    """A query file's header can not be read: a mistake in the project, not the analyst's."""


class QueryFailed(AnalyticsError):
    pass


class WriteRefused(QueryFailed):
    pass


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str
    default: Any = None
    required: bool = False
    description: str = ""

    def parse(self, raw: str) -> Any:
        """The typed value of a `--param` text; `null` means no value."""
        text = raw.strip()
        if text == "null":
            return None
        try:
            if self.type == "int":
                return int(text)
            if self.type == "float":
                value = float(text)
                if not math.isfinite(value):
                    raise ValueError(text)
                return value
            if self.type == "bool":
                if text.lower() in _TRUE:
                    return True
                if text.lower() in _FALSE:
                    return False
                raise ValueError(text)
        except ValueError:
            raise BadParameter(f"${self.name} takes {_article(self.type)} {self.type}, not {raw!r}") from None
        return raw

    def check(self, value: Any) -> Any:
        """A value given from Python, checked against the declared type (text is parsed)."""
        if value is None:
            return None
        if isinstance(value, str) and self.type != "string":
            return self.parse(value)
        # bool is an int in Python: keep True from passing for a count.
        fits = {
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, int | float) and not isinstance(value, bool),
            "string": isinstance(value, str),
            "bool": isinstance(value, bool),
        }[self.type]
        if not fits:
            raise BadParameter(f"${self.name} takes {_article(self.type)} {self.type}, not {value!r}")
        return float(value) if self.type == "float" else value

    def describe(self) -> str:
        shown = "required" if self.required else f"default {json.dumps(self.default)}"
        return f"${self.name} ({self.type}, {shown})"


@dataclass(frozen=True, slots=True)
class AnalyticsQuery:
    name: str
    question: str
    description: str
    params: tuple[Param, ...]
    returns: str

    def bind(self, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Every declared parameter with its value: given ones checked, the rest from their defaults."""
        given = dict(values or {})
        declared = {param.name: param for param in self.params}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            takes = ", ".join(param.describe() for param in self.params) or "no parameters"
            raise BadParameter(f"{self.name} has no parameter {', '.join(unknown)}; it takes {takes}")
        bound = {}
        for param in self.params:
            if param.name in given:
                bound[param.name] = param.check(given[param.name])
            elif param.required:
                raise BadParameter(f"{self.name} needs --param {param.name}=… ({param.describe()})")
            else:
                bound[param.name] = param.default
        return bound


@dataclass(frozen=True, slots=True)
class Result:
    columns: list[str]
    rows: list[dict[str, Any]]


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def parse_header(name: str, lines: Sequence[str]) -> AnalyticsQuery:
    """Reads a query's documentation and parameters from its header lines (without the `//`)."""
    if not lines or not lines[0].startswith(f"{name}:"):
        raise HeaderError(f"analytics/{name}.cypher must open with `// {name}: <the question>`")
    question = lines[0][len(name) + 1 :].strip()
    description: list[str] = []
    returns: list[str] = []
    params: list[Param] = []
    section = description
    for line in (raw.strip() for raw in lines[1:]):
        if line.startswith("param:"):
            params.append(_parse_param(name, line))
            section = description
        elif line.startswith("params:"):
            if line.partition(":")[2].strip() != "none":
                raise HeaderError(
                    f"analytics/{name}.cypher: write `// params: none` or one `// param:` per line"
                )
        elif line.startswith("returns:"):
            returns.append(line.partition(":")[2].strip())
            section = returns
        else:
            # A line after `returns:` continues it; any other line is more of the question's words.
            section.append(line)
    if not returns:
        raise HeaderError(f"analytics/{name}.cypher has no `// returns:` line")
    names = [param.name for param in params]
    if len(set(names)) != len(names):
        raise HeaderError(f"analytics/{name}.cypher declares a parameter twice")
    return AnalyticsQuery(
        name=name,
        question=question,
        description=" ".join(part for part in description if part),
        params=tuple(params),
        returns=" ".join(returns),
    )


def _parse_param(name: str, line: str) -> Param:
    found = _PARAM.fullmatch(line)
    if found is None or found["type"] not in TYPES:
        raise HeaderError(
            f"analytics/{name}.cypher: {line!r} is not "
            f"`param: $name {'|'.join(TYPES)} [= default] [— meaning]`"
        )
    param = Param(name=found["name"], type=found["type"], description=(found["description"] or "").strip())
    raw = found["default"]
    if raw is None:
        return Param(param.name, param.type, None, True, param.description)
    if raw.startswith('"'):
        if param.type != "string":
            raise HeaderError(f"analytics/{name}.cypher: ${param.name} is {param.type}, its default is text")
        default: Any = json.loads(raw)
    else:
        try:
            default = param.parse(raw)
        except BadParameter as error:
            raise HeaderError(f"analytics/{name}.cypher: default of {error}") from None
    return Param(param.name, param.type, default, False, param.description)


def query_names() -> list[str]:
    return sorted(path.stem for path in ANALYTICS_DIR.glob("*.cypher"))


def load(name: str) -> AnalyticsQuery:
    """The query `cypher/analytics/<name>.cypher`, with its header read."""
    # Names come from the command line: only plain stems, so nothing can reach outside the folder.
    if not _NAME.fullmatch(name):
        raise UnknownAnalyticsQuery(f"{name!r} is not a query name; `kith cypher --list` shows them")
    try:
        lines = header(f"{ANALYTICS}/{name}")
    except UnknownQuery:
        raise UnknownAnalyticsQuery(f"there is no query {name!r}; `kith cypher --list` shows them") from None
    return parse_header(name, lines)


def list_queries() -> list[AnalyticsQuery]:
    return [load(name) for name in query_names()]


def parse_assignments(assignments: Sequence[str]) -> dict[str, str]:
    """`name=value` texts from `--param`, as a mapping (a leading `$` on the name is allowed)."""
    values: dict[str, str] = {}
    for item in assignments:
        key, sep, raw = item.partition("=")
        key = key.strip().removeprefix("$")
        if not sep or not key:
            raise BadParameter(f"--param {item!r}: write it as name=value")
        values[key] = raw
    return values


async def execute_read(database: Database, text: str, params: Mapping[str, Any]) -> Result:
    """Runs Cypher in READ access mode: Neo4j refuses any write in it, and nothing changes."""
    try:
        records, _, keys = await database.driver.execute_query(
            Query(text),  # run_query passes only the text of cypher/analytics/ files, never input
            dict(params),
            routing_=RoutingControl.READ,
            database_=database.settings.neo4j_database,
        )
    except ClientError as error:
        if error.code == ACCESS_MODE_ERROR:
            raise WriteRefused(
                "this query tries to write, and analytics queries may only read: nothing was changed"
            ) from error
        raise QueryFailed(f"Neo4j refused the query: {error.message}") from error
    except (ServiceUnavailable, SessionExpired, Neo4jDatabaseUnavailable, OSError) as error:
        raise DatabaseUnavailable(f"Neo4j is not answering: {error}") from error
    except Neo4jError as error:
        raise QueryFailed(f"Neo4j could not run the query: {error.message}") from error
    return Result(columns=list(keys), rows=[{key: plain(record[key]) for key in keys} for record in records])


async def run_query(database: Database, name: str, params: Mapping[str, Any] | None = None) -> Result:
    """Runs the named analytics query with its parameters (defaults filled in from its header)."""
    query = load(name)
    bound = query.bind(params)
    try:
        return await execute_read(database, statement(f"{ANALYTICS}/{name}"), bound)
    except QueryFailed as error:
        raise type(error)(f"{name}: {error}") from error


def plain(value: Any) -> Any:
    """A Neo4j value as plain JSON-friendly Python: temporal values become ISO 8601 text."""
    if isinstance(value, Date):
        return value.iso_format()
    if isinstance(value, DateTime | Time):
        return value.to_native().isoformat()
    if isinstance(value, Duration):
        return value.iso_format()
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return ", ".join(str(item) for item in value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def render(result: Result, format: str) -> str:
    """The rows as CSV or JSON text (tables go to a console, see `print_table`)."""
    if format == "json":
        return json.dumps(result.rows, indent=2, ensure_ascii=False) + "\n"
    if format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            # Lists and maps keep their structure as JSON so a spreadsheet cell can still be parsed.
            writer.writerow(
                [
                    json.dumps(row[c]) if isinstance(row[c], list | dict) else _cell(row[c])
                    for c in result.columns
                ]
            )
        return out.getvalue()
    raise BadParameter(f"--format {format!r}: choose one of {', '.join(FORMATS)}")


def print_table(result: Result, console: Console, title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for column in result.columns:
        numeric = any(
            isinstance(row[column], int | float) and not isinstance(row[column], bool) for row in result.rows
        )
        table.add_column(column, justify="right" if numeric else "left")
    for row in result.rows:
        table.add_row(*(_cell(row[column]) for column in result.columns))
    console.print(table)


def _catalogue() -> Result:
    rows = [
        {
            "name": query.name,
            "question": query.question,
            "params": [
                {
                    "name": p.name,
                    "type": p.type,
                    "default": p.default,
                    "required": p.required,
                    "description": p.description,
                }
                for p in query.params
            ],
            "returns": query.returns,
        }
        for query in list_queries()
    ]
    return Result(columns=["name", "question", "params", "returns"], rows=rows)


def _print_catalogue(catalogue: Result, console: Console) -> None:
    table = Table(title="kith cypher NAME [--param name=value ...]")
    table.add_column("name", no_wrap=True)
    table.add_column("question")
    table.add_column("params")
    for row in catalogue.rows:
        params = ", ".join(
            f"{p['name']}={'…' if p['required'] else json.dumps(p['default'])}" for p in row["params"]
        )
        table.add_row(row["name"], row["question"], params)
    console.print(table)


def _run_from_command_line(name: str, assignments: Sequence[str]) -> Result:
    values = parse_assignments(assignments)
    # Bad names and parameters are reported before any connection is attempted.
    load(name).bind(values)

    async def work() -> Result:
        async with Database(get_settings()) as database:
            return await run_query(database, name, values)

    return asyncio.run(work())


def cypher_command(
    name: Annotated[str | None, typer.Argument(help="The query to run (see --list).")] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", help="name=value for one of the query's parameters; repeatable."),
    ] = None,
    format: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    list_: Annotated[bool, typer.Option("--list", help="List the queries with their questions.")] = False,
) -> None:
    """Runs a named analyst query from cypher/analytics/, read-only."""
    err = Console(stderr=True)
    out = Console()
    try:
        if format not in FORMATS:
            raise BadParameter(f"--format {format!r}: choose one of {', '.join(FORMATS)}")
        if list_:
            catalogue = _catalogue()
            if format == "table":
                _print_catalogue(catalogue, out)
            else:
                sys.stdout.write(render(catalogue, format))
            return
        if name is None:
            raise BadParameter("name a query to run, or pass --list to see them")
        result = _run_from_command_line(name, param or [])
    except (UnknownAnalyticsQuery, BadParameter) as error:
        err.print(f"[red]error:[/red] {error}", highlight=False)
        raise typer.Exit(2) from None
    except DatabaseUnavailable as error:
        err.print(f"[red]error:[/red] {error}\nIs Neo4j running? Try `kith neo4j start`.", highlight=False)
        raise typer.Exit(1) from None
    except AnalyticsError as error:
        err.print(f"[red]error:[/red] {error}", highlight=False)
        raise typer.Exit(1) from None
    if format == "table":
        print_table(result, out, title=load(name).question)
        err.print(f"{len(result.rows)} row{'' if len(result.rows) == 1 else 's'}", highlight=False)
    else:
        sys.stdout.write(render(result, format))
