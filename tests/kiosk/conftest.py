"""Qt fixtures: one qasync loop driven by Qt per test, and a way to run coroutines on it from a sync test.

    def test_x(qtbot, qt_run, kiosk_ctx):
        summary = qt_run(catalog.list_on_sale(kiosk_ctx))

pytest-asyncio's loop is not Qt's: a Qt test opens its ServiceContext on the qt loop (kiosk_ctx), never
through the async `ctx` fixture (asyncpg connections belong to the loop that opened them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync

from core.domain.clock import ManualClock
from core.ops import seed
from core.security.device_keys import DeviceKey
from core.services.context import ServiceContext
from tests.conftest import CLOCK_START
from tests.support import aio, sqlite
from tests.support.context import open_context
from tests.support.kiosk_server import RemoteVenue
from tests.support.kiosk_server import remote_venue as remote_venue_of

T = TypeVar("T")
QtRun = Callable[..., Any]


@pytest.fixture
def qt_loop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    loop = qasync.QEventLoop(qapp, already_running=True)  # Qt drives asyncio
    # A plain thread pool for asyncio.to_thread: qasync's own QThread pool would outlive the test (the loop is
    # never closed, see below) and Qt aborts the process at exit ("QThread: Destroyed while thread is running").
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="qt-loop")
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    yield loop
    executor.shutdown(wait=True)
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    # Never loop.stop() here: qasync would call QApplication.exit() and break the next test (CONVENTIONS.md).
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
    assert not pending, f"tasks left running after the test: {pending}"


@pytest.fixture
def qt_run(qt_loop: asyncio.AbstractEventLoop, qtbot: Any) -> Callable[..., Any]:
    """Run a coroutine to completion on the Qt loop while Qt keeps processing events; return its result."""

    def run(coro: Coroutine[Any, Any, T], timeout: float = 20.0) -> T:
        task = qt_loop.create_task(coro)
        qtbot.waitUntil(task.done, timeout=int(timeout * 1000))
        return task.result()

    return run


def open_on_qt_loop(
    qt_run: QtRun, url: str, clock: Any, *, redis_url: str = ""
) -> tuple[ServiceContext, Any]:
    manager = open_context(url, clock, redis_url=redis_url)
    ctx = qt_run(manager.__aenter__())
    return ctx, manager


@pytest.fixture
def kiosk_clock() -> ManualClock:
    return ManualClock(CLOCK_START)


@pytest.fixture(scope="session")
def device_keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """This test session's kiosk and door keys (file: refs in tmp; never the user's keyring)."""
    folder = tmp_path_factory.mktemp("device-keys")
    return {kind: f"file:{folder / f'{kind}.key'}" for kind in ("kiosk", "door")}


@pytest.fixture(scope="session")
def _demo_template(
    _sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory, device_keys: dict[str, str]
) -> Path:
    path = tmp_path_factory.mktemp("demo-template") / "demo.sqlite3"
    sqlite.clone(_sqlite_template, path)

    async def seed_it() -> None:
        async with open_context(sqlite.url_for(path), ManualClock(CLOCK_START)) as ctx:
            await seed.seed_demo(
                ctx,
                kiosk_key=DeviceKey.load_or_create(device_keys["kiosk"]),
                door_key=DeviceKey.load_or_create(device_keys["door"]),
            )

    aio.run(seed_it())
    return path


@pytest.fixture
def demo_sqlite_url(_demo_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite file with the demo seeded (venue, 4 concerts on sale, staff, approved devices)."""
    target = tmp_path / "demo.sqlite3"
    sqlite.clone(_demo_template, target)
    return sqlite.url_for(target)


@pytest.fixture
def kiosk_ctx(
    demo_sqlite_url: str, qt_run: QtRun, kiosk_clock: ManualClock, device_keys: dict[str, str]
) -> Iterator[ServiceContext]:
    """A ServiceContext over the seeded demo SQLite file, opened on the Qt loop, with a manual clock; its
    device key is the approved demo kiosk's (enrol_this_device finds it), and it is in demo mode."""
    ctx, manager = open_on_qt_loop(qt_run, demo_sqlite_url, kiosk_clock)
    ctx.settings = replace(ctx.settings, device_key_ref=device_keys["kiosk"], demo_mode=True)
    yield ctx
    qt_run(manager.__aexit__(None, None, None))


class ManualMonotonic:
    """A monotonic clock the test moves by hand (idle timers, scanner key timing, camera debounce)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake_time() -> ManualMonotonic:
    return ManualMonotonic()


@pytest.fixture(scope="module")
def remote_venue(
    pg_module_database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RemoteVenue]:
    """One real encore-server (TLS, 1 worker) per module on its own PostgreSQL database and the venue's Redis,
    with the demo seeded. Request it before the Qt loop runs (its set-up runs private event loops)."""
    with remote_venue_of(pg_module_database_url, redis_url, tmp_path_factory.mktemp("venue-server")) as venue:
        yield venue


async def until(check: Callable[[], object], within: float = 10.0) -> None:
    """Wait for a flow's own tasks to get somewhere (they run on this loop), at most ``within`` seconds."""
    async with asyncio.timeout(within):
        while not check():  # noqa: ASYNC110 - polled: reached by the flow's own tasks, whatever they emit
            await asyncio.sleep(0.01)
