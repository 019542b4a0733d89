"""What every resolver can reach: the request and the database."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.websockets import WebSocket

from service.graph.database import Database


@dataclass
class Context:
    request: Request | WebSocket
    database: Database
