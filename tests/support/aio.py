"""Run a coroutine to completion from sync code on a private loop that never becomes the current loop."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    # Not asyncio.run(): that resets the thread's current loop on exit, which would pull the rug from under
    # pytest-asyncio's loop when a sync fixture does async set-up for an async test.
    if _running_here():
        # A Qt test's qasync loop counts as running in this thread (it is driven by Qt, not by us), and no
        # second loop may run here: do the set-up on a thread of its own.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="aio-run") as pool:
            return pool.submit(_run_private, coro).result()
    return _run_private(coro)


def _running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _run_private(coro: Coroutine[Any, Any, T]) -> T:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
