"""The admin app's fixtures: a qasync loop driven by Qt per test (as the kiosk's tests have theirs: the apps are
independent), a ServiceContext opened on it, an in-memory OS keyring, and the SMTP test server.

pytest-asyncio's loop is not Qt's: a Qt test opens its ServiceContext on the qt loop (admin_ctx), never
through the async ``ctx`` fixture (asyncpg connections belong to the loop that opened them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
import qasync

from core.domain.clock import ManualClock
from core.services.context import ServiceContext
from tests.conftest import CLOCK_START
from tests.core.mail.conftest import start_smtp, tls_files
from tests.support.context import open_context
from tests.support.memory_keyring import MemoryKeyring, memory_keyring
from tests.support.qt_settings import own_settings

__all__ = ["start_smtp", "tls_files"]

T = TypeVar("T")


@pytest.fixture
def qt_loop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    loop = qasync.QEventLoop(qapp, already_running=True)  # Qt drives asyncio
    # A plain pool for asyncio.to_thread (the keyring, the Google flow): qasync's QThread pool would outlive it.
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


@pytest.fixture(autouse=True)
def _own_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test starts with nothing remembered, and writes nothing to the user's settings."""
    own_settings(str(tmp_path_factory.mktemp("qsettings")))


LIVE_SCREENS = ("dashboard", "door-monitor")
"""Task names of the screens that keep working while shown (live watches, polling)."""


@pytest.fixture(autouse=True)
def _live_screens_stopped(request: pytest.FixtureRequest) -> Iterator[None]:
    """A window closed at the end of a Qt test stops its screens' live work (AdminWindow.closeEvent); this
    waits until that work has ended, before qt_loop checks that no task is left."""
    if "qt_loop" not in request.fixturenames:
        yield
        return
    loop: asyncio.AbstractEventLoop = request.getfixturevalue("qt_loop")
    qtbot = request.getfixturevalue("qtbot")
    yield

    def live() -> list[asyncio.Task[Any]]:
        return [t for t in asyncio.all_tasks(loop) if not t.done() and t.get_name().startswith(LIVE_SCREENS)]

    qtbot.waitUntil(lambda: not live(), timeout=10_000)


@pytest.fixture
def qt_run(qt_loop: asyncio.AbstractEventLoop, qtbot: Any) -> Callable[..., Any]:
    """Run a coroutine to completion on the Qt loop while Qt keeps processing events; return its result."""

    def run(coro: Coroutine[Any, Any, T], timeout: float = 20.0) -> T:
        task = qt_loop.create_task(coro)
        qtbot.waitUntil(task.done, timeout=int(timeout * 1000))
        return task.result()

    return run


@pytest.fixture
def admin_ctx(sqlite_url: str, qt_run: Callable[..., Any]) -> Iterator[ServiceContext]:
    """A ServiceContext over a fresh migrated SQLite file, opened on the Qt loop, with a manual clock."""
    manager = open_context(sqlite_url, ManualClock(CLOCK_START))
    ctx = qt_run(manager.__aenter__())
    yield ctx
    qt_run(manager.__aexit__(None, None, None))


@pytest.fixture
def keyring_backend() -> Iterator[MemoryKeyring]:
    """The OS keyring for this test: keyring's backend interface, in memory (no file, never the user's)."""
    with memory_keyring() as backend:
        yield backend
