"""A selection of a compiled plan turned into Python source: one straight function per selection.

Walking a plan field by field paid, for each of a 360's ~130 values, a loop turn, a dispatch on how
the value is found, an awaitable check and a completion call. With the app called in-process on the
benchmark graph, the CPU a 360 costs once its row has arrived fell from 523 to 393 us (median, on a
VM where the driver's read of that row costs 900 us) when the walk gave way to these functions,
which build the same response. The generated function reads each
value the way its field says (attribute, method or resolver) and stores it at once when its type is
the one its GraphQL type takes as it is: `str` for String and ID, `int` within 32 bits for Int, a
finite `float` for Float, `bool` for Boolean, a member of the enum for an enum, the strawberry class
for an object (filled by its own function), a `list` for a list. Anything else (None in a non-null
field, an awaitable, an exception, another type) goes the general way, `run.put`, which completes
it exactly as before or hands the operation to graphql-core. So the output is the plan walk's, value
for value, only sooner.

Names in the source are the generator's own; everything the schema or the document names (keys,
types, fields, enum names) is passed in as a constant, never written into the text, except an
attribute read, whose name is a Python identifier by construction and checked to be one.

Example (the function generated for `{ name ratio }` on a type whose `name: str`, `ratio: float | None`):

    def fill(run, source, path):
        data = {}
        value = source.name
        if type(value) is str:
            data[K3] = value
        else:
            run.put(data, K3, O4, value, None)
        value = source.ratio
        if value is None:
            data[K5] = None
        elif type(value) is float and isfinite(value):
            data[K5] = value
        else:
            run.put(data, K5, O6, value, None)
        return data
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from math import isfinite
from typing import TYPE_CHECKING, Any

from graphql import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLString,
)
from graphql.pyutils import Path
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter

if TYPE_CHECKING:
    from service.api.compiled import Field, Output, Selection

Fill = Callable[[Any, Any, "Path | None"], dict[str, Any]]


class _Source:
    """The lines of one function and the constants it reads."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {"Path": Path, "isfinite": isfinite}

    def constant(self, prefix: str, value: Any) -> str:
        name = f"{prefix}{len(self.constants)}"
        self.constants[name] = value
        return name

    def line(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)


def fill_function(selection: Selection) -> Fill:
    """The function that fills a response dict for `selection` from a source object:
    `fill(run, source, path)`, `run` being the `compiled._Run` that completes what it does not."""
    source = _Source()
    parent = source.constant("T", selection.type)
    source.line(0, "def fill(run, source, path):")
    source.line(1, "data = {}")
    for field in selection.fields:
        key = source.constant("K", field.key)
        path = "None"
        if field.path:
            source.line(1, f"field_path = Path(path, {key}, {parent}.name)")
            path = "field_path"
        source.line(1, f"value = {_value(source, field, parent, path)}")
        _store(source, 1, field.output, "data", key, "value", path, 0)
    source.line(1, "return data")
    namespace: dict[str, Any] = dict(source.constants)
    exec(compile("\n".join(source.lines), f"<fill {selection.type.name}>", "exec"), namespace)
    fill: Fill = namespace["fill"]
    return fill


def _value(source: _Source, field: Field, parent: str, path: str) -> str:
    """The expression of a field's value."""
    if field.attribute == "__typename":
        return f"{parent}.name"
    if field.attribute is not None:
        if field.attribute.isidentifier() and not keyword.iskeyword(field.attribute):
            return f"source.{field.attribute}"
        return f"getattr(source, {source.constant('A', field.attribute)})"
    if field.method is not None:
        return f"{source.constant('M', field.method)}(source)"
    return f"run.resolve({source.constant('F', field)}, {parent}, source, {path})"


def _store(
    source: _Source, depth: int, output: Output, into: str, key: str, value: str, path: str, level: int
) -> None:
    """Lines storing `value` at `into[key]` as `run.complete` would: at once when the value is of the
    type its output takes as it is, else the general way."""
    test = "if"
    if not output.non_null:
        source.line(depth, f"if {value} is None:")
        source.line(depth + 1, f"{into}[{key}] = None")
        test = "elif"
    if output.leaf is not None:
        plain = _plain_leaf(source, output.leaf, value)
        if plain is not None:
            condition, stored = plain
            source.line(depth, f"{test} {condition}:")
            source.line(depth + 1, f"{into}[{key}] = {stored}")
            test = "elif"
    elif output.item is not None:
        items, index, element = f"items{level}", f"index{level}", f"element{level}"
        source.line(depth, f"{test} type({value}) is list:")
        source.line(depth + 1, f"{items} = [None] * len({value})")
        source.line(depth + 1, f"for {index}, {element} in enumerate({value}):")
        element_path = f"Path({path}, {index}, None)" if output.item.resolvers else "None"
        _store(source, depth + 2, output.item, items, index, element, element_path, level + 1)
        source.line(depth + 1, f"{into}[{key}] = {items}")
        test = "elif"
    elif output.selection is not None:
        definition = output.selection.type.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        origin = getattr(definition, "origin", None)
        if isinstance(origin, type):
            fill = source.constant("S", output.selection.fill)
            source.line(depth, f"{test} type({value}) is {source.constant('C', origin)}:")
            source.line(depth + 1, f"{into}[{key}] = {fill}(run, {value}, {path})")
            test = "elif"
    general = f"run.put({into}, {key}, {source.constant('O', output)}, {value}, {path})"
    if test == "if":
        source.line(depth, general)
    else:
        source.line(depth, "else:")
        source.line(depth + 1, general)


def _plain_leaf(source: _Source, leaf: Any, value: str) -> tuple[str, str] | None:
    """(condition, stored expression) for a leaf value its type takes as it is, or None."""
    if leaf is GraphQLString or leaf is GraphQLID:
        return f"type({value}) is str", value
    if leaf is GraphQLInt:
        return f"type({value}) is int and {GRAPHQL_MIN_INT} <= {value} <= {GRAPHQL_MAX_INT}", value
    if leaf is GraphQLFloat:
        return f"type({value}) is float and isfinite({value})", value
    if leaf is GraphQLBoolean:
        return f"type({value}) is bool", value
    if isinstance(leaf, CustomGraphQLEnumType):
        # The names strawberry's enum type gives each member, asked of it once.
        members: list[Any] = list(leaf.wrapped_cls)
        names = source.constant("V", {member: leaf.coerce_output_value(member) for member in members})
        return f"type({value}) is {source.constant('E', leaf.wrapped_cls)}", f"{names}[{value}]"
    return None
