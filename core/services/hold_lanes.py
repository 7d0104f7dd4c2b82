"""Standing holds of one section, gathered while they wait, made together (core/db/hold_batch.py).

Each section has a lane that lets ``IN_FLIGHT`` statements run at once. A request that finds a free place in
its lane makes its own hold at once, exactly as it always has (hold_statements.hold_standing): a quiet sale
never waits for anyone. A request that finds the lane full waits in it; when a statement ends, the first one
waiting leads the next: it takes the requests waiting behind it (up to ``MAX_HOLDS`` holds and ``MAX_PLACES``
places, one per request key) and makes all their holds in one statement. Under load the requests that would have
queued for a connection anyway share one round trip, one commit and one plan: on two cores, 20 buyers of one
section made ~1,900 holds/s one by one and ~3,400/s gathered (make bench, hold_ceiling; issue 11). A lane's
place covers one statement: a hold that must pause (sales.CROWDED_PAUSES_S) pauses outside it.

A request the batch did not hold for (a failed check, a repeated request key, the free places running out,
a statement that failed) is told to go alone: it makes its own hold outside the lane, which reports exactly why
when it cannot. A request cancelled while it waits leaves its lane; one cancelled while it leads lets the others
go on (its batch runs in a task of its own: the others still get their holds and live updates).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

IN_FLIGHT = 2
"""Statements a lane runs at once: one being set up while one commits (a single lane then keeps PostgreSQL's
two cores busy); more only split the waiting requests into smaller batches."""

MAX_HOLDS = 16
"""Holds in one batch: more made the statement longer than the wait it saves (measured, issue 11)."""

MAX_PLACES = 64
"""Places in one batch: the pick's LIMIT, and how many places one statement locks."""

T = TypeVar("T")


@dataclass(eq=False, slots=True)
class Waiting(Generic[T]):
    """A request in a lane: what it asks for, how many places, its request key, and (once it waits) the
    future its answer comes in: a T (made), ``ALONE`` or ``LEAD``."""

    asked: Any
    places: int
    request_key: str
    future: asyncio.Future[Any] | None = None


class _Signal:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


ALONE = _Signal("ALONE")
"""The batch made nothing for this request: it makes its own hold."""

LEAD = _Signal("LEAD")
"""A statement of the lane ended: this request leads the next batch (the statement's place is handed over)."""


@dataclass(slots=True)
class _Lane:
    running: int = 0
    waiting: deque[Waiting[Any]] = field(default_factory=deque)


Batch = Callable[[Sequence[Waiting[T]]], Awaitable[dict[int, T]]]
"""Makes a batch's holds; answers by position in the batch (a request not in the answer goes alone)."""


class HoldLanes:
    """The lanes of one ServiceContext, per event loop (a future belongs to one loop)."""

    def __init__(self, in_flight: int = IN_FLIGHT) -> None:
        self.in_flight = in_flight
        self.batches = 0
        """Batch statements run (make bench reports holds per batch)."""
        self.batched = 0
        """Requests those batches carried."""
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Hashable, _Lane]] = (
            weakref.WeakKeyDictionary()
        )

    def _lanes(self) -> dict[Hashable, _Lane]:
        loop = asyncio.get_running_loop()
        lanes = self._by_loop.get(loop)
        if lanes is None:
            lanes = self._by_loop[loop] = {}
        return lanes

    async def hold(
        self, key: Hashable, request: Waiting[T], alone: Callable[[], Awaitable[T]], batch: Batch[T]
    ) -> T:
        """``request``'s hold: made ``alone`` when the lane has room, else in a batch (or alone after it)."""
        lanes = self._lanes()
        lane = lanes.get(key)
        if lane is None:
            lane = lanes[key] = _Lane()
        if lane.running < self.in_flight and not lane.waiting:
            lane.running += 1
        else:
            request.future = asyncio.get_running_loop().create_future()
            lane.waiting.append(request)
            try:
                answer = await request.future
            except asyncio.CancelledError:
                self._leave(key, lane, request)
                raise
            if answer is ALONE:
                return await alone()
            if answer is not LEAD:
                return answer  # type: ignore[no-any-return]
        return await self._lead(key, lane, request, alone, batch)

    async def _lead(
        self,
        key: Hashable,
        lane: _Lane,
        request: Waiting[T],
        alone: Callable[[], Awaitable[T]],
        batch: Batch[T],
    ) -> T:
        group = [request, *_take(lane.waiting, request)]
        if len(group) == 1:
            try:
                return await alone()
            finally:
                self._pass_lead(key, lane)
        self.batches += 1
        self.batched += len(group)
        # A task of its own, shielded: a leader cancelled (its buyer gone) does not take its followers' holds,
        # and their live updates, with it; the statement may have committed them already.
        made = await asyncio.shield(asyncio.ensure_future(self._batch(key, lane, group, batch)))
        mine = made.get(0)
        return mine if mine is not None else await alone()

    async def _batch(
        self, key: Hashable, lane: _Lane, group: list[Waiting[T]], batch: Batch[T]
    ) -> dict[int, T]:
        """Run the batch, answer the followers, pass the lead on; answers by position in ``group``."""
        try:
            try:
                made = await batch(group)
            except Exception:
                log.warning(
                    "a batch of %d standing holds failed; each is made alone", len(group), exc_info=True
                )
                made = {}
            for n, follower in enumerate(group[1:], start=1):
                _answer(follower, made.get(n, ALONE))
            return made
        except BaseException:  # the loop shutting down: nobody waits for nothing
            for follower in group[1:]:
                _answer(follower, ALONE)
            raise
        finally:
            self._pass_lead(key, lane)

    def _pass_lead(self, key: Hashable, lane: _Lane) -> None:
        """A statement ended: the first request still waiting leads the next, or the lane has one more free."""
        while lane.waiting:
            follower = lane.waiting.popleft()
            if _answer(follower, LEAD):
                return
        lane.running -= 1
        if lane.running == 0:
            lanes = self._lanes()
            if lanes.get(key) is lane:
                del lanes[key]

    def _leave(self, key: Hashable, lane: _Lane, request: Waiting[Any]) -> None:
        """A waiting request was cancelled: out of the line; if it had just been handed the lead, pass it on."""
        future = request.future
        assert future is not None
        if not future.done() or future.cancelled():
            with contextlib.suppress(ValueError):  # already taken off by _take or _pass_lead
                lane.waiting.remove(request)
            return
        if future.result() is LEAD:
            self._pass_lead(key, lane)


def _answer(request: Waiting[Any], answer: Any) -> bool:
    future = request.future
    if future is None or future.done():
        return False
    future.set_result(answer)
    return True


def _take(waiting: deque[Waiting[Any]], leader: Waiting[Any]) -> list[Waiting[Any]]:
    """The requests that join ``leader``'s batch: the first ones waiting, in order, while they fit."""
    taken: list[Waiting[Any]] = []
    keys = {leader.request_key}
    places = leader.places
    while waiting and len(taken) + 1 < MAX_HOLDS:
        nxt = waiting[0]
        if nxt.future is not None and nxt.future.done():  # cancelled while it waited
            waiting.popleft()
            continue
        if places + nxt.places > MAX_PLACES or nxt.request_key in keys:
            break
        taken.append(waiting.popleft())
        keys.add(nxt.request_key)
        places += nxt.places
    return taken
