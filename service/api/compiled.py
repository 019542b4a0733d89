"""Compiled execution of query documents: graphql-core's per-field machinery skipped on the happy path.

A 360 query completes about 125 fields, and graphql-core spends some 4 us on each (a `Path`, a
`GraphQLResolveInfo`, argument coercion, the middleware lookup, awaitable checks, the completion
dispatch on the field's type, strawberry's resolver wrapper): with the row in memory, executing the
360 cost 0.71 ms of CPU that way, more than reading the row from the driver (0.53 ms), and 0.32 ms
from a plan. Clients send the same few documents again and again, so each (operation, values of its
@skip/@include variables) is turned once into a plan: per field its response key, how to get its
value (a plain attribute read where strawberry would only `getattr`; the resolver function itself
where it takes the source alone, or `Info` and arguments strawberry would hand on unconverted;
otherwise strawberry's resolver with graphql-core's `info` and arguments) and how to complete it
(String and ID text as it is, leaf coercion, list, sub-plan). Each selection of a plan runs as a
function generated for it (`service.api.generated`).

Only the happy path is compiled. When a resolver raises or returns an exception, a non-null field
comes out null, a value is not what its type expects, or anything else would make graphql-core
report an error, the compiled result is thrown away and the operation runs again through
graphql-core, so errors, their codes, paths and partial data are exactly graphql-core's. That is
safe because only queries are compiled, and a query reads: running its resolvers twice changes
nothing (the request's DataLoaders even answer the second run from what the first one loaded). The
one query field that writes (the export, which is audited) carries `WRITES` in its metadata and is
never compiled.

Documents the plan does not cover (mutations, subscriptions, introspection, directives other than
@skip and @include, abstract types, fields that write, field middleware, an abort signal) run
through graphql-core.

Example:
    strawberry.Schema(query=Query, execution_context_class=CompilingExecutor)
"""

from __future__ import annotations

from asyncio import gather
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from inspect import iscoroutine
from typing import Any, NamedTuple, TypeVar

from graphql import (
    DirectiveNode,
    FragmentDefinitionNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
    OperationType,
    Undefined,
    VariableNode,
    Visitor,
    is_leaf_type,
    visit,
)
from graphql.execution.collect_fields import (
    CollectedFields,
    FieldDetailsList,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path
from strawberry.relay import GlobalID
from strawberry.scalars import is_scalar
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import Info
from strawberry.types.base import StrawberryMaybe, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.field import StrawberryField
from strawberry.types.fields.resolver import StrawberryResolver

from service.api.generated import Fill, fill_function
from service.api.observability import GRAPHQL_EXECUTIONS
from service.api.validation_cache import MAX_TEXTS

T = TypeVar("T")
SWITCHES = frozenset({"skip", "include"})
# Field metadata of a query field whose resolver writes (the audited export): a document asking for it
# is never compiled, since a rerun would write twice.
WRITES = "kith.writes"
# Plans kept per operation, one per combination of @skip/@include values met: a document with many
# switch variables could otherwise grow memory without bound; the rest runs through graphql-core.
MAX_PLANS = 16
# Bound once: looking a labelled child up costs a microsecond a request.
COMPILED, RERUN, GRAPHQL_CORE = (
    GRAPHQL_EXECUTIONS.labels(path) for path in ("compiled", "rerun", "graphql-core")
)


class Unsupported(Exception):
    """The document uses something the plan does not cover: it runs through graphql-core."""


class _OperationKey:
    """An operation known by identity, with the fragments it may use: graphql-core's nodes hash their
    whole subtree (34 us for the 360), and the parser cache hands out the same document for a text."""

    __slots__ = ("fragments", "operation", "schema")

    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.fragments = fragments

    def __hash__(self) -> int:
        return hash((id(self.schema), id(self.operation)))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _OperationKey)
            and other.schema is self.schema
            and other.operation is self.operation
        )


