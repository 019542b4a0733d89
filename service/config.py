"""Settings from the environment (names fixed by CONTRACT.md), read once per process.

Example:
    >>> settings = Settings(neo4j_uri="bolt://127.0.0.1:7688")
    >>> settings.is_local
    True
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"
    kith_home: Path = Path(".kith")
    kith_default_region: str = "GB"
    kith_api_keys: str = ""
    # The local server's memory: sized so Neo4j and the Python service share a 2-core / 24 GB box.
    kith_neo4j_heap: str = "4g"
    kith_neo4j_pagecache: str = "4g"
    kith_start_timeout: float = Field(default=180.0, gt=0)
    # How long a transaction is retried while Neo4j is unreachable before the command gives up.
    kith_retry_seconds: float = Field(default=30.0, ge=0)
    kith_graphiql: bool = True
    kith_introspection: bool = True
    # Keys the salted hashes of erased people's identifiers (suppression) and the pseudonyms analysts
    # see. Set it in production and keep it safe: a new key makes old suppression entries unmatchable.
    kith_privacy_key: str | None = None

    def password(self) -> str:
        """NEO4J_PASSWORD, else a password generated once and kept under KITH_HOME."""
        return self.neo4j_password or self._generated_secret("neo4j-password")

    def privacy_key(self) -> bytes:
        """KITH_PRIVACY_KEY, else a key generated once and kept under KITH_HOME."""
        return (self.kith_privacy_key or self._generated_secret("privacy-key")).encode()

    def _generated_secret(self, name: str) -> str:
        stored = self.kith_home / name
        if not stored.exists():
            stored.parent.mkdir(parents=True, exist_ok=True)
            stored.write_text(secrets.token_urlsafe(18) + "\n")
            stored.chmod(0o600)
        return stored.read_text().strip()

    @property
    def bolt_host(self) -> str:
        return urlsplit(self.neo4j_uri).hostname or "127.0.0.1"

    @property
    def bolt_port(self) -> int:
        return urlsplit(self.neo4j_uri).port or 7687

    @property
    def is_local(self) -> bool:
        """True when NEO4J_URI names this machine over plain Bolt: Kith then runs the server itself."""
        parts = urlsplit(self.neo4j_uri)
        return parts.scheme in {"bolt", "neo4j"} and (parts.hostname or "") in LOCAL_HOSTS

    @property
    def api_keys(self) -> dict[str, str]:
        """`key:role` pairs from KITH_API_KEYS; empty means authentication is off."""
        pairs = (item.strip() for item in self.kith_api_keys.split(","))
        return dict(pair.split(":", 1) for pair in pairs if pair and ":" in pair)


def get_settings() -> Settings:
    return Settings()
