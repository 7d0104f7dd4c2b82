"""The door's work queue: scans, undo, concert changes and the periodic sync run one at a time, in arrival order."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from kiosk.viewmodels.tasks import TaskOwner

log = logging.getLogger("kiosk.viewmodels.door")  # the door's log, as before the queue had its own module

R = TypeVar("R")


@dataclass(slots=True)
class _Job(Generic[R]):
    run: Callable[[], Awaitable[R]]
    done: asyncio.Future[R] | None


class JobQueue(Generic[R]):
    """A scanner can type faster than the database answers: no job may be dropped or overtaken, and one that
    fails must not stop those behind it (``on_failure`` gives what the screen shows instead)."""

    def __init__(
        self, tasks: TaskOwner, *, report: Callable[..., None], on_failure: Callable[[], object]
    ) -> None:
        self._tasks = tasks
        self._report = report
        """Told busy / queued as the queue fills and drains (the door's state shows them)."""
        self._on_failure = on_failure
        self._jobs: deque[_Job[R]] = deque()
        self._drain: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self._jobs)

    def enqueue(self, run: Callable[[], Awaitable[R]], done: asyncio.Future[R] | None = None) -> None:
        """Queued, never dropped; ``done`` (if any) gets the job's result or its exception."""
        self._jobs.append(_Job(run, done))
        if self._drain is None or self._drain.done():
            self._drain = self._tasks.start(self._run_jobs(), name="jobs")
        self._report(busy=True, queued=len(self._jobs))

    async def submit(self, run: Callable[[], Awaitable[R]]) -> R:
        """Queued behind what is waiting; returns when it has run."""
        done: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self.enqueue(run, done)
        return await done

    def cancel_waiting(self) -> None:
        """At close: whoever waits on a job that will not run is told so."""
        for job in self._jobs:
            if job.done is not None and not job.done.done():
                job.done.cancel()
        self._jobs.clear()

    async def _run_jobs(self) -> None:
        while self._jobs:
            job = self._jobs.popleft()
            self._report(queued=len(self._jobs))
            try:
                result = await job.run()
            except Exception as exc:  # one failed scan must not stop the queue behind it
                log.error("door: a scan failed unexpectedly", exc_info=exc)
                self._on_failure()
                if job.done is not None and not job.done.done():
                    job.done.set_exception(exc)
                continue
            if job.done is not None and not job.done.done():
                job.done.set_result(result)
        self._report(busy=False, queued=0)
