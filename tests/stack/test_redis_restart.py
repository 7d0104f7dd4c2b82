"""Redis's ACL users survive a restart of Redis alone: the stack's own start script (server-stack/services,
`encore-service redis`) run twice by the real redis-server, with a fresh /tmp each time (the container's tmpfs)
and the same volume, as compose restarts the container. Offline: no Docker."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import trustme
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import AuthenticationError

from core.events import acl
from tests.support import stack
from tests.support.probes import free_port

ENTRYPOINT = stack.STACK / "services" / "entrypoint.sh"
NAMESPACE = "venue1"


@contextmanager
def _container(volume: Path, tls: dict[str, Path], admin_password: str, port: int) -> Iterator[None]:
    """One life of the redis container: a new, empty /tmp; the volume as the last life left it."""
    run = stack._folder("redis-run")  # removed when this life ends, as the tmpfs is
    env = {
        "ENCORE_SERVICE_CONFIG_DIR": str(stack.STACK),
        "ENCORE_SERVICE_RUN_DIR": str(run),
        "REDIS_DIR": str(volume),
        "REDIS_TLS_PORT": str(port),
        "REDIS_BIND": "127.0.0.1",
        "TLS_CERT": str(tls["cert"]),
        "TLS_KEY": str(tls["key"]),
        "TLS_CA": str(tls["ca"]),
        "REDIS_ADMIN_PASSWORD": admin_password,
    }
    with stack._running("redis", ["sh", str(ENTRYPOINT), "redis"], port, run, env):
        yield


def _client(port: int, ca: Path, user: str, password: str) -> Redis:
    return Redis(
        host="127.0.0.1",
        port=port,
        username=user,
        password=password,
        ssl=True,
        ssl_ca_certs=str(ca),
        socket_timeout=3,
        socket_connect_timeout=3,
        retry=Retry(NoBackoff(), 0),
    )


async def _signs_in(port: int, ca: Path, user: str, password: str) -> bool:
    client = _client(port, ca, user, password)
    try:
        return bool(await client.ping())
    except AuthenticationError:
        return False
    finally:
        await client.aclose()


async def _make_users(port: int, ca: Path, admin_password: str, passwords: dict[str, str]) -> None:
    """What `encore-ops redis-acl` (the migrate service, at `up`) does through the admin user."""
    admin = _client(port, ca, "admin", admin_password)
    try:
        await acl.apply(admin, acl.server_user(NAMESPACE, "server"), passwords["server"])
        await acl.apply(admin, acl.device_user(NAMESPACE, "device"), passwords["device"])
        assert await acl.save(admin)
    finally:
        await admin.aclose()


@pytest.fixture
def tls(tmp_path: Path) -> dict[str, Path]:
    stack.require("redis-server", apt="redis-server")
    stack.require("envsubst", apt="gettext-base")
    folder = tmp_path / "tls"
    folder.mkdir()
    return stack._tls_files(trustme.CA(), folder)


def test_saved_users_survive_a_restart_and_a_changed_admin_password_applies(tmp_path, tls) -> None:
    volume = tmp_path / "volume"
    volume.mkdir()
    port = free_port()
    admin, new_admin = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    passwords = {"server": secrets.token_urlsafe(16), "device": secrets.token_urlsafe(16)}
    with _container(volume, tls, admin, port):
        asyncio.run(_make_users(port, tls["ca"], admin, passwords))
        assert asyncio.run(_signs_in(port, tls["ca"], "device", passwords["device"]))

    with _container(volume, tls, admin, port):  # Redis alone restarts: migrate does not run again
        assert asyncio.run(_signs_in(port, tls["ca"], "device", passwords["device"]))
        assert asyncio.run(_signs_in(port, tls["ca"], "server", passwords["server"]))
        assert asyncio.run(_signs_in(port, tls["ca"], "admin", admin))

    with _container(volume, tls, new_admin, port):  # REDIS_ADMIN_PASSWORD changed in .env
        assert asyncio.run(_signs_in(port, tls["ca"], "admin", new_admin))
        assert not asyncio.run(_signs_in(port, tls["ca"], "admin", admin))
        assert asyncio.run(_signs_in(port, tls["ca"], "device", passwords["device"]))
    saved = (volume / "users.acl").read_text()
    assert saved.count("user admin ") == 1
    assert saved.count("user default ") == 1
    assert passwords["device"] not in saved  # only its SHA-256


def test_control_a_restart_without_the_saved_file_loses_the_users(tmp_path, tls) -> None:
    # As before the fix: the ACL file in the container's /tmp, empty again at the next start.
    port = free_port()
    admin = secrets.token_urlsafe(16)
    passwords = {"server": secrets.token_urlsafe(16), "device": secrets.token_urlsafe(16)}
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    with _container(first, tls, admin, port):
        asyncio.run(_make_users(port, tls["ca"], admin, passwords))
        assert asyncio.run(_signs_in(port, tls["ca"], "device", passwords["device"]))
    with _container(second, tls, admin, port):
        assert not asyncio.run(_signs_in(port, tls["ca"], "device", passwords["device"]))
        assert asyncio.run(_signs_in(port, tls["ca"], "admin", admin))
