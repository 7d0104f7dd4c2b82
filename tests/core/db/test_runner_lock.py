"""The scheduler's per-job lock on real PostgreSQL: one holder at a time, free again when the job ends, kept by
a job that outlasts the engine's idle-in-transaction limit."""

from __future__ import annotations

import asyncio

import pytest

from core.db import runner_lock
from core.db.engine import create_engine

pytestmark = pytest.mark.postgres


async def test_one_holder_at_a_time_and_free_again_after(pg_database_url):
    # A 0.1 s statement timeout puts the engines' idle-in-transaction limit at 0.4 s.
    one = create_engine(pg_database_url, statement_timeout_s=0.1)
    two = create_engine(pg_database_url, statement_timeout_s=0.1)
    try:
        async with runner_lock.hold(one, "reminders") as mine:
            assert mine
            await asyncio.sleep(1.0)  # a job longer than that limit: the lock must still be held
            async with runner_lock.hold(two, "reminders") as theirs:
                assert not theirs
            async with runner_lock.hold(two, "send-mail") as other_job:
                assert other_job  # each job has its own lock
        async with runner_lock.hold(two, "reminders") as theirs:
            assert theirs
    finally:
        await one.dispose()
        await two.dispose()


def test_job_keys_are_stable_32_bit_and_distinct():
    names = ["tidy-holds", "close-sales", "reminders", "send-mail", "backup"]
    keys = [runner_lock.job_key(n) for n in names]
    assert len(set(keys)) == len(keys)
    assert all(-(2**31) <= k < 2**31 for k in keys)
    assert runner_lock.job_key("reminders") == runner_lock.job_key("reminders")
