"""Run a coroutine to completion from sync code on a private loop that never becomes the current loop."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    # Not asyncio.run(): that resets the thread's current loop on exit, which would pull the rug from under
    # pytest-asyncio's loop when a sync fixture does async set-up for an async test.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
