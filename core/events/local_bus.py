"""In-process adapter for the embedded mode, watching for other processes that write the same SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from core.domain.events import PlacesChanged
from core.domain.ids import ConcertId
from core.events.protocol import BusMessage, Resync

log = logging.getLogger(__name__)


class LocalBus:
    """The EventBus inside one process. ``seq`` counts per concert from 1 in each process.

    Another process writing the same file (the admin beside a kiosk, encore-ops) cannot send us its events, so
    when the file changes and we did not cause it, every subscriber gets ``Resync("another writer")``.

    Telling our commits from theirs: ``PRAGMA data_version`` on a dedicated connection changes on a commit
    by *any* other connection, ours included, and says nothing about how many or whose. So a change counts as
    ours when this process published (or called :meth:`note_own_commit`) between the poll before and ``grace``
    after the poll that saw it; publishing follows a commit by milliseconds, and the grace covers a commit
    just before a poll whose publish lands just after it. The price: another writer committing in the same
    ~poll window as we do is not noticed at once. That costs staleness only (watch_concert re-reads every
    30 s, and every hold is re-checked in the database), while the alternative, resyncing on every own sale,
    would make each kiosk reload its whole seat map after each of its own sales.
    """

    def __init__(
        self,
        db_path: str | Path | None = None,
        *,
        poll_interval: float = 0.25,
        grace: float = 0.1,
        queue_size: int = 256,
    ) -> None:
        self._db_path = Path(db_path) if db_path else None
        self._poll_interval = poll_interval
        self._grace = grace
        self._queue_size = queue_size
        self._seq: dict[ConcertId, int] = {}
        self._subs: dict[ConcertId, set[_LocalSubscription]] = {}
        self._last_own = float("-inf")
        self._watcher: asyncio.Task[None] | None = None
        self._watching = asyncio.Event()

    async def publish(self, event: PlacesChanged, *, gap: bool = False) -> PlacesChanged:
        self.note_own_commit()
        seq = self._seq.get(event.concert_id, 0) + (2 if gap else 1)  # a gap: one seq nobody receives
        self._seq[event.concert_id] = seq
        published = replace(event, seq=seq)
        for sub in self._subs.get(event.concert_id, ()):
            sub.offer(published)
        return published

    async def publish_many(
        self, events: Sequence[PlacesChanged], *, gaps: Collection[ConcertId] = ()
    ) -> list[PlacesChanged]:
        pending = set(gaps)
        published = []
        for event in events:
            published.append(await self.publish(event, gap=event.concert_id in pending))
            pending.discard(event.concert_id)
        return published

    def note_own_commit(self) -> None:
        """Say that this process just committed to the file, so the watcher does not take it for another
        writer. publish() calls it; the composition root may also hook it to the engine's commit event so
        that commits without a live update (audit, check-ins) do not cause resyncs."""
        self._last_own = time.monotonic()

    @asynccontextmanager
    async def subscribe(self, concert_id: ConcertId) -> AsyncIterator[AsyncIterator[BusMessage]]:
        sub = _LocalSubscription(self._queue_size)
        self._subs.setdefault(concert_id, set()).add(sub)
        await self._start_watcher()
        try:
            yield sub
        finally:
            subs = self._subs.get(concert_id, set())
            subs.discard(sub)
            if not subs:
                self._subs.pop(concert_id, None)
            sub.close()
            if not self._subs:
                await self._stop_watcher()

    async def close(self) -> None:
        for subs in self._subs.values():
            for sub in subs:
                sub.close()
        self._subs.clear()
        await self._stop_watcher()

    async def _start_watcher(self) -> None:
        if self._db_path is not None and self._watcher is None:
            # Read the baseline before the subscriber loads its snapshot: a commit between the two must count
            # as a change, or the snapshot would miss it until the periodic re-read.
            # Claim the slot before awaiting, so two subscribers arriving together start one watcher.
            self._watching = asyncio.Event()
            self._watcher = asyncio.create_task(self._watch(_DataVersionProbe(self._db_path), self._watching))
        if self._watcher is not None:
            await self._watching.wait()

    async def _stop_watcher(self) -> None:
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _watch(self, probe: _DataVersionProbe, started: asyncio.Event) -> None:
        try:
            last = await asyncio.to_thread(probe.read)
        finally:
            started.set()  # never leave a subscriber waiting, even if the first read fails
        previous_read = time.monotonic()
        try:
            while True:
                await asyncio.sleep(self._poll_interval)
                read_at = time.monotonic()
                version = await asyncio.to_thread(probe.read)
                changed = last is not None and version is not None and version != last
                last = version
                if changed:
                    await asyncio.sleep(self._grace)  # let a publish that follows a just-seen commit land
                    if self._last_own < previous_read:
                        self._resync_all("another writer")
                previous_read = read_at
        finally:
            await asyncio.to_thread(probe.close)

    def _resync_all(self, reason: str) -> None:
        log.info("database changed by another writer; live subscribers will reload")
        for subs in self._subs.values():
            for sub in subs:
                sub.offer(Resync(reason))


class _LocalSubscription:
    """A bounded queue. On overflow the queued events are dropped for one Resync: a subscriber that fell
    behind reloads anyway, so the stale events are worthless. Resyncs already queued are not repeated."""

    def __init__(self, size: int) -> None:
        self._queue: deque[BusMessage] = deque()
        self._size = size
        self._wakeup = asyncio.Event()
        self._closed = False

    def offer(self, message: BusMessage) -> None:
        if self._closed:
            return
        if isinstance(message, Resync) and any(isinstance(m, Resync) for m in self._queue):
            return
        if len(self._queue) >= self._size:
            self._queue.clear()
            message = Resync("overflow")
        self._queue.append(message)
        self._wakeup.set()

    def close(self) -> None:
        self._closed = True
        self._wakeup.set()

    def __aiter__(self) -> _LocalSubscription:
        return self

    async def __anext__(self) -> BusMessage:
        while not self._queue:
            if self._closed:
                raise StopAsyncIteration
            self._wakeup.clear()
            await self._wakeup.wait()
        return self._queue.popleft()


class _DataVersionProbe:
    """A dedicated, never-writing connection whose PRAGMA data_version moves when another connection commits.
    Runs in worker threads (one at a time), hence check_same_thread=False and the lock."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def read(self) -> int | None:
        """The current data_version, or None while the file is missing or unreadable (the bus keeps going)."""
        with self._lock:
            try:
                if self._conn is None:
                    # mode=rw: never create the file; the migrations do that.
                    self._conn = sqlite3.connect(
                        f"{self._path.resolve().as_uri()}?mode=rw",
                        uri=True,
                        timeout=0.2,
                        isolation_level=None,
                        check_same_thread=False,
                    )
                row = self._conn.execute("PRAGMA data_version").fetchone()
                return int(row[0])
            except sqlite3.Error as exc:
                log.debug("cannot read data_version of %s: %s", self._path, exc)
                self._close()
                return None

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
