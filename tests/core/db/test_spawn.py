"""core.db.driver.spawn: SQLAlchemy's greenlet_spawn on reused greenlets (the hot path's pool checkout and
checkin). A job may await the driver through SQLAlchemy's await_, raise, or be cancelled, as with
greenlet_spawn, and its greenlet serves the next job."""

from __future__ import annotations

import asyncio
import contextvars

import pytest
from sqlalchemy.util.concurrency import await_, greenlet_spawn

from core.db import driver

_who = contextvars.ContextVar("who", default="nobody")


def _job(delay: float, out: list[str]) -> str:
    out.append(f"start {_who.get()}")
    await_(asyncio.sleep(delay))  # IO, as the pool's connect does
    out.append(f"end {_who.get()}")
    return _who.get()


def _greenlet_of_job() -> object:
    return driver._concurrency_shim.getcurrent()


async def test_a_job_awaits_and_returns_in_its_callers_context_and_its_greenlet_is_reused():
    out: list[str] = []
    _who.set("first")
    assert await driver.spawn(_job, 0, out) == "first"
    one = await driver.spawn(_greenlet_of_job)
    assert await driver.spawn(_greenlet_of_job) is one  # reused, not made anew
    _who.set("second")
    assert await driver.spawn(_job, 0, out) == "second"
    assert out == ["start first", "end first", "start second", "end second"]


async def test_control_greenlet_spawn_makes_a_greenlet_per_job():
    assert await greenlet_spawn(_greenlet_of_job) is not await greenlet_spawn(_greenlet_of_job)


async def test_jobs_that_wait_at_once_each_get_their_own_greenlet():
    out: list[str] = []

    async def as_(who: str, delay: float) -> str:
        _who.set(who)
        return await driver.spawn(_job, delay, out)

    assert await asyncio.gather(as_("a", 0.02), as_("b", 0.01)) == ["a", "b"]
    assert sorted(out) == ["end a", "end b", "start a", "start b"]


async def test_an_error_reaches_the_caller_and_the_greenlet_serves_the_next_job():
    def fails() -> None:
        await_(asyncio.sleep(0))
        raise LookupError("from the job")

    one = await driver.spawn(_greenlet_of_job)
    with pytest.raises(LookupError, match="from the job"):
        await driver.spawn(fails)
    assert await driver.spawn(_greenlet_of_job) is one


async def test_a_cancelled_job_is_cancelled_inside_and_the_greenlet_serves_the_next_job():
    out: list[str] = []
    task = asyncio.create_task(driver.spawn(_job, 10, out))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert out == ["start nobody"]  # the job never went on after its await
    assert await driver.spawn(_job, 0, out) == "nobody"
