"""watch_availability: a stream of availability views that hides the bus, sequence gaps, reconnects and re-reads.

The database is the truth and events are hints. The stream loads a snapshot on start, on reconnect, on a gap in
the sequence and every ``live_resync_s`` seconds anyway; while the bus is down it polls the database instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from core.domain.catalog import SeatMap
from core.domain.clock import Clock
from core.domain.errors import StorageUnavailable
from core.domain.events import PlaceChange, PlacesChanged
from core.domain.ids import CategoryId, ConcertId, PlaceId
from core.domain.live import AvailabilityView
from core.domain.places import PlaceState, is_takeable
from core.events.protocol import BusMessage, BusStatus, EventBus, Resync

__all__ = ["POLL_SECONDS", "SeatMapLoader", "watch_availability"]

SeatMapLoader = Callable[[ConcertId], Awaitable[SeatMap]]
"""Reads the truth: the database in process, the server's API on a device."""

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
"""How often the database is read while live updates are paused."""
_TIMER_SLACK = 0.01
"""A timer may fire this much early (qasync's QTimer rounds to whole milliseconds) and still count as due."""


@dataclass
class _Tracker:
    concert_id: ConcertId
    states: dict[PlaceId, tuple[PlaceState, datetime | None]] = field(default_factory=dict)
    category: dict[PlaceId, CategoryId] = field(default_factory=dict)
    categories: tuple[CategoryId, ...] = ()
    shown: dict[PlaceId, PlaceState] = field(default_factory=dict)
    """What the previous view showed, to say what changed since."""
    seq: int | None = None

    def load(self, seat_map: SeatMap) -> None:
        self.states = {p.id: (p.state, p.held_until) for p in seat_map.places}
        self.category = {p.id: p.category_id for p in seat_map.places}
        self.categories = tuple(c.id for c in seat_map.categories)
        self.seq = None  # the next event sets the baseline

    def apply(self, changes: tuple[PlaceChange, ...]) -> None:
        for change in changes:
            if change.place_id in self.states:  # a place we do not know comes with the next reload
                self.states[change.place_id] = (change.state, change.held_until)

    def next_lapse(self, now: datetime) -> float | None:
        """Seconds until the next held place frees itself (a kiosk died mid-purchase), if any."""
        untils = [
            u for state, u in self.states.values() if state is PlaceState.HELD and u is not None and u > now
        ]
        return (min(untils) - now).total_seconds() if untils else None

    def view(self, *, reloaded: bool, live: bool, storage_ok: bool, now: datetime) -> AvailabilityView:
        # Recomputed whole each time (a few ms for 20,000 places), so counts and states always agree, lapses
        # included; views are coalesced per burst of events.
        shown: dict[PlaceId, PlaceState] = {}
        counts = dict.fromkeys(self.categories, 0)
        for pid, (state, until) in self.states.items():
            now_state = PlaceState.FREE if is_takeable(state, until, now) else state
            shown[pid] = now_state
            if now_state is PlaceState.FREE:
                cat = self.category[pid]
                counts[cat] = counts.get(cat, 0) + 1
        before = self.shown
        changed = set(shown) if reloaded else {pid for pid, st in shown.items() if before.get(pid) is not st}
        self.shown = shown
        return AvailabilityView(
            concert_id=self.concert_id,
            states=MappingProxyType(shown),
            availability=MappingProxyType(counts),
            changed=frozenset(changed),
            reloaded=reloaded,
            live=live,
            storage_ok=storage_ok,
            as_of=now,
        )


async def _pump(messages: AsyncIterator[BusMessage], queue: asyncio.Queue[BusMessage]) -> None:
    try:
        async for message in messages:
            await queue.put(message)
    except asyncio.CancelledError:
        raise
    except Exception:
        # Not a lost connection (the bus reports those itself) but a bug or a surprise: poll from now on.
        log.exception("live updates stopped; falling back to reading the database")
        await queue.put(BusStatus(connected=False))


