"""A sale never waits for Redis: its live update is queued after commit and sent by the context's publisher."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
import redis.asyncio
from sqlalchemy import func, select

from core.db.tables import places
from core.domain.events import PlaceChange, PlacesChanged
from core.domain.ids import ConcertId, PlaceId
from core.domain.places import PlaceState
from core.events.publisher import BackgroundPublisher
from core.events.redis_bus import RedisBus, seq_key
from core.services import sales
from core.services.context import ServiceContext
from tests.builders import Stage, build_stage
from tests.core.events.conftest import next_message
from tests.support.context import open_context
from tests.support.paused_redis import PATIENT, QUIET_LISTENER, paused

pytestmark = pytest.mark.postgres

HANG_GUARD_S = 30  # fails only a hang; a slow, loaded machine stays well inside it


@pytest.fixture
async def seller(
    pg_database_url: str, clock: Any, valkey: Any
) -> AsyncIterator[tuple[ServiceContext, Stage]]:
    """A server's context whose bus waits for a paused Redis as long as it takes, with its publisher running."""
    async with open_context(pg_database_url, clock) as base:
        stage = await build_stage(base)
        bus = RedisBus(valkey.connection_url, tuning=PATIENT)
        try:
            await bus.publish(PlacesChanged(concert_id=ConcertId(0), changes=()))  # a pooled connection
            async with BackgroundPublisher.running(bus) as publisher:
                yield replace(base, bus=bus, publisher=publisher), stage
        finally:
            await bus.close()


@pytest.fixture
async def listener(valkey: Any) -> AsyncIterator[RedisBus]:
    bus = RedisBus(valkey.connection_url, tuning=QUIET_LISTENER)
    yield bus
    await bus.close()


async def _held(ctx: ServiceContext) -> int:
    async def count(conn: Any) -> int:
        return int(await conn.scalar(select(func.count()).where(places.c.state == PlaceState.HELD.value)))

    return await ctx.db.read(count)


async def test_a_hold_returns_while_redis_is_paused(
    seller: tuple[ServiceContext, Stage], listener: RedisBus, valkey: Any
) -> None:
    ctx, stage = seller
    assert ctx.publisher is not None
    async with listener.subscribe(stage.id) as messages:
        with paused(valkey):
            async with asyncio.timeout(HANG_GUARD_S):  # the old path would wait here until Redis answers
                standing = await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2)
                seats = await sales.hold_places(ctx, stage.other_kiosk, stage.id, stage.seats[:2])
            assert ctx.publisher.pending == 2  # both events wait for Redis; the sales did not
        first, second = await next_message(messages, within=10), await next_message(messages, within=10)
    assert isinstance(first, PlacesChanged)
    assert isinstance(second, PlacesChanged)
    assert {c.place_id for c in first.changes} == {p.place_id for p in standing.places}
    assert {c.place_id for c in second.changes} == {p.place_id for p in seats.places}
    assert second.seq == first.seq + 1


async def test_control_awaiting_the_publish_waits_for_a_paused_redis(
    seller: tuple[ServiceContext, Stage], listener: RedisBus, valkey: Any
) -> None:
    """The same hold on the old path (the context publishes inline, awaiting the bus) does not return until
    Redis answers: the commit is done, the sale waits on Redis alone."""
    ctx, stage = seller
    inline = replace(ctx, publisher=None)
    committed = asyncio.Event()
    ctx.db.after_commit.append(committed.set)
    async with listener.subscribe(stage.id) as messages:
        with paused(valkey):
            hold = asyncio.create_task(sales.hold_standing(inline, stage.kiosk, stage.id, stage.standing, 2))
            async with asyncio.timeout(HANG_GUARD_S):
                await committed.wait()
            assert await _held(ctx) == 2  # the sale is in the database
            await asyncio.sleep(0.3)  # time enough to return, had it nothing left to wait for
            assert not hold.done()
        async with asyncio.timeout(HANG_GUARD_S):
            held = await hold  # Redis answered: now the sale returns
        event = await next_message(messages, within=10)
    assert isinstance(event, PlacesChanged)
    assert {c.place_id for c in event.changes} == {p.place_id for p in held.places}


async def test_closing_the_context_flushes_the_queued_events(
    pg_database_url: str, clock: Any, redis_url: str
) -> None:
    """ServiceContext.open starts the publisher, and closing the context sends what the last sales queued."""
    concert = ConcertId(3_000_000_000 + secrets.randbelow(1_000_000))
    stack = contextlib.AsyncExitStack()
    ctx = await stack.enter_async_context(open_context(pg_database_url, clock, redis_url=redis_url))
    namespace = ctx.settings.redis_namespace
    listener = RedisBus(redis_url, namespace=namespace)
    try:
        assert ctx.publisher is not None
        async with listener.subscribe(concert) as messages:
            # The last sales before a shutdown; nothing in between lets the publisher's task run, so all twenty
            # are still queued when the context closes.
            for n in range(1, 21):
                await ctx.publish(_sold(concert, n))
            assert ctx.publisher.pending == 20
            await stack.aclose()
            got = [await next_message(messages, within=10) for _ in range(20)]
    finally:
        await stack.aclose()
        await listener.close()
        client = redis.asyncio.Redis.from_url(redis_url)
        await client.delete(seq_key(concert, namespace))
        await client.aclose()
    assert [e.changes[0].place_id for e in got if isinstance(e, PlacesChanged)] == list(range(1, 21))


def _sold(concert: ConcertId, place: int) -> PlacesChanged:
    return PlacesChanged(concert_id=concert, changes=(PlaceChange(PlaceId(place), PlaceState.SOLD),))
