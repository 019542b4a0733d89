"""Metrics and structured logs for the API: what operators see.

- `/metrics` (Prometheus): GraphQL requests and their latency per operation name and outcome, how
  operations ran (`service.api.compiled`), plus Neo4j query time per named query (recorded in
  `service.graph.database`).
- Logs are JSON lines (structlog), one per request with its request id, method, path, status and
  duration; the id comes from `X-Request-ID` when the caller sends one and is echoed back, so a
  support ticket can quote it and an INTERNAL error can be found in the logs.

Example:
    configure_logging()
    app = Starlette(middleware=[Middleware(RequestLogMiddleware)])
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from collections.abc import Generator
from contextlib import contextmanager
from typing import TextIO

import structlog
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

GRAPHQL_REQUESTS = Counter(
    "kith_graphql_requests_total",
    "GraphQL operations answered, by operation and outcome",
    ["operation", "outcome"],
)
GRAPHQL_SECONDS = Histogram(
    "kith_graphql_request_seconds",
    "Time to answer a GraphQL operation, by operation name",
    ["operation"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)

GRAPHQL_EXECUTIONS = Counter(
    "kith_graphql_executions_total",
    "GraphQL operations by how they ran: `compiled` (a plan), `rerun` (a plan, then graphql-core to "
    "report an error) or `graphql-core` (a document no plan covers)",
    ["path"],
)

log = structlog.get_logger("kith")


def configure_logging(level: int = logging.INFO, stream: TextIO = sys.stderr) -> None:
    """JSON lines on stderr (or `stream`) for structlog and the standard library alike."""
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        # A plain write, not print(): structlog's default logger prints to stdout.
        logger_factory=structlog.WriteLoggerFactory(stream),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)


class OperationMetrics(SchemaExtension):
    """Counts and times every operation under its name (`anonymous` when it has none)."""

    def on_operation(self) -> Generator[None, None, None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        result = context.result
        ok = result is not None and not result.errors
        record_operation(context.operation_name, time.perf_counter() - started, ok)


def record_operation(name: str | None, seconds: float, ok: bool) -> None:
    """One operation answered, under its name (`anonymous` when it has none)."""
    label = name or "anonymous"
    GRAPHQL_SECONDS.labels(label).observe(seconds)
    GRAPHQL_REQUESTS.labels(label, "ok" if ok else "error").inc()


class RequestLogMiddleware:
    """Gives each HTTP request an id, binds it to the logs, and logs the request when it ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
        request_id = headers.get("x-request-id") or uuid.uuid4().hex
        scope["kith.request_id"] = request_id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        with bound(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                log.info(
                    "request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    ms=round((time.perf_counter() - started) * 1000, 2),
                )


@contextmanager
def bound(**values: str) -> Generator[None, None, None]:
    structlog.contextvars.bind_contextvars(**values)
    try:
        yield
    finally:
        structlog.contextvars.unbind_contextvars(*values)