@dataclass(frozen=True)
class Output:
    """How a value of one output type is completed: exactly one of leaf, item and selection is set."""

    non_null: bool
    leaf: Any = None  # GraphQLLeafType: its coerce_output_value
    item: Output | None = None
    selection: Selection | None = None

    @cached_property
    def resolvers(self) -> bool:
        """Does completing a value call resolvers of their own? Only those read the path (`info`)."""
        if self.item is not None:
            return self.item.resolvers
        return self.selection is not None and any(
            field.needs_info or field.output.resolvers for field in self.selection.fields
        )


@dataclass(frozen=True)
class Field:
    """One response key of a selection: where its value comes from and how it is completed."""

    key: str
    output: Output
    definition: Any = None  # GraphQLField (None for __typename)
    details: FieldDetailsList = field(default_factory=list)
    resolve: Callable[..., Any] | None = None
    # strawberry reads a field without a resolver with `getattr` (its default resolver): no info, no
    # arguments, no wrapper calls; `__typename` is the parent type's name
    attribute: str | None = None
    # a resolver that takes the source object alone (no info, arguments or extensions): called as it
    # is, without strawberry's wrapper (argument conversion, `Info`, the extension chain)
    method: Callable[[Any], Any] | None = None
    # a resolver that takes `Info` or arguments strawberry hands on as graphql-core coerced them:
    # called without strawberry's wrapper too
    direct: Direct | None = None
    has_arguments: bool = False
    path: bool = False  # a path is made for this field: its resolver or those below read it

    @property
    def needs_info(self) -> bool:
        """Is graphql-core's `info` (and so the path) made for this field?"""
        if self.direct is not None:
            return self.direct.info is not None
        return self.attribute is None and self.method is None

    @cached_property
    def nodes(self) -> list[Any]:
        return [details.node for details in self.details]


@dataclass(frozen=True)
class Selection:
    type: GraphQLObjectType
    fields: tuple[Field, ...]

    @cached_property
    def fill(self) -> Fill:
        """The function that fills a response dict for this selection (`service.api.generated`)."""
        return fill_function(self)


@dataclass
class Operation:
    """What is known of one operation: the variables its @skip/@include read (None when it is not
    compiled), and a plan per combination of their values (None where a plan is not possible)."""

    switches: tuple[str, ...] | None
    plans: dict[tuple[Any, ...], Selection | None] = field(default_factory=dict)


class _Directives(Visitor):
    """The variables @skip/@include read; `other` when any other directive is used."""

    def __init__(self) -> None:
        super().__init__()
        self.variables: set[str] = set()
        self.other = False

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        self.other = self.other or node.name.value not in SWITCHES
        self.variables.update(
            argument.value.name.value
            for argument in node.arguments or ()
            if isinstance(argument.value, VariableNode)
        )


@lru_cache(maxsize=MAX_TEXTS)
def _operation(key: _OperationKey) -> Operation:
    directives = _Directives()
    for node in (key.operation, *key.fragments.values()):
        visit(node, directives)
    return Operation(None if directives.other else tuple(sorted(directives.variables)))


