"""watch_concert: a hold shows up by a live event (how fast is `make bench`'s figure); gaps, other writers and a
Redis restart cause a reload."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
import redis.asyncio as aioredis

from core.domain.places import PlaceState
from core.events.redis_bus import seq_key
from core.services import sales
from core.services.live import AvailabilityView, watch_concert
from tests.builders import build_stage
from tests.support.context import open_context


async def view_where(
    views: AsyncIterator[AvailabilityView], check: Callable[[AvailabilityView], bool], within: float = 5.0
) -> AvailabilityView:
    """The first view that passes ``check``, or fail after ``within`` seconds (well inside the default 30 s re-read,
    so a view that is not ``reloaded`` came from an event)."""
    async with asyncio.timeout(within):
        async for view in views:
            if check(view):
                return view
    raise AssertionError("the stream ended")


async def test_local_subscriber_sees_a_hold_by_an_event(ctx):
    stage = await build_stage(ctx)
    views = watch_concert(ctx, stage.id)
    first = await anext(views)
    assert first.reloaded
    assert first.live
    assert first.storage_ok
    total = first.total_available
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    seen = await view_where(views, lambda v: v.states[stage.seats[0]] is PlaceState.HELD)
    assert seen.changed == set(stage.seats[:2])
    assert not seen.reloaded
    assert seen.total_available == total - 2
    await sales.release_hold(ctx, stage.kiosk, hold.id)
    back = await view_where(views, lambda v: v.states[stage.seats[0]] is PlaceState.FREE)
    assert back.total_available == total
    await views.aclose()


async def test_another_process_writing_the_sqlite_file_is_noticed(sqlite_url, clock):
    async with open_context(sqlite_url, clock) as watcher_ctx, open_context(sqlite_url, clock) as seller_ctx:
        stage = await build_stage(seller_ctx)
        views = watch_concert(watcher_ctx, stage.id)
        await anext(views)
        await sales.hold_standing(seller_ctx, stage.kiosk, stage.id, stage.standing, 3)
        seen = await view_where(views, lambda v: v.reloaded and v.total_available == 20 + 20 - 3, within=5.0)
        assert seen.states[stage.standing_places[0]] is PlaceState.HELD
        await views.aclose()


@pytest.fixture
async def redis_pair(pg_database_url, redis_url, clock):
    """Two kiosks' contexts on one PostgreSQL and one Redis."""
    async with (
        open_context(pg_database_url, clock, redis_url=redis_url) as a,
        open_context(pg_database_url, clock, redis_url=redis_url) as b,
    ):
        yield a, b


async def test_redis_subscriber_sees_another_kiosks_hold_by_an_event(redis_pair):
    seller, watcher = redis_pair
    stage = await build_stage(seller)
    views = watch_concert(watcher, stage.id)
    await anext(views)
    await sales.hold_places(seller, stage.kiosk, stage.id, [stage.seats[5]])
    seen = await view_where(views, lambda v: v.states[stage.seats[5]] is PlaceState.HELD)
    assert not seen.reloaded  # it came as an event, not from a re-read
    await views.aclose()


async def test_a_sequence_gap_makes_the_subscriber_reload(redis_pair, redis_url):
    seller, watcher = redis_pair
    stage = await build_stage(seller)
    views = watch_concert(watcher, stage.id)
    await anext(views)
    await sales.hold_places(seller, stage.kiosk, stage.id, [stage.seats[0]])
    await view_where(views, lambda v: v.states[stage.seats[0]] is PlaceState.HELD)
    client = aioredis.Redis.from_url(redis_url)
    await client.incr(seq_key(stage.id, seller.settings.redis_namespace))  # an event "lost" on the way
    await client.aclose()
    await sales.hold_places(seller, stage.kiosk, stage.id, [stage.seats[1]])
    seen = await view_where(views, lambda v: v.states[stage.seats[1]] is PlaceState.HELD)
    assert seen.reloaded
    await views.aclose()


