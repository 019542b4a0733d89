"""Generated fill functions store the values their types take as they are, and hand the rest to the run."""

from __future__ import annotations

import math
from enum import Enum
from typing import Any

import pytest
import strawberry
from graphql import GraphQLError, parse

from service.api.compiled import CompilingExecutor, Selection, _Run
from service.api.lean import IS_AWAITABLE


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Part:
    name: str


@strawberry.type
class Thing:
    name: str
    count: int
    ratio: float | None
    flag: bool
    colour: Colour
    tags: list[str]
    part: Part | None


@strawberry.type
class Query:
    thing: Thing


DOCUMENT = parse("{ thing { name count ratio flag colour tags part { name } } }")


class RecordingRun(_Run):
    """A run that notes every value it is handed to complete the general way."""

    def __init__(self, executor: CompilingExecutor) -> None:
        super().__init__(executor)
        self.handed: list[Any] = []

    def put(self, into: Any, key: Any, output: Any, value: Any, path: Any) -> None:
        self.handed.append(value)
        super().put(into, key, output, value, path)


def thing_plan() -> tuple[RecordingRun, Selection]:
    schema = strawberry.Schema(query=Query, execution_context_class=CompilingExecutor)
    executor = CompilingExecutor.build(
        schema._schema, DOCUMENT, None, None, {}, None, is_awaitable=IS_AWAITABLE
    )
    assert isinstance(executor, CompilingExecutor)
    root = executor._plan()
    assert root is not None
    [thing] = root.fields
    assert thing.output.selection is not None
    return RecordingRun(executor), thing.output.selection


def thing(**changes: Any) -> Thing:
    values: dict[str, Any] = {
        "name": "lamp",
        "count": 3,
        "ratio": 0.5,
        "flag": True,
        "colour": Colour.BLUE,
        "tags": ["a", "b"],
        "part": Part(name="bulb"),
    }
    return Thing(**{**values, **changes})


def test_values_of_the_types_their_fields_take_are_stored_as_they_are() -> None:
    run, plan = thing_plan()
    data = plan.fill(run, thing(), None)
    assert data == {
        "name": "lamp",
        "count": 3,
        "ratio": 0.5,
        "flag": True,
        "colour": "BLUE",
        "tags": ["a", "b"],
        "part": {"name": "bulb"},
    }
    assert list(data) == ["name", "count", "ratio", "flag", "colour", "tags", "part"]
    assert run.handed == []


def test_nulls_in_nullable_fields_are_stored_without_the_general_way() -> None:
    run, plan = thing_plan()
    data = plan.fill(run, thing(ratio=None, part=None), None)
    assert data["ratio"] is None and data["part"] is None
    assert run.handed == []


def test_other_values_are_completed_the_general_way() -> None:
    run, plan = thing_plan()
    # An int in a Float field is coerced by graphql-core; a tuple is a list it reads as one, item by item.
    data = plan.fill(run, thing(ratio=2, tags=("x",)), None)
    assert data["ratio"] == 2.0 and type(data["ratio"]) is float
    assert data["tags"] == ["x"]
    assert run.handed == [2, ("x",), "x"]


@pytest.mark.parametrize(
    ("changes", "handed"),
    [
        ({"count": 2**40}, 2**40),
        ({"ratio": math.inf}, math.inf),
        ({"name": None}, None),
        ({"flag": "yes"}, "yes"),
        ({"tags": ["a", None]}, None),
    ],
    ids=["int beyond 32 bits", "infinity", "null name", "text flag", "null tag"],
)
def test_values_graphql_core_would_refuse_raise_from_the_general_way(
    changes: dict[str, Any], handed: Any
) -> None:
    run, plan = thing_plan()
    with pytest.raises((GraphQLError, ValueError)):
        plan.fill(run, thing(**changes), None)
    assert run.handed == [handed]
