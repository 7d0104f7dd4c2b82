"""`encore-ops scheduler`: the venue server's timed work (jobs.py) on APScheduler's asyncio scheduler, and a
heartbeat file the container probe (`encore-ops health scheduler`) reads. Run as many replicas as you like:
each job's lock lets one of them run it at a time."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.config import Settings
from core.domain.errors import StorageUnavailable
from core.ops.heartbeat import HEARTBEAT_EVERY_S, beat, default_heartbeat
from core.ops.jobs import Job, Runner, RunOutcome, standard_jobs
from core.services import adapters
from core.services.context import ServiceContext

log = logging.getLogger(__name__)


class Scheduler:
    """One replica: APScheduler triggers, each run through the Runner (lock, retries, logging)."""

    def __init__(self, runner: Runner, jobs: list[Job], *, heartbeat: Path | None = None) -> None:
        self.runner = runner
        self.jobs = {job.name: job for job in jobs}
        self.heartbeat = heartbeat
        self._aps: Any = None

    async def run_job(self, name: str) -> RunOutcome:
        return await self.runner.run(self.jobs[name])

    def start(self) -> None:
        aps = AsyncIOScheduler(job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300})
        for job in self.jobs.values():
            if job.every_s is not None:
                # Interval jobs run once at start too: a restarted scheduler picks up what waited meanwhile.
                trigger, first = IntervalTrigger(seconds=job.every_s), datetime.now(UTC)
            else:
                trigger, first = CronTrigger(hour=job.at_hour, minute=0), None
            kwargs = {} if first is None else {"next_run_time": first}
            aps.add_job(self.run_job, trigger, args=[job.name], id=job.name, name=job.name, **kwargs)
        if self.heartbeat is not None:
            beat(self.heartbeat)
            aps.add_job(
                beat, IntervalTrigger(seconds=HEARTBEAT_EVERY_S), args=[self.heartbeat], id="heartbeat"
            )
        aps.start()
        self._aps = aps
        log.info("scheduler started: %s", ", ".join(sorted(self.jobs)))

    def shutdown(self) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None


async def _open_until_reachable(settings: Settings, stack: contextlib.AsyncExitStack) -> ServiceContext:
    """The database may come up after the scheduler (compose, a node restart): keep trying, say so."""
    wait = 1.0
    while True:
        try:
            return await stack.enter_async_context(ServiceContext.open(settings))
        except StorageUnavailable as error:
            log.warning(
                "scheduler: the database is not reachable (%s); trying again in %.0f s", error.code, wait
            )
            await asyncio.sleep(wait)
            wait = min(wait * 2, 30.0)


async def serve(settings: Settings, heartbeat: Path) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with contextlib.AsyncExitStack() as stack:
        ctx = await _open_until_reachable(settings, stack)
        mailer = await adapters.open_mailer(settings)
        if mailer is None:
            log.warning("scheduler: no smtp_host configured, so no mail (tickets, reminders) is sent")
        scheduler = Scheduler(Runner(ctx), standard_jobs(mailer), heartbeat=heartbeat)
        scheduler.start()
        try:
            await stop.wait()
        finally:
            scheduler.shutdown()
            # A stopped scheduler is not alive.
            await asyncio.to_thread(heartbeat.unlink, missing_ok=True)
    return 0


def bind(args: argparse.Namespace) -> Any:
    heartbeat = args.heartbeat or default_heartbeat()

    async def command(settings: Settings) -> int:
        started = time.monotonic()
        try:
            return await serve(settings, heartbeat)
        finally:
            log.info("scheduler stopped after %.0f s", time.monotonic() - started)

    return command
