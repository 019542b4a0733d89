"""The strawberry ASGI endpoint: context per request, coded errors, GraphiQL by setting; known queries
take the lean path (`service.api.lean`)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from service.api import lean
from service.api.access import Access, Role
from service.api.context import Context
from service.api.errors import coded
from service.api.schema import build_schema
from service.audit import Actor
from service.config import Settings


class KithGraphQL(GraphQL[Context, None]):
    def __init__(self, settings: Settings) -> None:
        schema = build_schema(introspection=settings.kith_introspection)
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.kith_graphiql else None,
            allow_queries_via_get=False,
        )
        self.settings = settings
        self.graphql_schema = schema._schema
        # An HTTP stream transport would answer by the Accept header, which the lean path does not read.
        self.lean = not self._stream_transport_map

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        if self.lean and lean.json_body(scope):
            body, receive = await lean.read_body(receive)
            try:
                answered = await lean.answer(self.graphql_schema, body, self.context(Request(scope, receive)))
            except Exception:  # the full way meets it again and answers in strawberry's own shape
                answered = None
            if answered is not None:
                await send(lean.start(answered))
                await send({"type": "http.response.body", "body": answered})
                return
        lean.STRAWBERRY.inc()
        await super().__call__(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return self.context(request)

    def context(self, request: Request | WebSocket) -> Context:
        return Context(
            request=request,
            database=request.app.state.database,
            settings=self.settings,
            access=Access(Role(request.scope.get("kith.role", Role.ADMIN))),
            actor=Actor(request.scope.get("kith.actor", "local")),
        )

    def encode_json(self, data: object) -> bytes:
        # orjson writes a 360's response in a tenth of the json module's 30 us; the same JSON (UTF-8
        # text instead of \u escapes, which JSON reads alike)
        return orjson.dumps(data)

    async def get_root_value(self, request: Request | WebSocket) -> None:
        return None

    async def process_result(
        self, request: Request | WebSocket, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            request_id = request.scope.get("kith.request_id", "-")
            response["errors"] = [coded(error, request_id) for error in result.errors]
        return response


def graphql_app(settings: Settings) -> Any:
    return KithGraphQL(settings)
