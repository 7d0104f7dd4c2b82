"""The self-tests' shared parts: a check that fails or hangs becomes a line, and a blocking call made off the
loop (a keyring waiting on D-Bus) is given up on without holding up the loop's end; asyncio.to_thread's pool,
the control, does hold it up."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from core.client import self_check
from core.client.self_check import Check, guarded, off_loop, verdict
from core.domain.errors import StorageUnavailable

ROOT = Path(__file__).resolve().parents[3]


def _stuck(release: threading.Event) -> Callable[[], str]:
    def work() -> str:
        release.wait(10)
        return "late"

    return work


def _ended_in(start: Callable[[Callable[[], str]], Awaitable[str]]) -> float:
    """How long asyncio.run takes to end after a 0.1 s wait for a call that blocks for 1 s."""
    release = threading.Event()
    threading.Timer(1.0, release.set).start()

    async def main() -> None:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.1):
                await start(_stuck(release))

    began = time.monotonic()
    asyncio.run(main())
    ended = time.monotonic() - began
    release.set()
    return ended


def test_a_stuck_call_off_the_loop_does_not_hold_up_the_end() -> None:
    assert _ended_in(off_loop) < 0.5
    assert _ended_in(asyncio.to_thread) >= 0.9  # the control: the pool's thread is waited for


async def test_off_loop_returns_and_raises_what_the_call_does() -> None:
    assert await off_loop(lambda: 42) == 42

    def fails() -> None:
        raise StorageUnavailable("The keyring is locked.")

    with pytest.raises(StorageUnavailable):
        await off_loop(fails)


async def test_a_failing_or_hanging_check_becomes_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    async def refused() -> Check:
        raise StorageUnavailable("The database cannot be reached.")

    async def hangs() -> Check:
        await asyncio.sleep(10)
        raise AssertionError("not reached")

    async def fine() -> Check:
        return Check("fine", True, "all there")

    monkeypatch.setattr(self_check, "CHECK_TIMEOUT_S", 0.1)
    checks = [
        await guarded("database", refused),
        await guarded("keyring", hangs),
        await guarded("fine", fine),
    ]
    assert verdict("encore-test", checks) == (
        "encore-test self-test: FAILED database, keyring — database: The database cannot be reached.; "
        "keyring: no answer in 0.1 s; fine: all there"
    )
    assert verdict("encore-test", checks[2:]) == "encore-test self-test: OK — fine: all there"


def test_the_time_since_start_counts_from_the_process_start() -> None:
    probe = (
        "import time; time.sleep(0.6); from core.client.self_check import seconds_since_exec as s; print(s())"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert 0.6 <= float(done.stdout) < 5, done.stderr
