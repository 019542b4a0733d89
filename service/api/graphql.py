"""The strawberry ASGI endpoint: context per request, GraphiQL and introspection by setting."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from service.api.context import Context
from service.api.schema import schema
from service.config import Settings


class KithGraphQL(GraphQL[Context, None]):
    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context(request=request, database=request.app.state.database)

    async def get_root_value(self, request: Request | WebSocket) -> None:
        return None


def graphql_app(settings: Settings) -> Any:
    return KithGraphQL(schema, graphql_ide="graphiql" if settings.kith_graphiql else None)
