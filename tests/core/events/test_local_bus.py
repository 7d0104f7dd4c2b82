"""The in-process bus: fan-out, overflow, and noticing other writers to the same SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

from core.domain.ids import ConcertId
from core.events.local_bus import LocalBus
from core.events.protocol import Resync
from tests.core.events.conftest import next_message, no_message, places_changed

CID = ConcertId(1)


def _commit(path: Path, rows: int = 1) -> None:
    """A commit by a connection that is not the bus's own probe (the engine's, or another process's)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=5)
    try:
        for n in range(rows):
            conn.execute("INSERT INTO t VALUES (?)", (n,))
    finally:
        conn.close()


async def test_publish_reaches_subscribers_with_increasing_seq() -> None:
    bus = LocalBus()
    async with (
        bus.subscribe(CID) as first,
        bus.subscribe(CID) as second,
        bus.subscribe(ConcertId(2)) as other,
    ):
        sent = [await bus.publish(places_changed(CID, place=n)) for n in range(3)]
        assert [e.seq for e in sent] == [1, 2, 3]
        assert [await next_message(first) for _ in sent] == sent
        assert [await next_message(second) for _ in sent] == sent
        await no_message(other, within=0.1)
    assert (await bus.publish(places_changed(ConcertId(2)))).seq == 1
    await bus.close()


async def test_overflow_drops_the_backlog_for_one_resync() -> None:
    bus = LocalBus(queue_size=4)
    async with bus.subscribe(CID) as messages:
        sent = [await bus.publish(places_changed(CID, place=n)) for n in range(6)]
        # 4 queued, the 5th overflows: backlog dropped, Resync in its place, then the 6th.
        assert await next_message(messages) == Resync("overflow")
        assert await next_message(messages) == sent[5]
        await no_message(messages, within=0.05)
    await bus.close()


async def test_another_process_committing_triggers_resync(tmp_db: Path) -> None:
    bus = LocalBus(tmp_db)
    async with bus.subscribe(CID) as messages:
        await asyncio.sleep(0.4)  # let the watcher take its baseline
        script = "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('INSERT INTO t VALUES (1)')"
        script += "; c.commit()"
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", script, str(tmp_db))
        assert await proc.wait() == 0
        assert await next_message(messages, within=5.0) == Resync("another writer")
    await bus.close()


async def test_another_connection_in_a_thread_triggers_resync(tmp_db: Path) -> None:
    bus = LocalBus(tmp_db, poll_interval=0.1)
    async with bus.subscribe(CID) as messages:
        await asyncio.sleep(0.2)
        await asyncio.to_thread(_commit, tmp_db)
        assert await next_message(messages, within=5.0) == Resync("another writer")
        await no_message(messages, within=0.4)  # one commit, one resync
    await bus.close()


async def _own_sales(bus: LocalBus, path: Path, count: int, *, publish: bool) -> None:
    """What a busy kiosk does: commit, then publish right after, again and again."""
    for n in range(count):
        await asyncio.to_thread(_commit, path)
        if publish:
            await bus.publish(places_changed(CID, place=n))
        await asyncio.sleep(0.03)


async def test_own_commits_do_not_cause_resyncs(tmp_db: Path) -> None:
    bus = LocalBus(tmp_db, poll_interval=0.1)
    async with bus.subscribe(CID) as messages:
        await asyncio.sleep(0.2)
        await _own_sales(bus, tmp_db, 30, publish=True)
        await asyncio.sleep(0.3)
        got = [await next_message(messages) for _ in range(30)]
        assert not [m for m in got if isinstance(m, Resync)]
        await no_message(messages, within=0.3)
    await bus.close()


async def test_control_unpublished_commits_are_taken_for_another_writer(tmp_db: Path) -> None:
    """The same harness without publishing: the watcher must fire, or the test above proves nothing."""
    bus = LocalBus(tmp_db, poll_interval=0.1)
    async with bus.subscribe(CID) as messages:
        await asyncio.sleep(0.2)
        await _own_sales(bus, tmp_db, 10, publish=False)
        assert await next_message(messages) == Resync("another writer")
    await bus.close()


async def test_noted_commits_without_events_do_not_cause_resyncs(tmp_db: Path) -> None:
    bus = LocalBus(tmp_db, poll_interval=0.1)
    async with bus.subscribe(CID) as messages:
        await asyncio.sleep(0.2)
        for _ in range(10):
            await asyncio.to_thread(_commit, tmp_db)
            bus.note_own_commit()
            await asyncio.sleep(0.03)
        await no_message(messages, within=0.4)
    await bus.close()


async def test_pending_resyncs_are_not_repeated(tmp_db: Path) -> None:
    bus = LocalBus(tmp_db, poll_interval=0.05, grace=0.01)
    async with bus.subscribe(CID) as messages:
        await asyncio.sleep(0.1)
        for _ in range(5):  # a foreign writer busy while the subscriber is not reading
            await asyncio.to_thread(_commit, tmp_db)
            await asyncio.sleep(0.1)
        assert await next_message(messages) == Resync("another writer")
        await no_message(messages, within=0.1)
    await bus.close()


def _watcher(bus: LocalBus) -> asyncio.Task[None] | None:
    return bus._watcher


async def test_watcher_runs_only_while_someone_subscribes(tmp_db: Path) -> None:
    bus = LocalBus(tmp_db)
    assert _watcher(bus) is None
    async with bus.subscribe(CID), bus.subscribe(ConcertId(2)):
        watcher = _watcher(bus)
        assert watcher is not None
        assert not watcher.done()
    assert _watcher(bus) is None
    assert watcher.done()
    await bus.close()


async def test_missing_file_is_tolerated_until_it_appears(tmp_path: Path) -> None:
    path = tmp_path / "later.sqlite3"
    bus = LocalBus(path, poll_interval=0.05)
    async with bus.subscribe(CID) as messages:
        await asyncio.sleep(0.15)
        assert not path.exists()  # the probe must not create it
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("CREATE TABLE t (x INTEGER)")
        conn.close()
        # The probe opens the file at some poll after it appears; keep writing until a change is noticed.
        async with asyncio.timeout(3):
            while True:
                await asyncio.to_thread(_commit, path)
                try:
                    assert await next_message(messages, within=0.3) == Resync("another writer")
                    break
                except TimeoutError:
                    continue
    await bus.close()


async def test_close_ends_subscriptions() -> None:
    bus = LocalBus()
    async with bus.subscribe(CID) as messages:
        reader = asyncio.create_task(anext(messages, None))
        await asyncio.sleep(0)
        await bus.close()
        assert await asyncio.wait_for(reader, 1) is None