class CompilingExecutor(StrawberryGraphQLCoreExecutionContext):
    """strawberry's executor, answering queries from a compiled plan when it has one."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        plan = self._plan()
        if plan is None:
            GRAPHQL_CORE.inc()
            return super().execute_operation(serially)
        run = _Run(self)
        try:
            data = plan.fill(run, self.root_value, None)
        except Exception:  # any error: graphql-core reports it (module docstring)
            return run.discarded(lambda: super(CompilingExecutor, self).execute_operation(serially))
        if run.pending:
            return self._settled(run, data, serially)
        COMPILED.inc()
        return self.build_response(data)

    async def _settled(self, run: _Run, data: dict[str, Any], serially: bool | None) -> Any:
        try:
            await run.settle()
        except Exception:  # any error: graphql-core reports it (module docstring)
            result = run.discarded(lambda: super(CompilingExecutor, self).execute_operation(serially))
            return await result if self.is_awaitable(result) else result
        COMPILED.inc()
        return self.build_response(data)

    async def compiled_data(self) -> dict[str, Any] | None:
        """The operation's data from its plan, or None when it has no plan or running it failed; then
        nothing is counted, and the request goes the full way (`service.api.lean`), which counts how
        it ran."""
        plan = self._plan()
        if plan is None:
            return None
        run = _Run(self)
        try:
            data = plan.fill(run, self.root_value, None)
            await run.settle()
        except Exception:  # any error: graphql-core reports it on the full way
            run.close()
            return None
        COMPILED.inc()
        return data

    def _plan(self) -> Selection | None:
        operation = self.operation
        if (
            operation.operation is not OperationType.QUERY
            or operation.directives
            or self.abort_signal is not None
            or self.hooks is not None
            or (self.middleware_manager is not None and self.middleware_manager.middlewares)
        ):
            return None
        known = _operation(_OperationKey(self.schema, operation, self.fragment_definitions))
        if known.switches is None:
            return None
        coerced = self.variable_values.coerced
        switches = tuple(coerced.get(variable) for variable in known.switches)
        if switches not in known.plans:
            if len(known.plans) >= MAX_PLANS:
                return None
            known.plans[switches] = _Planner(self).root()
        return known.plans[switches]


class _Planner:
    """Walks an operation as graphql-core's field collection sees it for this request's switches."""

    def __init__(self, executor: CompilingExecutor) -> None:
        self.executor = executor

    def root(self) -> Selection | None:
        executor = self.executor
        query = executor.schema.query_type
        if query is None:
            return None
        try:
            collected = collect_fields(
                executor.schema,
                executor.fragments,
                executor.variable_values,
                query,
                executor.operation,
                executor.hide_suggestions,
            )
            return self._selection(query, collected)
        except Unsupported:
            return None

    def _selection(self, parent: GraphQLObjectType, collected: CollectedFields) -> Selection:
        grouped, deferred, _ = collected
        if deferred:
            raise Unsupported("@defer")
        return Selection(parent, tuple(self._field(parent, key, details) for key, details in grouped.items()))

    def _field(self, parent: GraphQLObjectType, key: str, details: FieldDetailsList) -> Field:
        if any(item.defer_usage or item.fragment_variable_values for item in details):
            raise Unsupported("@defer or fragment arguments")
        name = details[0].node.name.value
        if name == "__typename":
            return Field(key, Output(True, leaf=GraphQLString), attribute="__typename")
        if name.startswith("__"):
            raise Unsupported("introspection")
        definition = self.executor.schema.get_field(parent, name)
        if definition is None:
            raise Unsupported(f"no field {parent.name}.{name}")
        strawberry_field = definition.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if isinstance(strawberry_field, StrawberryField) and strawberry_field.metadata.get(WRITES):
            raise Unsupported(f"{parent.name}.{name} writes")
        resolve = definition.resolve or self.executor.field_resolver
        output = self._output(definition.type, details)
        plan = Field(
            key,
            output,
            definition,
            details,
            resolve,
            _attribute(strawberry_field, resolve),
            _method(strawberry_field, self.executor.schema),
            _direct(strawberry_field, self.executor.schema),
            has_arguments=bool(definition.args or details[0].node.arguments),
        )
        return replace(plan, path=plan.needs_info or output.resolvers)

    def _output(self, type_: GraphQLOutputType, details: FieldDetailsList) -> Output:
        non_null = isinstance(type_, GraphQLNonNull)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            return Output(non_null, item=self._output(inner.of_type, details))
        if is_leaf_type(inner):
            return Output(non_null, leaf=inner)
        if isinstance(inner, GraphQLObjectType) and inner.is_type_of is None:
            executor = self.executor
            collected = collect_subfields(
                executor.schema,
                executor.fragments,
                executor.variable_values,
                executor.operation,
                inner,
                details,
                executor.hide_suggestions,
            )
            return Output(non_null, selection=self._selection(inner, collected))
        raise Unsupported(f"abstract type {inner}")


def _converter(schema: GraphQLSchema) -> GraphQLCoreConverter | None:
    converter = getattr(getattr(schema, "_strawberry_schema", None), "schema_converter", None)
    return converter if isinstance(converter, GraphQLCoreConverter) else None


def _plain(
    strawberry_field: Any, schema: GraphQLSchema
) -> tuple[StrawberryResolver[Any], Callable[..., Any]] | None:
    """The field's resolver and its function, when strawberry calls it with nothing around it: a field without
    extensions, in a schema without exception handlers (which would wrap the call), a resolver that
    takes no root or parent."""
    converter = _converter(schema)
    if converter is None or converter._exception_handler_specs:
        return None
    if not isinstance(strawberry_field, StrawberryField) or strawberry_field.extensions:
        return None
    resolver = strawberry_field.base_resolver
    if resolver is None or resolver.root_parameter is not None or resolver.parent_parameter is not None:
        return None
    function = resolver.wrapped_func
    return (resolver, function) if callable(function) else None


def _method(strawberry_field: Any, schema: GraphQLSchema) -> Callable[[Any], Any] | None:
    """The resolver function itself, when strawberry would only call it with the source object: a
    plain method without arguments or `info`."""
    plain = _plain(strawberry_field, schema)
    if plain is None:
        return None
    resolver, function = plain
    if resolver.arguments or resolver.self_parameter is None or resolver.info_parameter is not None:
        return None
    return function


@dataclass(frozen=True)
class Direct:
    """A plain resolver called as strawberry's wrapper would call it: the source first for a method,
    `Info` made as strawberry makes it, the arguments under their Python names (strawberry's
    `get_arguments`, for arguments it hands on as graphql-core coerced them).

    Through the wrapper (argument conversion, `Info`, the extension chain, a partial per call) a
    call cost some 6 us; a 360 makes five to ten of them: executing it with the row in hand took
    188-191 us of CPU this way, 217-223 us through the wrapper."""

    function: Callable[..., Any]
    field: StrawberryField
    info_class: type[Info[Any, Any]]
    info: str | None  # the name of its `info` parameter, if it takes one
    method: bool
    names: tuple[tuple[str, str], ...]  # (GraphQL name, Python name) of each argument

    def __call__(self, source: Any, info: Any, arguments: dict[str, Any]) -> Any:
        kwargs = {python: arguments[name] for name, python in self.names if name in arguments}
        if self.info is not None:
            kwargs[self.info] = self.info_class(_raw_info=info, _field=self.field)
        return self.function(source, **kwargs) if self.method else self.function(**kwargs)


def _direct(strawberry_field: Any, schema: GraphQLSchema) -> Direct | None:
    plain = _plain(strawberry_field, schema)
    converter = _converter(schema)
    if plain is None or converter is None:
        return None
    resolver, function = plain
    registry = converter.scalar_registry
    if not all(_as_coerced(argument.type, registry) for argument in strawberry_field.arguments):
        return None
    config = converter.config
    names = tuple(
        (config.name_converter.from_argument(argument), argument.python_name)
        for argument in strawberry_field.arguments
    )
    info = resolver.info_parameter
    return Direct(
        function,
        strawberry_field,
        config.info_class,
        None if info is None else info.name,
        resolver.self_parameter is not None,
        names,
    )


def _as_coerced(type_: Any, registry: Any) -> bool:
    """Does strawberry's `convert_argument` hand a value of this type on as it is? Scalars other than
    GlobalID and enums, optional or not; not lists, inputs or `Maybe` (which wrap or build)."""
    if isinstance(type_, StrawberryMaybe):
        return False
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    if isinstance(type_, StrawberryEnumDefinition) or has_enum_definition(type_):
        return True
    return type_ is not GlobalID and is_scalar(type_, registry)


def _attribute(strawberry_field: Any, resolve: Callable[..., Any]) -> str | None:
    """The attribute strawberry's resolver of this field reads with plain `getattr`, if that is all it
    does (a field without a resolver or extensions, and the default `default_resolver`)."""
    if (
        getattr(resolve, "_is_default", False)
        and isinstance(strawberry_field, StrawberryField)
        and strawberry_field.default_resolver is getattr
    ):
        return strawberry_field.python_name
    return None


class _Pending(NamedTuple):
    awaitable: Awaitable[Any]
    into: dict[str, Any] | list[Any]
    key: Any
    output: Output
    path: Path | None


class _Run:
    """One execution of a plan: synchronous values completed at once, awaitables a level at a time
    (all of a level gathered together, so DataLoaders still batch)."""

    def __init__(self, executor: CompilingExecutor) -> None:
        self.executor = executor
        self.is_awaitable = executor.is_awaitable
        self.pending: list[_Pending] = []

    def resolve(self, item: Field, parent: GraphQLObjectType, source: Any, path: Path | None) -> Any:
        """The value of a field that has a resolver of its own, called as graphql-core would call it
        (`info` made only when the resolver or one below reads the path)."""
        executor = self.executor
        assert item.resolve is not None
        info = (
            None if path is None else executor.build_resolve_info(item.definition, item.nodes, parent, path)
        )
        arguments = (
            get_argument_values(
                item.definition,
                item.details[0].node,
                executor.variable_values,
                None,
                executor.hide_suggestions,
            )
            if item.has_arguments
            else {}
        )
        if item.direct is not None:
            return item.direct(source, info, arguments)
        return item.resolve(source, info, **arguments)

    def put(
        self, into: dict[str, Any] | list[Any], key: Any, output: Output, value: Any, path: Path | None
    ) -> None:
        if self.is_awaitable(value):
            into[key] = None  # keeps graphql-core's key order; the value comes in `settle`
            self.pending.append(_Pending(value, into, key, output, path))
        else:
            into[key] = self.complete(output, value, path)

    def complete(self, output: Output, value: Any, path: Path | None) -> Any:
        if value is None or value is Undefined:
            if output.non_null:
                raise ValueError("null in a non-null field")
            return None
        if isinstance(value, Exception):
            raise value
        if output.leaf is not None:
            coerced = output.leaf.coerce_output_value(value)
            if coerced is None or coerced is Undefined:
                raise ValueError("a leaf value graphql-core would not coerce")
            return coerced
        if output.item is not None:
            if not isinstance(value, list | tuple):
                raise TypeError("a list graphql-core would read as an iterable")
            item = output.item
            paths = item.resolvers
            items: list[Any] = [None] * len(value)
            for index, element in enumerate(value):
                self.put(items, index, item, element, Path(path, index, None) if paths else None)
            return items
        assert output.selection is not None
        return output.selection.fill(self, value, path)

    async def settle(self) -> None:
        while self.pending:
            level, self.pending = self.pending, []
            if len(level) == 1:
                values = [await level[0].awaitable]
            else:
                values = await gather(*(item.awaitable for item in level), return_exceptions=True)
            for item, value in zip(level, values, strict=True):
                if isinstance(value, BaseException):
                    raise value
                item.into[item.key] = self.complete(item.output, value, item.path)

    def close(self) -> None:
        """Closes the awaitables never awaited (a coroutine dropped unawaited warns; a loader's future
        is the same one a rerun gets)."""
        for item in self.pending:
            if iscoroutine(item.awaitable):
                item.awaitable.close()
        self.pending = []

    def discarded(self, rerun: Callable[[], T]) -> T:
        """Runs the operation again through graphql-core, once this run is closed."""
        self.close()
        RERUN.inc()
        return rerun()
