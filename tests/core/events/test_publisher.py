"""The background publisher on the real buses: order per concert, overflow seen as a gap, a bounded shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis.asyncio

from core.domain.events import PlaceChange, PlacesChanged
from core.domain.ids import ConcertId, PlaceId
from core.domain.live import AvailabilityView
from core.domain.places import PlaceState
from core.events.local_bus import LocalBus
from core.events.protocol import EventBus, namespace_prefix
from core.events.publisher import BackgroundPublisher
from core.events.redis_bus import RedisBus, RedisTuning
from core.events.watch import watch_availability
from core.services import sales
from core.services.catalog import get_seat_map
from core.services.context import ServiceContext
from tests.builders import Stage, build_stage
from tests.core.events.conftest import next_message
from tests.support.context import open_context
from tests.support.logfail import ExpectLog
from tests.support.paused_redis import PATIENT, paused

HANG_GUARD_S = 30  # fails only a hang; a slow, loaded machine stays well inside it


@dataclass
class Buses:
    """Publishing buses (two, like two server replicas) and a listener, all on one transport."""

    publishing: list[EventBus]
    listener: EventBus


@pytest.fixture(params=["local", "redis"])
async def buses(request: pytest.FixtureRequest) -> AsyncIterator[Buses]:
    if request.param == "local":
        bus = LocalBus(None)  # one process: publishers and subscribers share the bus
        yield Buses([bus, bus], bus)
        await bus.close()
        return
    url: str = request.getfixturevalue("redis_url")
    namespace = f"t{secrets.token_hex(6)}"  # nobody else's seq keys, whatever concert ids we use
    # Patient: the control's hundreds of publishes at once open as many connections, and on a loaded machine one
    # could pass the sale-protecting 0.5 s deadline and be dropped (seq 0), leaving the listener waiting for it.
    tuning = RedisTuning(publish_timeout=10.0, connect_timeout=5.0)
    made = [RedisBus(url, namespace=namespace, tuning=tuning) for _ in range(3)]
    yield Buses(made[:2], made[2])
    for bus in made:
        await bus.close()
    client = redis.asyncio.Redis.from_url(url)
    keys = [k async for k in client.scan_iter(match=f"{namespace_prefix(namespace)}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


def _event(concert_id: ConcertId, place: int) -> PlacesChanged:
    return PlacesChanged(concert_id=concert_id, changes=(PlaceChange(PlaceId(place), PlaceState.HELD),))


async def test_publish_many_keeps_the_order_and_leaves_one_gap_where_asked(buses: Buses) -> None:
    bus = buses.publishing[0]
    a, b = ConcertId(31), ConcertId(32)
    async with buses.listener.subscribe(a) as on_a, buses.listener.subscribe(b) as on_b:
        before_a, before_b = await bus.publish(_event(a, 1)), await bus.publish(_event(b, 1))
        sent = await bus.publish_many([_event(a, 2), _event(b, 2), _event(a, 3), _event(b, 3)], gaps={a})
        got_a = [await next_message(on_a) for _ in range(3)]
        got_b = [await next_message(on_b) for _ in range(3)]
    assert [e.seq for e in sent] == [before_a.seq + 2, before_b.seq + 1, before_a.seq + 3, before_b.seq + 2]
    assert got_a == [before_a, sent[0], sent[2]]
    assert got_b == [before_b, sent[1], sent[3]]


async def test_a_batch_of_one_concerts_events_is_one_script_call(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flash sale's batch is mostly one concert's events: they go to Redis as one script call, numbered in
    order; a second concert in the batch is a second call. Counted on this bus's own pipelines (Redis's command
    statistics are the whole server's, and others may share it); the old way was a call per event (51)."""
    calls: list[list[str]] = []
    execute = redis.asyncio.client.Pipeline.execute

    async def counted(self: redis.asyncio.client.Pipeline, *args: Any, **kwargs: Any) -> Any:
        calls.append([str(c[0][0]) for c in self.command_stack])
        return await execute(self, *args, **kwargs)

    monkeypatch.setattr(redis.asyncio.client.Pipeline, "execute", counted)
    bus = RedisBus(redis_url, namespace=f"t{secrets.token_hex(6)}", tuning=RedisTuning(publish_timeout=10.0))
    a, b = ConcertId(41), ConcertId(42)
    try:
        async with bus.subscribe(a) as on_a:
            sent = await bus.publish_many([_event(a, n) for n in range(50)] + [_event(b, 1)])
            got = [await next_message(on_a) for _ in range(50)]
    finally:
        await bus.close()
    assert calls == [["EVAL", "EVAL"]]  # one pipeline: a call for each concert
    assert [e.seq for e in sent[:50]] == list(range(sent[0].seq, sent[0].seq + 50))
    assert sent[0].seq > 0
    assert sent[50].seq > 0  # the other concert's, sent in the same batch
    assert got == sent[:50]


