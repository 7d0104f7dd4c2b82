"""`encore-ops redis-acl` on the real Redis: both users made for the database's namespace, or nothing at all."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from redis import Redis
from redis.exceptions import NoPermissionError

from core.config import REDIS_NAMESPACE
from core.db import site as site_db
from core.db.engine import create_engine
from core.db.transaction import Database
from core.events.acl import default_user_names
from core.events.protocol import channel
from core.ops import cli
from core.services.context import namespace_of

pytestmark = pytest.mark.redis

SERVER_VAR = f"ENCORE_TEST_ACL_SERVER_{os.getpid()}"
DEVICE_VAR = f"ENCORE_TEST_ACL_DEVICE_{os.getpid()}"


def _instance(url: str) -> str:
    async def read() -> str | None:
        db = Database(create_engine(url))
        try:
            return await db.read(lambda conn: site_db.get(conn, site_db.INSTANCE))
        finally:
            await db.dispose()

    instance = asyncio.run(read())
    assert instance is not None
    return instance


@pytest.fixture
def passwords(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    got = {"server": secrets.token_urlsafe(16), "device": secrets.token_urlsafe(16)}
    monkeypatch.setenv(SERVER_VAR, got["server"])
    monkeypatch.setenv(DEVICE_VAR, got["device"])
    return got


@pytest.fixture
def namespace() -> str:
    """A namespace of our own: ACL users are global to the Redis server (cleanup deletes them after)."""
    return f"cli{os.getpid()}{secrets.token_hex(3)}"


@pytest.fixture
def cleanup(redis_url: str) -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    with Redis.from_url(redis_url) as admin:
        for name in names:
            admin.execute_command("ACL", "DELUSER", name)


def _config(tmp_path: Path, database_url: str, redis_url: str, namespace: str = "") -> str:
    path = tmp_path / "encore.toml"
    lines = [
        f'database_url = "{database_url}"',
        f'redis_url = "{redis_url}"',
        f'redis_password_ref = "env:{SERVER_VAR}"',
    ]
    if namespace:
        lines.append(f'redis_namespace = "{namespace}"')
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _acl_user(redis_url: str, name: str) -> object:
    with Redis.from_url(redis_url) as admin:
        return admin.execute_command("ACL", "GETUSER", name)


def _as(redis_url: str, user: str, password: str) -> Redis:
    parts = urlsplit(redis_url)
    return Redis(host=parts.hostname, port=parts.port or 6379, username=user, password=password)


def test_cli_makes_both_users_for_the_databases_namespace(
    tmp_path: Path,
    sqlite_url: str,
    redis_url: str,
    passwords: dict[str, str],
    cleanup: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    namespace = namespace_of(_instance(sqlite_url))  # derived: no redis_namespace in the config
    assert REDIS_NAMESPACE.fullmatch(namespace)
    server_name, device_name = default_user_names(namespace)
    # Other test processes share the template database (and so this namespace): use our own user names.
    server_name, device_name = f"{server_name}-{os.getpid()}", f"{device_name}-{os.getpid()}"
    cleanup += [server_name, device_name]
    config = _config(tmp_path, sqlite_url, redis_url)
    argv = ["--config", config, "redis-acl", "--device-password-ref", f"env:{DEVICE_VAR}"]
    argv += ["--server-user", server_name, "--device-user", device_name]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert f"Redis namespace {namespace}" in out
    assert passwords["server"] not in out
    assert passwords["device"] not in out
    name = channel(1, namespace)
    with _as(redis_url, device_name, passwords["device"]) as device:
        assert device.ping()
        with pytest.raises(NoPermissionError):
            device.publish(name, b"1|forged")
    with _as(redis_url, server_name, passwords["server"]) as server:
        server.publish(name, b"1|real")  # allowed (no subscriber needed)


def test_cli_takes_the_server_user_from_redis_url_and_a_configured_namespace(
    tmp_path: Path,
    sqlite_url: str,
    redis_url: str,
    passwords: dict[str, str],
    namespace: str,
    cleanup: list[str],
) -> None:
    parts = urlsplit(redis_url)
    server_name = f"encore-{namespace}-api"
    cleanup += [server_name, default_user_names(namespace)[1]]
    server_url = parts._replace(netloc=f"{server_name}@{parts.netloc}").geturl()
    config = _config(tmp_path, sqlite_url, server_url, namespace)
    argv = ["--config", config, "redis-acl", "--device-password-ref", f"env:{DEVICE_VAR}"]
    assert cli.main([*argv, "--admin-url", redis_url]) == 0
    assert _acl_user(redis_url, server_name) is not None
    assert _acl_user(redis_url, default_user_names(namespace)[1]) is not None


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("no device password", "--device-password-ref"),
        ("same password", "must differ from the server's"),
        ("password in admin url", "must not contain a password"),
    ],
)
def test_cli_refusals_change_nothing(
    tmp_path: Path,
    sqlite_url: str,
    redis_url: str,
    passwords: dict[str, str],
    namespace: str,
    cleanup: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    problem: str,
    message: str,
) -> None:
    server_name, device_name = default_user_names(namespace)
    cleanup += [server_name, device_name]
    argv = ["--config", _config(tmp_path, sqlite_url, redis_url, namespace), "redis-acl"]
    if problem != "no device password":
        argv += ["--device-password-ref", f"env:{DEVICE_VAR}"]
    if problem == "same password":
        monkeypatch.setenv(DEVICE_VAR, passwords["server"])
    if problem == "password in admin url":
        argv += ["--admin-url", redis_url.replace("://", "://default:hunter2@")]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "config_invalid" not in err  # the sentence, not the code
    assert passwords["server"] not in err
    assert "hunter2" not in err
    assert _acl_user(redis_url, server_name) is None
    assert _acl_user(redis_url, device_name) is None
