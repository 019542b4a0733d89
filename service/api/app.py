"""The Starlette application: GraphQL at /graphql, health at /healthz and /readyz.

Example:
    uvicorn --factory service.api.app:create_app
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from service.api.auth import ApiKeyMiddleware
from service.api.graphql import graphql_app
from service.api.observability import RequestLogMiddleware
from service.config import Settings, get_settings
from service.graph.database import Database


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    database: Database = request.app.state.database
    reason = await database.ping()
    if reason is not None:
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    return JSONResponse({"status": "ready"})


async def metrics(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def settle_heap() -> None:
    """Moves what start-up built (modules, the schema, settings) out of the garbage collector's sight.

    Those objects live as long as the process; a full collection would walk all of them every time
    and pause whatever request is running for 100 ms or more.
    """
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.database = Database(settings)
        settle_heap()
        try:
            yield
        finally:
            await app.state.database.close()

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/graphql", graphql_app(settings), methods=["GET", "POST"]),
        ],
        middleware=[Middleware(RequestLogMiddleware), Middleware(ApiKeyMiddleware, keys=settings.api_keys)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