async def test_subscriber_survives_a_redis_restart(pg_database_url, valkey, clock, expect_log):
    url = f"redis://127.0.0.1:{valkey.port}/0"
    with expect_log("core.events", "live update"):
        async with (
            open_context(pg_database_url, clock, redis_url=url) as seller,
            open_context(pg_database_url, clock, redis_url=url) as watcher,
        ):
            stage = await build_stage(seller)
            views = watch_concert(watcher, stage.id)
            await anext(views)
            valkey.stop()
            paused = await view_where(views, lambda v: not v.live, within=15.0)
            assert paused.storage_ok
            # Sales go on without Redis; the paused subscriber polls the database.
            await sales.hold_places(seller, stage.kiosk, stage.id, [stage.seats[2]])
            polled = await view_where(
                views, lambda v: v.states[stage.seats[2]] is PlaceState.HELD, within=5.0
            )
            assert not polled.live
            valkey.start(timeout=15)
            back = await view_where(views, lambda v: v.live, within=15.0)
            assert back.reloaded
            await sales.hold_places(seller, stage.kiosk, stage.id, [stage.seats[3]])
            await view_where(views, lambda v: v.states[stage.seats[3]] is PlaceState.HELD, within=5.0)
            await views.aclose()


async def test_a_lapsed_hold_shows_free_and_counts_agree(ctx, clock):
    """A kiosk that dies mid-purchase never releases; its places show free once the hold lapses."""
    stage = await build_stage(ctx, hold_seconds=60)
    views = watch_concert(ctx, stage.id)
    total = (await anext(views)).total_available
    await sales.hold_places(ctx, stage.kiosk, stage.id, [stage.seats[0]])
    await view_where(views, lambda v: v.states[stage.seats[0]] is PlaceState.HELD)
    clock.advance(61)
    await sales.hold_places(ctx, stage.other_kiosk, stage.id, [stage.seats[5]])
    seen = await view_where(views, lambda v: v.states[stage.seats[5]] is PlaceState.HELD)
    assert seen.states[stage.seats[0]] is PlaceState.FREE
    assert {stage.seats[0], stage.seats[5]} <= seen.changed
    assert seen.total_available == total - 1 == sum(1 for s in seen.states.values() if s is PlaceState.FREE)
    await views.aclose()


async def test_availability_deltas_are_exact(ctx, clock):
    """A subscriber that keeps counts from the events' deltas stays equal to the database, lapses included."""
    stage = await build_stage(ctx, hold_seconds=60)
    counted: list = []
    async with ctx.bus.subscribe(stage.id) as messages:

        async def collect(n: int) -> None:
            async with asyncio.timeout(2):
                while len(counted) < n:
                    message = await anext(messages)
                    if hasattr(message, "availability_delta"):
                        counted.append(message.availability_delta)

        first = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])  # -2
        clock.advance(61)  # lapsed: the two are takeable again without any event
        await sales.release_hold(ctx, stage.kiosk, first.id)  # +0: they were already takeable
        second = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[2:3])  # -1
        clock.advance(61)
        await sales.extend_hold(ctx, stage.kiosk, second.id)  # -1: lapsed, now held again
        await collect(4)
    assert [sum(d.values()) for d in counted] == [-2, 0, -1, -1]


async def test_a_change_that_sent_no_event_is_picked_up_by_the_periodic_reread(ctx):
    """Events are hints: a write that published nothing still shows within live_resync_s."""
    from dataclasses import replace

    from sqlalchemy import update

    from core.db.tables import places

    quick = replace(ctx, settings=replace(ctx.settings, live_resync_s=0.3))
    stage = await build_stage(quick)
    views = watch_concert(quick, stage.id)
    await anext(views)

    async def block_silently(conn):
        await conn.execute(update(places).where(places.c.id == stage.seats[7]).values(state="blocked"))

    await quick.db.write(block_silently)  # our own commit: the local bus does not treat it as another writer
    seen = await view_where(views, lambda v: v.states[stage.seats[7]] is PlaceState.BLOCKED, within=5.0)
    assert seen.reloaded
    await views.aclose()
