"""SQLite: another writer holding the file's write lock makes a sale "storage_busy" after busy_timeout (3 s),
once, not after five retries of it; reads go on meanwhile (WAL), and the sale works once the lock is gone."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from core.domain.errors import StorageBusy
from core.services import catalog, sales
from tests.builders import build_stage
from tests.dbstate import snapshot
from tests.support.context import open_context

BUSY_TIMEOUT_S = 3.0  # core/db/engine.py: PRAGMA busy_timeout=3000


@pytest.fixture
def other_writer(sqlite_url: str) -> Iterator[sqlite3.Connection]:
    """A second connection to the same file (an ops tool, a sqlite3 shell), in autocommit mode."""
    path = make_url(sqlite_url).database
    assert path
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    yield conn
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.close()


async def test_write_lock_held_elsewhere_is_storage_busy_after_busy_timeout(sqlite_url, clock, other_writer):
    async with open_context(sqlite_url, clock) as ctx:
        stage = await build_stage(ctx)
        seat = stage.seats[0]
        other_writer.execute("BEGIN IMMEDIATE")
        before = await snapshot(ctx)  # reads are not blocked by the writer (WAL)

        started = time.monotonic()
        with pytest.raises(StorageBusy) as caught:
            await sales.hold_places(ctx, stage.kiosk, stage.id, [seat])
        elapsed = time.monotonic() - started

        assert type(caught.value) is StorageBusy
        assert caught.value.code == "storage_busy"
        # It waited for the lock once (busy_timeout), and was not retried: 5 attempts would take 15 s or more.
        assert BUSY_TIMEOUT_S - 0.5 <= elapsed < BUSY_TIMEOUT_S + 2, elapsed
        assert ctx.db.retries == 0
        started = time.monotonic()
        assert await snapshot(ctx) == before
        seat_map = await catalog.get_seat_map(ctx, stage.id)
        assert time.monotonic() - started < 1.0  # a read meanwhile is not kept waiting
        assert {p.id: p.state.value for p in seat_map.places}[seat] == "free"

        other_writer.execute("COMMIT")
        hold = await sales.hold_places(ctx, stage.kiosk, stage.id, [seat])
        assert [p.place_id for p in hold.places] == [seat]
