"""The analytics runner without a database: headers, parameters, output formats and `kith cypher` errors."""

from __future__ import annotations

import json
import re

import pytest
from neo4j.time import Date, DateTime
from typer import Typer
from typer.testing import CliRunner

from service.analytics import (
    BadParameter,
    HeaderError,
    Result,
    UnknownAnalyticsQuery,
    cypher_command,
    list_queries,
    load,
    parse_assignments,
    parse_header,
    plain,
    render,
)
from service.graph.cypher import statement

PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")


def cli() -> Typer:
    app = Typer()
    app.command()(cypher_command)
    return app


def test_every_query_declares_exactly_the_parameters_its_cypher_uses() -> None:
    queries = list_queries()
    assert len(queries) >= 15
    for query in queries:
        used = set(PARAMETER.findall(statement(f"analytics/{query.name}")))
        assert used == {param.name for param in query.params}, query.name
        assert query.question.endswith("?"), query.name
        assert query.description and query.returns, query.name


def test_param_lines_give_types_defaults_and_meanings() -> None:
    query = parse_header(
        "q",
        [
            "q: How many?",
            "Counts things.",
            "param: $days int = 365 — lapse window in days",
            'param: $label string = "two words" -- a quoted default',
            "param: $since string = null — null means no limit",
            "param: $share float = 0.5",
            "param: $strict bool = false",
            "param: $customer string — required: it has no default",
            "returns: n,",
            "  total",
        ],
    )
    assert query.question == "How many?"
    assert query.description == "Counts things."
    assert query.returns == "n, total"
    assert [(p.name, p.type, p.default, p.required, p.description) for p in query.params] == [
        ("days", "int", 365, False, "lapse window in days"),
        ("label", "string", "two words", False, "a quoted default"),
        ("since", "string", None, False, "null means no limit"),
        ("share", "float", 0.5, False, ""),
        ("strict", "bool", False, False, ""),
        ("customer", "string", None, True, "required: it has no default"),
    ]
    assert query.bind({"customer": "c1", "days": "30", "strict": "yes"}) == {
        "days": 30,
        "label": "two words",
        "since": None,
        "share": 0.5,
        "strict": True,
        "customer": "c1",
    }


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        (["other: Why?", "returns: x"], "must open with"),
        (["q: Why?", "param: $days integer = 3", "returns: x"], "is not `param:"),
        (["q: Why?", "param: days int = 3", "returns: x"], "is not `param:"),
        (["q: Why?", "param: $days int = soon", "returns: x"], "default of"),
        (["q: Why?", 'param: $days int = "3"', "returns: x"], "its default is text"),
        (["q: Why?", "params: $days (int)", "returns: x"], "params: none"),
        (["q: Why?", "param: $a int = 1", "param: $a int = 2", "returns: x"], "twice"),
        (["q: Why?", "params: none"], "returns"),
    ],
)
def test_a_header_that_can_not_be_read_is_refused(lines: list[str], problem: str) -> None:
    with pytest.raises(HeaderError, match=re.escape(problem)):
        parse_header("q", lines)


def test_values_are_checked_against_the_declared_type() -> None:
    query = load("lapsed_high_value")
    assert query.bind({"minSpend": 250})["minSpend"] == 250.0
    assert query.bind({"asOf": "null"})["asOf"] == "null"  # a string parameter keeps the text as given
    with pytest.raises(BadParameter, match=r"\$days takes an int, not True"):
        query.bind({"days": True})
    with pytest.raises(BadParameter, match=r"\$minSpend takes a float, not 'lots'"):
        query.bind({"minSpend": "lots"})
    with pytest.raises(BadParameter, match=r"\$minSpend takes a float"):
        query.bind({"minSpend": "nan"})
    with pytest.raises(BadParameter, match=r"no parameter weeks; it takes \$days \(int, default 365\)"):
        query.bind({"weeks": 3})
    assert query.bind({"days": "null"})["days"] is None


def test_assignments_are_name_equals_value() -> None:
    assert parse_assignments(["$days=30", "asOf=2025-01-01T00:00:00Z", "label=a=b", "empty="]) == {
        "days": "30",
        "asOf": "2025-01-01T00:00:00Z",
        "label": "a=b",
        "empty": "",
    }
    with pytest.raises(BadParameter, match="name=value"):
        parse_assignments(["days"])


def test_only_plain_names_of_existing_queries_load() -> None:
    with pytest.raises(UnknownAnalyticsQuery, match="no query 'nope'"):
        load("nope")
    for name in ("../schema", "analytics/channel_mix", "Channel_Mix", ""):
        with pytest.raises(UnknownAnalyticsQuery):
            load(name)
    # A service query is not an analytics query, even though it is a .cypher file.
    with pytest.raises(UnknownAnalyticsQuery):
        load("customer_by_id")


def test_neo4j_values_become_plain_text_and_formats_render_them() -> None:
    assert plain([Date(2024, 3, 5), {"at": DateTime(2024, 3, 5, 10, 0, 0)}]) == [
        "2024-03-05",
        {"at": "2024-03-05T10:00:00"},
    ]
    result = Result(
        columns=["name", "n", "tags", "missing", "flag"],
        rows=[{"name": "a, b", "n": 1.5, "tags": ["x", "y"], "missing": None, "flag": True}],
    )
    assert render(result, "csv") == 'name,n,tags,missing,flag\n"a, b",1.5,"[""x"", ""y""]",,true\n'
    assert json.loads(render(result, "json")) == result.rows
    with pytest.raises(BadParameter, match="choose one of"):
        render(result, "xml")


def test_kith_cypher_list_names_every_query_with_its_question() -> None:
    ran = CliRunner().invoke(cli(), ["--list", "--format", "json"])
    assert ran.exit_code == 0, ran.output
    listed = {row["name"]: row for row in json.loads(ran.stdout)}
    assert set(listed) == {query.name for query in list_queries()}
    assert listed["lapsed_high_value"]["question"].startswith("Which high-value customers")
    assert {"name": "days", "type": "int", "default": 365, "required": False} in [
        {k: v for k, v in p.items() if k != "description"} for p in listed["lapsed_high_value"]["params"]
    ]

    ran = CliRunner().invoke(cli(), ["--list"])
    assert ran.exit_code == 0, ran.output
    assert "channel_mix" in ran.stdout and "cross_sell_pairs" in ran.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no_such_query"], "there is no query 'no_such_query'"),
        (["comeback_triggers", "--param", "days=soon"], "$days takes an int"),
        (["comeback_triggers", "--param", "weeks=3"], "no parameter weeks"),
        (["comeback_triggers", "--param", "days"], "name=value"),
        (["comeback_triggers", "--format", "xml"], "choose one of table, csv, json"),
        ([], "name a query"),
    ],
)
def test_kith_cypher_refuses_bad_input_before_connecting(args: list[str], message: str) -> None:
    ran = CliRunner().invoke(cli(), args)
    assert ran.exit_code == 2
    assert message in " ".join(ran.output.split())