# --- order per concert --------------------------------------------------------------------------------

Offer = Callable[[int, PlacesChanged], None]
"""Hand one publisher (by index) an event after commit."""

CONCERTS = (ConcertId(11), ConcertId(12), ConcertId(13))
SELLERS = 8
SALES = 20


async def _sell_concurrently(offer: Offer, publishers: int) -> dict[tuple[int, ConcertId], list[int]]:
    """SELLERS tasks per publisher, each committing SALES sales with the jitter of a busy box office; returns
    each publisher's events per concert (their place ids) in the order they were handed over."""
    offered: dict[tuple[int, ConcertId], list[int]] = {}

    async def seller(p: int, s: int) -> None:
        for n in range(SALES):
            await asyncio.sleep(random.random() * 0.002)  # the sale's transaction
            concert = random.choice(CONCERTS)
            place = p * 1_000_000 + s * 1_000 + n
            offered.setdefault((p, concert), []).append(place)
            offer(p, _event(concert, place))

    await asyncio.gather(*(seller(p, s) for p in range(publishers) for s in range(SELLERS)))
    return offered


async def _channel_order(
    buses: Buses, offer_with: Callable[[list[EventBus]], contextlib.AbstractAsyncContextManager[Offer]]
) -> tuple[dict[tuple[int, ConcertId], list[int]], dict[ConcertId, list[PlacesChanged]]]:
    """What each concert's channel carried while two publishers sold concurrently."""
    async with contextlib.AsyncExitStack() as stack:
        streams = {c: await stack.enter_async_context(buses.listener.subscribe(c)) for c in CONCERTS}
        offer = await stack.enter_async_context(offer_with(buses.publishing))
        offered = await _sell_concurrently(offer, len(buses.publishing))
        seen: dict[ConcertId, list[PlacesChanged]] = {}
        for concert, stream in streams.items():
            expected = sum(len(v) for (_, c), v in offered.items() if c == concert)
            for _ in range(expected):
                message = await next_message(stream, within=10)
                assert isinstance(message, PlacesChanged), message
                seen.setdefault(concert, []).append(message)
    return offered, seen


