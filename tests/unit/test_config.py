from __future__ import annotations

from pathlib import Path

from service.config import Settings


def test_local_uri_is_managed_and_remote_is_not() -> None:
    assert Settings(neo4j_uri="bolt://127.0.0.1:7688").is_local
    assert Settings(neo4j_uri="bolt://localhost").bolt_port == 7687
    assert not Settings(neo4j_uri="neo4j+s://abc.databases.neo4j.io").is_local
    assert not Settings(neo4j_uri="bolt://10.0.0.5:7687").is_local


def test_api_keys_parse_key_role_pairs() -> None:
    settings = Settings(kith_api_keys=" k1:admin, k2:support ,bad,")
    assert settings.api_keys == {"k1": "admin", "k2": "support"}
    assert Settings(kith_api_keys="").api_keys == {}


def test_a_generated_password_is_kept_and_reused(tmp_path: Path) -> None:
    settings = Settings(kith_home=tmp_path, neo4j_password=None)
    first = settings.password()
    assert len(first) >= 16
    assert settings.password() == first
    assert (tmp_path / "neo4j-password").stat().st_mode & 0o077 == 0
    assert Settings(kith_home=tmp_path, neo4j_password="given").password() == "given"