async def watch_availability(
    bus: EventBus, load: SeatMapLoader, clock: Clock, concert_id: ConcertId, *, resync_s: float
) -> AsyncIterator[AvailabilityView]:
    """Yield an AvailabilityView now and after every change; runs until the caller stops iterating."""
    tracker = _Tracker(concert_id)
    task = asyncio.current_task()
    cancels = task.cancelling() if task is not None else 0
    async with bus.subscribe(concert_id) as messages:
        _honour_lost_cancel(task, cancels)
        queue: asyncio.Queue[BusMessage] = asyncio.Queue()
        pump = asyncio.create_task(_pump(messages, queue), name=f"watch-concert-{concert_id}")
        try:
            live = True
            loop = asyncio.get_running_loop()
            storage_ok = await _reload(load, tracker)
            _honour_lost_cancel(task, cancels)
            reread_at = loop.time() + resync_s
            yield tracker.view(reloaded=True, live=live, storage_ok=storage_ok, now=clock.now())
            while True:
                # The next database read is due resync_s after the last one (POLL_SECONDS while paused); a
                # hold lapsing sooner only needs a fresh view, not a read. The deadline is fixed at the read,
                # not recomputed from "now" each time round: a loop whose timers fire a little early (qasync's
                # QTimer rounds to milliseconds) would otherwise push it back forever and never poll.
                wait = max(0.0, reread_at - loop.time())
                lapse = tracker.next_lapse(clock.now())
                batch = await _next_batch(queue, wait if lapse is None else min(wait, lapse + 0.05))
                _honour_lost_cancel(task, cancels)
                need_reload = not batch and loop.time() >= reread_at - _TIMER_SLACK
                for message in batch:
                    if isinstance(message, BusStatus):
                        live = message.connected
                        need_reload = True
                    elif isinstance(message, Resync):
                        need_reload = True
                    elif isinstance(message, PlacesChanged) and not need_reload:
                        if tracker.seq is not None and message.seq != tracker.seq + 1:
                            log.info(
                                "concert %s: sequence gap %s -> %s, reloading",
                                concert_id,
                                tracker.seq,
                                message.seq,
                            )
                            need_reload = True
                        else:
                            tracker.seq = message.seq
                            tracker.apply(message.changes)
                if need_reload:
                    storage_ok = await _reload(load, tracker)
                    _honour_lost_cancel(task, cancels)
                    reread_at = loop.time() + (resync_s if live and storage_ok else POLL_SECONDS)
                yield tracker.view(reloaded=need_reload, live=live, storage_ok=storage_ok, now=clock.now())
        finally:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump


def _honour_lost_cancel(task: asyncio.Task[object] | None, cancels: int) -> None:
    """Stop if a cancel was requested but an await below lost it (redis-py's SUBSCRIBE was seen to, with the
    proxy to Redis just restarted): the task still counts the request, and a watch that ran on would hold its
    closer (the kiosk's seat map) for good. Each later asyncio.timeout would take the lost cancel as its baseline
    and time out normally, so only this check ends it."""
    if task is not None and task.cancelling() > cancels:
        raise asyncio.CancelledError


async def _next_batch(queue: asyncio.Queue[BusMessage], wait_s: float) -> list[BusMessage]:
    """Wait for one message (or the timeout), then take whatever else is queued, so bursts coalesce."""
    try:
        # asyncio.timeout, not wait_for: wait_for runs queue.get() as a task of its own, and cancelling the
        # watcher then waits on that task's cancellation too (seen to hang a kiosk's teardown under qasync).
        async with asyncio.timeout(wait_s):
            first = await queue.get()
    except TimeoutError:
        return []
    batch = [first]
    while not queue.empty():
        batch.append(queue.get_nowait())
    return batch


async def _reload(load: SeatMapLoader, tracker: _Tracker) -> bool:
    try:
        tracker.load(await load(tracker.concert_id))
    except StorageUnavailable:
        log.warning("concert %s: database unreachable, keeping the last view", tracker.concert_id)
        return False
    return True
