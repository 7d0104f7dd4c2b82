"""The tasks a view-model owns: kept (asyncio holds tasks only weakly), logged when they fail, cancelled on close."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)


class TaskOwner:
    """Start tasks for widgets' sync commands; `aclose()` cancels what is still running."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._tasks: set[asyncio.Task[Any]] = set()
        self.on_error: Callable[[BaseException], None] | None = None
        """Called with an unexpected exception (after it is logged); the view-model shows "out of service"."""

    def start(self, coro: Coroutine[Any, Any, Any], *, name: str = "") -> asyncio.Task[Any]:
        label = name or getattr(coro, "__name__", "task")
        task = asyncio.get_running_loop().create_task(coro, name=f"{self._name}:{label}")
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            log.error("%s failed", task.get_name(), exc_info=error)
            if self.on_error is not None:
                self.on_error(error)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def cancel(self) -> None:
        """Cancel what is still running without waiting: a screen going away in a widget's sync slot."""
        for task in self._tasks:
            task.cancel()

    async def aclose(self) -> None:
        tasks = [t for t in self._tasks if not t.done()]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