def _by_publisher(seen: list[PlacesChanged], p: int) -> list[int]:
    return [e.changes[0].place_id for e in seen if e.changes[0].place_id // 1_000_000 == p]


@contextlib.asynccontextmanager
async def _background(publishing: list[EventBus]) -> AsyncIterator[Offer]:
    async with contextlib.AsyncExitStack() as stack:
        publishers = [await stack.enter_async_context(BackgroundPublisher.running(b)) for b in publishing]
        yield lambda p, event: publishers[p].offer(event)
        for publisher in publishers:
            await publisher.flush()
            assert publisher.dropped == 0


@contextlib.asynccontextmanager
async def _task_per_event(publishing: list[EventBus]) -> AsyncIterator[Offer]:
    """The control: the obvious way off the critical path, a task per event (each with its scheduling jitter)."""
    tasks: set[asyncio.Task[Any]] = set()

    async def send(bus: EventBus, event: PlacesChanged) -> None:
        await asyncio.sleep(random.random() * 0.002)
        await bus.publish(event)

    def offer(p: int, event: PlacesChanged) -> None:
        tasks.add(asyncio.create_task(send(publishing[p], event)))

    yield offer
    await asyncio.gather(*tasks)


async def test_events_leave_in_order_per_concert_under_concurrent_publishers(buses: Buses) -> None:
    offered, seen = await _channel_order(buses, _background)
    for concert, events in seen.items():
        seqs = [e.seq for e in events]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "a gap or a reordering on the channel"
        for p in range(len(buses.publishing)):
            assert _by_publisher(events, p) == offered.get((p, concert), [])


async def test_control_a_task_per_event_reorders_under_the_same_harness(buses: Buses) -> None:
    offered, seen = await _channel_order(buses, _task_per_event)
    assert any(
        _by_publisher(events, p) != offered.get((p, concert), [])
        for concert, events in seen.items()
        for p in range(len(buses.publishing))
    ), "the race did not show"


# --- overflow ---------------------------------------------------------------------------------------


@pytest.fixture
async def seller(sqlite_url: str, clock: Any) -> AsyncIterator[tuple[ServiceContext, Stage]]:
    """The truth for the subscriber to reload: a concert in a real database."""
    async with open_context(sqlite_url, clock) as ctx:
        yield ctx, await build_stage(ctx)


async def _view_where(
    views: AsyncIterator[AvailabilityView], check: Callable[[AvailabilityView], bool]
) -> AvailabilityView:
    async with asyncio.timeout(10):
        async for view in views:
            if check(view):
                return view
    raise AssertionError("the stream ended")


async def _overflow(
    buses: Buses, seller: tuple[ServiceContext, Stage], deliver: Callable[[list[PlacesChanged]], Any]
) -> tuple[AvailabilityView, int, Stage]:
    """A subscriber watches; eleven holds commit; their events go through ``deliver`` (the first alone, then
    ten at once). Returns the view once the last event showed, and how often the subscriber read the truth."""
    ctx, stage = seller
    quiet = replace(ctx, bus=LocalBus(None), publisher=None)  # the holds' own events go nowhere
    loads = 0

    async def load(concert_id: ConcertId) -> Any:
        nonlocal loads
        loads += 1
        return await get_seat_map(ctx, concert_id)

    views = watch_availability(buses.listener, load, ctx.clock, stage.id, resync_s=3600)
    try:
        await anext(views)
        events = []
        for seat in stage.seats[:11]:
            hold = await sales.hold_places(quiet, stage.kiosk, stage.id, [seat])
            change = PlaceChange(seat, PlaceState.HELD, hold.expires_at)
            events.append(PlacesChanged(concert_id=stage.id, changes=(change,)))
        await deliver(events[:1])
        await _view_where(views, lambda v: v.states[stage.seats[0]] is PlaceState.HELD)  # seq baseline set
        await deliver(events[1:])
        last = await _view_where(views, lambda v: v.states[stage.seats[10]] is PlaceState.HELD)
    finally:
        await views.aclose()
    return last, loads, stage


async def test_an_overflow_is_seen_as_a_gap_and_the_subscriber_reloads(
    buses: Buses, seller: tuple[ServiceContext, Stage], expect_log: ExpectLog
) -> None:
    async with BackgroundPublisher.running(buses.publishing[0], max_queued=4) as publisher:

        async def deliver(events: list[PlacesChanged]) -> None:
            for event in events:  # no await in between: the publisher's task cannot run, the queue overflows
                publisher.offer(event)
            await publisher.flush()

        with expect_log("core.events.publisher", "dropping the oldest") as overflow:
            view, loads, stage = await _overflow(buses, seller, deliver)
    assert publisher.dropped == 6  # ten offered at once, four kept
    assert len(overflow.seen) == 1  # once per overflow, not per event dropped
    assert view.reloaded
    assert loads == 2
    assert all(view.states[s] is PlaceState.HELD for s in stage.seats[:11])  # the dropped ones too


async def test_control_a_queue_that_drops_silently_leaves_the_subscriber_stale(
    buses: Buses, seller: tuple[ServiceContext, Stage]
) -> None:
    async def deliver(events: list[PlacesChanged]) -> None:
        for event in events[-4:]:  # the same four kept, published without a gap
            await buses.publishing[0].publish(event)

    view, loads, stage = await _overflow(buses, seller, deliver)
    assert not view.reloaded
    assert loads == 1
    assert [view.states[s] for s in stage.seats[1:7]] == [PlaceState.FREE] * 6  # held in the database


async def test_a_publish_that_failed_leaves_a_gap(redis_url: str, expect_log: ExpectLog) -> None:
    """The server lost Redis for a moment while the kiosks kept theirs: the events it could not send are
    noticed by the next one it sends."""
    from tests.support.tcp_proxy import RestartableProxy

    namespace = f"t{secrets.token_hex(6)}"
    target = urlsplit(redis_url)
    proxy = RestartableProxy(target.hostname or "127.0.0.1", target.port or 6379)
    await proxy.start()
    bus = RedisBus(f"redis://127.0.0.1:{proxy.port}/0", namespace=namespace)
    listener = RedisBus(redis_url, namespace=namespace)
    concert = ConcertId(1)
    try:
        async with (
            listener.subscribe(concert) as messages,
            BackgroundPublisher.running(bus) as publisher,
        ):
            publisher.offer(_event(concert, 1))
            first = await next_message(messages)
            await proxy.close()
            with expect_log("core.events.redis_bus", "not published"):
                publisher.offer(_event(concert, 2))
                await publisher.flush()
            await proxy.start()
            publisher.offer(_event(concert, 3))
            after = await next_message(messages)
    finally:
        await proxy.close()
        await bus.close()
        await listener.close()
        client = redis.asyncio.Redis.from_url(redis_url)
        await client.delete(*[k async for k in client.scan_iter(match=f"{namespace_prefix(namespace)}*")])
        await client.aclose()
    assert isinstance(first, PlacesChanged)
    assert isinstance(after, PlacesChanged)
    assert after.changes == _event(concert, 3).changes
    assert after.seq == first.seq + 2  # one seq left out for the event that never went


# --- shutdown -----------------------------------------------------------------------------------------


async def test_closing_flushes_what_is_queued(buses: Buses) -> None:
    bus = buses.publishing[0]
    concert = ConcertId(21)
    async with buses.listener.subscribe(concert) as messages:
        publisher = BackgroundPublisher(bus)
        publisher.start()
        for place in range(1, 51):
            publisher.offer(_event(concert, place))
        assert publisher.pending == 50  # nothing sent yet: the task has not run
        await publisher.aclose()
        got = [await next_message(messages) for _ in range(50)]
    assert [e.changes[0].place_id for e in got if isinstance(e, PlacesChanged)] == list(range(1, 51))


async def test_closing_with_redis_paused_gives_up_after_the_flush_bound(
    valkey: Any, expect_log: ExpectLog
) -> None:
    bus = RedisBus(valkey.connection_url, tuning=PATIENT)
    try:
        await bus.publish(_event(ConcertId(1), 1))  # a pooled connection, so the stall is on the reply
        publisher = BackgroundPublisher(bus, flush_s=0.2)
        publisher.start()
        with paused(valkey):
            for place in range(2, 12):
                publisher.offer(_event(ConcertId(1), place))
            with expect_log("core.events.publisher", "not published"):
                async with asyncio.timeout(HANG_GUARD_S):
                    await publisher.aclose()
        assert publisher.dropped == 10  # the batch in hand was cancelled
        publisher.offer(_event(ConcertId(1), 12))  # after closing: dropped, not queued for nobody
        assert publisher.dropped == 11
        assert publisher.pending == 0
    finally:
        await bus.close()


class _LosesCancel:
    """A bus whose publish swallows a cancel, as asyncio.wait_for could on Python 3.11 (and aiosmtplib did, which
    hung a mail loop's shutdown): the publisher's stop must not rely on the cancel arriving."""

    def __init__(self, inner: RedisBus) -> None:
        self.inner = inner

    async def publish(self, event: PlacesChanged, *, gap: bool = False) -> PlacesChanged:
        try:
            return await self.inner.publish(event, gap=gap)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()
            return replace(event, seq=0)

    async def publish_many(
        self, events: Sequence[PlacesChanged], *, gaps: Collection[ConcertId] = ()
    ) -> list[PlacesChanged]:
        try:
            return await self.inner.publish_many(events, gaps=gaps)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()
            return [replace(e, seq=0) for e in events]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_closing_ends_even_if_the_bus_swallows_the_cancel(valkey: Any, expect_log: ExpectLog) -> None:
    inner = RedisBus(valkey.connection_url, tuning=PATIENT)
    try:
        await inner.publish(_event(ConcertId(1), 1))
        publisher = BackgroundPublisher(_LosesCancel(inner), flush_s=0.2)  # type: ignore[arg-type]
        publisher.start()
        with paused(valkey):
            for place in range(2, 12):
                publisher.offer(_event(ConcertId(1), place))
            with expect_log("core.events.publisher", "not published"):
                async with asyncio.timeout(HANG_GUARD_S):
                    await publisher.aclose()
        assert publisher.pending == 0
    finally:
        await inner.close()
