"""open_bus picks the adapter from the settings and never fails on a dead Redis."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import Settings
from core.domain.ids import ConcertId
from core.events.factory import open_bus, sqlite_file
from core.events.local_bus import LocalBus
from core.events.protocol import BusStatus
from core.events.redis_bus import RedisBus
from tests.core.events.conftest import next_message
from tests.support.logfail import ExpectLog
from tests.support.probes import free_port


async def test_sqlite_url_gives_a_watching_local_bus(tmp_path: Path) -> None:
    bus = await open_bus(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3"))
    assert isinstance(bus, LocalBus)
    assert bus._db_path == tmp_path / "x.sqlite3"
    await bus.close()


async def test_postgres_without_redis_gives_a_local_bus_without_watching() -> None:
    bus = await open_bus(Settings(database_url="postgresql+asyncpg://encore@db.example/encore"))
    assert isinstance(bus, LocalBus)
    assert bus._db_path is None
    await bus.close()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite+aiosqlite:////var/lib/encore/e.sqlite3", Path("/var/lib/encore/e.sqlite3")),
        ("sqlite+aiosqlite:///:memory:", None),
        ("sqlite+aiosqlite://", None),
        ("postgresql+asyncpg://encore@db/encore", None),
    ],
)
def test_sqlite_file(url: str, expected: Path | None) -> None:
    assert sqlite_file(url) == expected


async def test_redis_down_at_start_still_gives_a_bus(expect_log: ExpectLog) -> None:
    with expect_log("core.events.factory", "not reachable"):
        bus = await open_bus(Settings(redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    assert isinstance(bus, RedisBus)
    with expect_log("core.events.redis_bus", "paused"):
        async with bus.subscribe(ConcertId(1)) as messages:
            assert await next_message(messages) == BusStatus(False)
    await bus.close()


async def test_redis_url_gives_a_redis_bus(redis_url: str) -> None:
    bus = await open_bus(Settings(redis_url=redis_url))
    assert isinstance(bus, RedisBus)
    assert await bus.ping()
    await bus.close()
