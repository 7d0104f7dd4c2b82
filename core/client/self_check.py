"""What both apps' `--self-test` share: a check's result, running one with a time limit so that any failure
becomes a line and never a traceback, the one-line verdict, and the time since this process was started."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["CHECK_TIMEOUT_S", "Check", "guarded", "off_loop", "seconds_since_exec", "verdict"]

T = TypeVar("T")

CHECK_TIMEOUT_S = 20.0


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


async def guarded(name: str, work: Callable[[], Awaitable[Check]]) -> Check:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_S):
            return await work()
    except TimeoutError:
        return Check(name, False, f"no answer in {CHECK_TIMEOUT_S:g} s")
    except Exception as exc:  # the self-test reports every failure as a line, never as a traceback
        message = getattr(exc, "message", "") or str(exc) or type(exc).__name__
        return Check(name, False, message)


async def off_loop(work: Callable[[], T]) -> T:
    """``work()`` on a daemon thread: unlike asyncio.to_thread's pool, a call that never returns (a keyring
    waiting on D-Bus or an unlock prompt) neither holds up the event loop's shutdown nor the process's exit."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[T] = loop.create_future()

    def settle(set_answer: Callable[[Any], None], value: Any) -> None:
        if not answer.done():  # not given up on meanwhile (a timeout cancels the future)
            set_answer(value)

    def run() -> None:
        set_answer: Callable[[Any], None]
        try:
            value: Any = work()
        except BaseException as exc:
            set_answer, value = answer.set_exception, exc
        else:
            set_answer = answer.set_result
        with contextlib.suppress(RuntimeError):  # the loop has closed (timed out long ago): nobody waits
            loop.call_soon_threadsafe(settle, set_answer, value)

    threading.Thread(target=run, name="self-test", daemon=True).start()
    return await answer


def verdict(app: str, checks: list[Check]) -> str:
    failed = [c for c in checks if not c.ok]
    head = "OK" if not failed else "FAILED " + ", ".join(c.name for c in failed)
    return f"{app} self-test: {head} — " + "; ".join(f"{c.name}: {c.detail}" for c in checks)


def seconds_since_exec() -> float | None:
    """Seconds since this process was started (to 10 ms, from /proc: the kernel's own count, so the time spent
    before Python ran, in a bundle's bootloader, is included); None where there is no /proc."""
    try:
        fields = Path("/proc/self/stat").read_text().rpartition(")")[2].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))  # field 22: starttime
    except (OSError, ValueError, IndexError):
        return None
