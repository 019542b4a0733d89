"""API keys: `Authorization: Bearer <key>` against KITH_API_KEYS (`key:role` pairs).

With no keys configured the API is open (a local demo, acting as admin); with keys, a request
without a valid one gets 401 and the contract's UNAUTHENTICATED code, before any GraphQL work is done.
A valid key's role decides what the request may see and do (`service.api.access`).
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from service.api.access import Role

ROLES = frozenset(role.value for role in Role)


def key_holder(authorization: str | None, keys: dict[str, str]) -> tuple[str, str] | None:
    """(role, actor) of the presented key, or None when it is missing or wrong. The actor names the
    key in the audit trail by role and a fingerprint, never by the key itself."""
    if not authorization or not authorization.lower().startswith("bearer "):
        return None
    presented = authorization[7:].strip()
    for key, role in keys.items():
        # Constant-time comparison: response timing must not reveal how much of a key was right.
        if hmac.compare_digest(presented.encode(), key.encode()) and role in ROLES:
            return role, f"{role}:{hashlib.sha256(key.encode()).hexdigest()[:8]}"
    return None


class ApiKeyMiddleware:
    def __init__(self, app: ASGIApp, keys: dict[str, str]) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.keys or not scope["path"].startswith("/graphql"):
            await self.app(scope, receive, send)
            return
        headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
        holder = key_holder(headers.get("authorization"), self.keys)
        if holder is None:
            body = {
                "data": None,
                "errors": [
                    {
                        "message": "Send a valid API key as `Authorization: Bearer <key>`.",
                        "extensions": {"code": "UNAUTHENTICATED"},
                    }
                ],
            }
            response = JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})
            await response(scope, receive, send)
            return
        scope["kith.role"], scope["kith.actor"] = holder
        await self.app(scope, receive, send)
