"""The scheduler's jobs and how each run is guarded: one replica at a time (runner_lock), a failure logged with
its context and retried with back-off, so a database that restarts under the scheduler only delays the work."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from core.db import runner_lock
from core.domain.errors import EncoreError
from core.mail.protocol import Mailer
from core.mail.retry import backoff_delay
from core.ops import nightly_backup
from core.services import housekeeping, mail
from core.services.context import ServiceContext

log = logging.getLogger(__name__)

JobWork = Callable[[ServiceContext], Awaitable[object]]


class RunOutcome(StrEnum):
    RAN = "ran"
    SKIPPED = "skipped"
    """Another replica holds the job's lock."""
    FAILED = "failed"
    """Every attempt failed; the next trigger tries again."""


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    work: JobWork
    every_s: float | None = None
    """Run every so many seconds; None: a daily job at ``at_hour`` (server-local time)."""
    at_hour: int = 3


def standard_jobs(mailer: Mailer | None) -> list[Job]:
    jobs = [
        Job("tidy-holds", housekeeping.tidy_lapsed_holds, every_s=15),
        Job("close-sales", housekeeping.close_due_sales, every_s=30),
        Job("reminders", housekeeping.queue_reminders, every_s=300),
        Job("backup", nightly_backup.run, at_hour=3),
    ]
    if mailer is not None:
        jobs.append(Job("send-mail", lambda ctx: _send_all_mail(ctx, mailer), every_s=10))
    return jobs


async def _send_all_mail(ctx: ServiceContext, mailer: Mailer) -> int:
    """Send what is due, in rounds until a round finds nothing more (each mail is bounded in time)."""
    sent = 0
    while True:
        run = await mail.send_due_mail(ctx, mailer, limit=20)
        sent += run.sent
        if run.sent + run.retry_later + run.failed < 20:
            return sent


@dataclass
class Runner:
    """Runs jobs for one scheduler replica: at most one replica runs a given job at a time."""

    ctx: ServiceContext
    attempts: int = 5
    retry_base_s: float = 2.0
    retry_max_s: float = 60.0
    single_runner: bool = True
    """False only in the lock test's control: it shows what the lock prevents."""
    failures: int = 0
    """Failed attempts so far (every one is logged)."""
    last_outcome: dict[str, RunOutcome] = field(default_factory=dict)

    async def run(self, job: Job) -> RunOutcome:
        outcome = await self._run(job)
        self.last_outcome[job.name] = outcome
        return outcome

    async def _run(self, job: Job) -> RunOutcome:
        for attempt in range(1, self.attempts + 1):
            try:
                return await self._once(job)
            except Exception as error:  # a job must outlive any surprise: the next attempt or trigger retries
                self.failures += 1
                if attempt == self.attempts:
                    log.error(
                        "job %s failed %d times, giving up until its next run: %s",
                        job.name,
                        attempt,
                        _describe(error),
                        exc_info=not isinstance(error, EncoreError),
                    )
                    return RunOutcome.FAILED
                delay = backoff_delay(attempt, base_delay=self.retry_base_s, max_delay=self.retry_max_s)
                log.warning(
                    "job %s failed (attempt %d of %d), retrying in %.1f s: %s",
                    job.name,
                    attempt,
                    self.attempts,
                    delay,
                    _describe(error),
                    exc_info=not isinstance(error, EncoreError),
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _once(self, job: Job) -> RunOutcome:
        if not self.single_runner:
            await job.work(self.ctx)
            return RunOutcome.RAN
        async with runner_lock.hold(self.ctx.db.engine, job.name) as mine:
            if not mine:
                log.debug("job %s: another replica runs it now", job.name)
                return RunOutcome.SKIPPED
            result = await job.work(self.ctx)
            (log.info if result else log.debug)("job %s done: %s", job.name, result)
            return RunOutcome.RAN


def _describe(error: BaseException) -> str:
    if isinstance(error, EncoreError):
        return f"{type(error).__name__} [{error.code}]: {error.message}"
    return f"{type(error).__name__}: {error}"
