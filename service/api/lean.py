"""The lean path: a query document the service already knows, answered without strawberry's pipeline.

Clients send the same few documents again and again. Once strawberry has parsed and validated a
query text (with the schema's limits) and started executing it, the text is known; a later POST of
it is answered here: the JSON body decoded with orjson, the context built as the view builds it,
variables coerced by graphql-core, the compiled plan run (`service.api.compiled`), the operation
counted and timed as `OperationMetrics` does, and `{"data": ...}` written with the view's headers.
That leaves out strawberry's HTTP view (request adapter, sub-response, body reading) and
`schema.execute` (execution context, extension instances and their hooks per request): with the app
called in-process, the CPU a 360 cost over the driver's read of the same row fell from 720 to 490 us.

Anything else goes through strawberry unchanged, so behaviour and error shapes stay its own: a text
seen for the first time, GET, another content type, a batch, a body orjson refuses or of another
shape, an operation a plan does not cover (mutations, introspection, the export), variables that do
not coerce, and any error while the plan runs (a query only reads, so running it again there changes
nothing, as for the compiled path's own rerun).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeGuard, cast

import orjson
from graphql import DocumentNode, GraphQLSchema
from prometheus_client import Counter
from starlette.types import Message, Receive, Scope
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.extensions import SchemaExtension

from service.api.compiled import CompilingExecutor
from service.api.context import Context
from service.api.observability import record_operation
from service.api.validation_cache import MAX_TEXTS

GRAPHQL_VIEWS = Counter(
    "kith_graphql_views_total",
    "GraphQL HTTP requests by the view that answered: `lean` (a known query, from its plan) or "
    "`strawberry` (everything else)",
    ["view"],
)
LEAN, STRAWBERRY = (GRAPHQL_VIEWS.labels(view) for view in ("lean", "strawberry"))
# strawberry's test for awaitables, as its `schema.execute` passes it (typed as a plain bool test)
IS_AWAITABLE = cast("Callable[[Any], TypeGuard[Awaitable[Any]]]", optimized_is_awaitable)
# What strawberry's view adds to a GraphQL response of its own (`create_response`).
JSON_TYPE = (b"content-type", b"application/json")


class _KnownTexts:
    """Query texts strawberry has validated and begun to execute, by schema (LRU, like its caches)."""

    def __init__(self) -> None:
        self.documents: OrderedDict[tuple[GraphQLSchema, str], DocumentNode] = OrderedDict()

    def add(self, schema: GraphQLSchema, text: str, document: DocumentNode) -> None:
        self.documents[schema, text] = document
        self.documents.move_to_end((schema, text))
        if len(self.documents) > MAX_TEXTS:
            self.documents.popitem(last=False)

    def get(self, schema: GraphQLSchema, text: str) -> DocumentNode | None:
        return self.documents.get((schema, text))


KNOWN = _KnownTexts()


class KnownDocuments(SchemaExtension):
    """Marks a text as known once it passed parsing and validation: only then does execution start."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.query and context.graphql_document is not None:
            KNOWN.add(context.schema._schema, context.query, context.graphql_document)
        yield


def json_body(scope: Scope) -> bool:
    """A POST of `application/json`, which strawberry's view also reads as one JSON body."""
    if scope["method"] != "POST":
        return False
    for name, value in scope["headers"]:
        if name.lower() == b"content-type":
            # as written: strawberry's view compares the media type without folding its case
            media_type: bytes = value.split(b";", 1)[0].strip()
            return media_type == b"application/json"
    return False


async def read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The request body, and a `receive` that hands the same messages again to whoever reads next."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    body = b"".join(message.get("body", b"") for message in messages)

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return body, replay


def _request(body: bytes) -> tuple[str, dict[str, Any] | None, str | None, Any] | None:
    """(query, variables, operation name, extensions) of a single operation, or None when strawberry
    must judge the body (orjson is stricter than `json`, so what it reads `json` reads alike)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    query, variables = data.get("query"), data.get("variables")
    name, extensions = data.get("operationName"), data.get("extensions")
    if (
        not isinstance(query, str)
        or not isinstance(variables, dict | None)
        or not isinstance(name, str | None)
        or not isinstance(extensions, dict | None)
    ):
        return None
    return query, variables, name, extensions


async def answer(schema: GraphQLSchema, body: bytes, context: Context) -> bytes | None:
    """The response body to a known query, or None when strawberry's path must answer."""
    started = time.perf_counter()
    request = _request(body)
    if request is None:
        return None
    query, variables, name, extensions = request
    document = KNOWN.get(schema, query)
    if document is None:
        return None
    executor = CompilingExecutor.build(
        schema,
        document,
        None,
        context,
        variables,
        name,
        is_awaitable=IS_AWAITABLE,
        operation_extensions=extensions,
    )
    if not isinstance(executor, CompilingExecutor):  # variables that do not coerce: strawberry says so
        return None
    data = await executor.compiled_data()
    if data is None:
        return None
    operation = executor.operation.name
    record_operation(name or (operation.value if operation else None), time.perf_counter() - started, True)
    LEAN.inc()
    return orjson.dumps({"data": data})


def start(body: bytes) -> Message:
    """The response head strawberry's view sends with a JSON body (Starlette's `Response`)."""
    headers = [(b"content-length", str(len(body)).encode()), JSON_TYPE]
    return {"type": "http.response.start", "status": 200, "headers": headers}
