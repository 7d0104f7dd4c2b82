"""Live updates off the sale's path: a bounded queue filled after commit, emptied by one task, in order."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from core.domain.events import PlacesChanged
from core.domain.ids import ConcertId
from core.events.protocol import EventBus

log = logging.getLogger(__name__)

MAX_QUEUED = 1000
"""About two seconds of a flash sale's events: longer than any Redis hiccup worth riding out."""
FLUSH_S = 2.0
"""How long a clean shutdown waits for the queue to empty before it gives up on the rest."""
BATCH = 256
"""Events handed to the bus at once (one Redis pipeline)."""
_STOP_S = 1.0
"""How long it then waits for the cancelled task: a library that swallows the cancel must not hang shutdown."""


class BackgroundPublisher:
    """Publishes events on the bus from one task, so a sale only queues its event: a slow or dead Redis never
    delays it. One task, one FIFO queue: events leave in the order they were offered, so in commit order per
    concert (Redis then numbers them per concert, across every publisher, in the Lua step). What has piled up
    goes in one batch (one Redis pipeline), so the task keeps up with a busy loop.

    Nothing lost goes unnoticed, since subscribers reload on a gap in a concert's seq (events/watch.py):
    - when ``max_queued`` events wait, the oldest is dropped (the newest say most about the places now);
    - an event the bus could not send (it returned seq 0) is lost the same way;
    either marks its concert, and the next event published for it asks the bus for a gap. A concert whose
    loss no later event carries gets an empty event with the gap once the queue is empty.
    Overflow is logged once per episode, not per event.

    ``start()`` in a running loop, ``aclose()`` at shutdown: it flushes for at most ``flush_s``, then cancels.
    """

    def __init__(self, bus: EventBus, *, max_queued: int = MAX_QUEUED, flush_s: float = FLUSH_S) -> None:
        if max_queued < 1:
            raise ValueError("max_queued must be at least 1")
        self._bus = bus
        self._max = max_queued
        self._flush_s = flush_s
        self._queue: deque[PlacesChanged] = deque()
        self._gaps: set[ConcertId] = set()
        """Concerts whose next published event must leave a hole in the seq."""
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        """Drain what is queued, then stop."""
        self._stopped = False
        """Stop now; later offers are dropped (nobody would send them)."""
        self._overflowing = False
        self._sending = 0
        self.dropped = 0
        """Events dropped because the queue was full or the publisher closed: for tests and status."""

    @classmethod
    @asynccontextmanager
    async def running(
        cls, bus: EventBus, *, max_queued: int = MAX_QUEUED, flush_s: float = FLUSH_S
    ) -> AsyncIterator[BackgroundPublisher]:
        publisher = cls(bus, max_queued=max_queued, flush_s=flush_s)
        publisher.start()
        try:
            yield publisher
        finally:
            await publisher.aclose()

    def start(self) -> None:
        if self._task is None and not self._stopped:
            self._task = asyncio.create_task(self._run(), name="live-update-publisher")

    @property
    def pending(self) -> int:
        """Events offered and not yet handed over: those queued and those the bus is sending."""
        return len(self._queue) + self._sending

    def offer(self, event: PlacesChanged) -> None:
        """Queue an event for publishing; never waits and never raises."""
        if self._stopped:
            self.dropped += 1
            log.debug("live update for concert %s dropped: the publisher is closed", event.concert_id)
            return
        if len(self._queue) >= self._max:
            lost = self._queue.popleft()
            self._gaps.add(lost.concert_id)
            self.dropped += 1
            if not self._overflowing:
                self._overflowing = True
                log.warning(
                    "live updates come faster than the bus takes them: %d queued, dropping the oldest "
                    "(subscribers reload the concerts concerned)",
                    self._max,
                )
        self._queue.append(event)
        self._idle.clear()
        self._wakeup.set()

    async def flush(self) -> None:
        """Wait until everything offered so far has been handed to the bus (sent or given up on)."""
        await self._idle.wait()

    async def aclose(self) -> None:
        """Flush for at most ``flush_s``, then stop; never hangs, whatever the bus does."""
        task, self._task = self._task, None
        self._closing = True
        self._wakeup.set()
        if task is None:
            self._stopped = True
            return
        try:
            done, _ = await asyncio.wait({task}, timeout=self._flush_s)
            if not done:
                log.warning(
                    "live updates still queued at shutdown (%d) were not published: the bus was too slow "
                    "for %.1f s",
                    len(self._queue),
                    self._flush_s,
                )
                await self._stop(task)
        except BaseException:  # our caller was cancelled: stop the task too, without waiting for the flush
            self._stopped = True
            task.cancel()
            raise
        finally:
            self._stopped = True
            self.dropped += len(self._queue)
            self._queue.clear()
            self._idle.set()

    async def _stop(self, task: asyncio.Task[None]) -> None:
        # The stop flag ends the loop even if a library swallows the cancel (aiosmtplib's wait_for did, and
        # hung a mail loop's shutdown); the cancel cuts the publish in hand short.
        self._stopped = True
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=_STOP_S)
        if not done:
            log.warning("the live-update publisher did not stop when cancelled; leaving it behind")

    async def _run(self) -> None:
        gaps_tried = False  # empty gap events are sent once per drain, so a dead bus is not retried in a loop
        while not self._stopped:
            if self._queue:
                # All that waits, up to BATCH, in one go: a publisher that fell behind a burst catches up in a
                # round trip or two instead of one per event (one task alone would never keep up otherwise).
                await self._send([self._queue.popleft() for _ in range(min(BATCH, len(self._queue)))])
            elif self._gaps and not gaps_tried:
                gaps_tried = True
                await self._send([PlacesChanged(concert_id=c, changes=()) for c in sorted(self._gaps)])
            else:
                if self._overflowing:
                    self._overflowing = False
                    log.info("live updates caught up; %d dropped so far", self.dropped)
                self._idle.set()
                if self._closing:
                    return
                self._wakeup.clear()
                await self._wakeup.wait()
                gaps_tried = False

    async def _send(self, events: list[PlacesChanged]) -> None:
        gaps = self._gaps & {e.concert_id for e in events}
        self._gaps -= gaps
        self._sending = len(events)
        try:
            sent = await self._bus.publish_many(events, gaps=gaps)
        except asyncio.CancelledError:
            self.dropped += len(events)
            raise
        except Exception:  # the bus promises not to raise; this loop must outlive it if it does
            log.exception("%d live updates were not published", len(events))
            sent = [replace(e, seq=0) for e in events]
        finally:
            self._sending = 0
        self._gaps.update(e.concert_id for e in sent if e.seq == 0)
