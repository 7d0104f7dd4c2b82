"""Fixtures for the bus tests: a private Valkey to kill and restart, unique concert ids, message helpers."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis

from core.domain.events import PlaceChange, PlacesChanged
from core.domain.ids import CategoryId, ConcertId, DeviceId, PlaceId
from core.domain.places import PlaceState
from core.events.protocol import BusMessage
from core.events.redis_bus import seq_key


@pytest.fixture
def concert_id(request: pytest.FixtureRequest) -> Iterator[ConcertId]:
    """A concert id nobody else on the shared Redis uses; its seq key is removed afterwards."""
    cid = ConcertId(random.randint(1_000_000_000, 2_000_000_000))
    yield cid
    if "redis_url" in request.fixturenames:
        client = redis.Redis.from_url(request.getfixturevalue("redis_url"), socket_timeout=1)
        client.delete(seq_key(cid))
        client.close()


def places_changed(
    concert_id: ConcertId, place: int = 1, state: PlaceState = PlaceState.SOLD
) -> PlacesChanged:
    return PlacesChanged(
        concert_id=concert_id,
        changes=(PlaceChange(PlaceId(place), state),),
        availability_delta={CategoryId(1): -1},
        origin_device=DeviceId(7),
    )


async def next_message(messages: AsyncIterator[BusMessage], within: float = 1.0) -> BusMessage:
    async with asyncio.timeout(within):
        return await anext(messages)


async def no_message(messages: AsyncIterator[BusMessage], within: float) -> None:
    """Assert that nothing arrives for ``within`` seconds."""
    try:
        async with asyncio.timeout(within):
            message = await anext(messages)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected {message!r}")


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """A WAL-mode SQLite file with one table, as the engine would leave it."""
    import sqlite3

    path = tmp_path / "encore.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.close()
    return path
