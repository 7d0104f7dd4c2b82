"""Live updates per database: the Redis namespace comes from the database, and a kiosk as the device user sees
the server's events while its own publishes are refused by Redis."""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from redis.asyncio import Redis

from core.config import REDIS_NAMESPACE, Settings
from core.db import site as site_db
from core.db.engine import create_engine
from core.db.migrate import upgrade
from core.domain.clock import Clock
from core.domain.events import PlacesChanged
from core.domain.places import PlaceState
from core.events import acl
from core.events.protocol import namespace_prefix
from core.events.redis_bus import RedisBus
from core.services import sales
from core.services.context import ServiceContext, namespace_of
from core.services.live import watch_concert
from tests.builders import build_stage
from tests.core.services.test_live import view_where
from tests.support.context import open_context
from tests.support.logfail import ExpectLog

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

SERVER_VAR = f"ENCORE_TEST_LIVE_SERVER_{os.getpid()}"
DEVICE_VAR = f"ENCORE_TEST_LIVE_DEVICE_{os.getpid()}"
_numbers = itertools.count(1)


async def _instance(ctx: ServiceContext) -> str:
    instance = await ctx.db.read(lambda conn: site_db.get(conn, site_db.INSTANCE))
    assert instance is not None
    return instance


async def test_every_context_of_one_database_derives_the_same_namespace(
    pg_database_url: str, redis_url: str, clock: Clock
) -> None:
    async with (
        open_context(pg_database_url, clock, redis_url=redis_url) as a,
        open_context(pg_database_url, clock, redis_url=redis_url) as b,
    ):
        namespace = namespace_of(await _instance(a))
        assert REDIS_NAMESPACE.fullmatch(namespace)
        assert a.settings.redis_namespace == b.settings.redis_namespace == namespace
        assert isinstance(a.bus, RedisBus)
        assert a.bus.namespace == namespace


async def test_another_database_gets_another_namespace(
    pg_database_url: str, redis_url: str, clock: Clock, tmp_path: Path
) -> None:
    other = f"sqlite+aiosqlite:///{tmp_path / 'other.sqlite3'}"
    engine = create_engine(other)
    try:
        await upgrade(engine)  # a database of its own, not a copy: its own instance id
    finally:
        await engine.dispose()
    async with (
        open_context(pg_database_url, clock, redis_url=redis_url) as a,
        open_context(other, clock, redis_url=redis_url) as b,
    ):
        assert a.settings.redis_namespace != b.settings.redis_namespace
        stage = await build_stage(a)
        # The same concert id on both buses: only the database that sold sees the event.
        async with b.bus.subscribe(stage.id) as theirs, a.bus.subscribe(stage.id) as ours:
            await sales.hold_places(a, stage.kiosk, stage.id, [stage.seats[0]])
            async with asyncio.timeout(1.0):
                event = await anext(ours)
            assert isinstance(event, PlacesChanged)
            assert event.concert_id == stage.id
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.3):
                    await anext(theirs)


async def test_a_configured_namespace_wins(pg_database_url: str, redis_url: str, clock: Clock) -> None:
    settings = Settings(database_url=pg_database_url, redis_url=redis_url, redis_namespace="venue-a")
    async with ServiceContext.open(settings, clock=clock) as ctx:
        assert ctx.settings.redis_namespace == "venue-a"
        assert isinstance(ctx.bus, RedisBus)
        assert ctx.bus.namespace == "venue-a"


@dataclass(frozen=True)
class Venue:
    server: Settings
    kiosk: Settings


@pytest.fixture
async def venue(
    pg_database_url: str, redis_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Venue]:
    """ACL users for the test database's namespace, and the settings a server and a kiosk would have."""
    async with open_context(pg_database_url, clock) as plain:
        namespace = namespace_of(await _instance(plain))
    suffix = f"{os.getpid()}-{next(_numbers)}"  # users are global to the Redis server
    server, device = acl.server_user(namespace, f"srv-{suffix}"), acl.device_user(namespace, f"dev-{suffix}")
    passwords = {SERVER_VAR: secrets.token_urlsafe(16), DEVICE_VAR: secrets.token_urlsafe(16)}
    for var, value in passwords.items():
        monkeypatch.setenv(var, value)
    admin = Redis.from_url(redis_url)
    await acl.apply(admin, server, passwords[SERVER_VAR])
    await acl.apply(admin, device, passwords[DEVICE_VAR])
    parts = urlsplit(redis_url)

    def as_user(name: str, var: str) -> Settings:
        url = parts._replace(netloc=f"{name}@{parts.netloc}").geturl()  # the user in the URL, no password
        return Settings(database_url=pg_database_url, redis_url=url, redis_password_ref=f"env:{var}")

    try:
        yield Venue(as_user(server.name, SERVER_VAR), as_user(device.name, DEVICE_VAR))
    finally:
        await acl.delete(admin, server.name, device.name)
        keys = [k async for k in admin.scan_iter(match=f"{namespace_prefix(namespace)}*")]
        if keys:
            await admin.delete(*keys)
        await admin.aclose()


async def test_a_kiosk_as_the_device_user_sees_the_servers_holds(venue: Venue, clock: Clock) -> None:
    async with (
        ServiceContext.open(venue.server, clock=clock) as server,
        ServiceContext.open(venue.kiosk, clock=clock) as kiosk,
    ):
        stage = await build_stage(server)
        views = watch_concert(kiosk, stage.id)
        await anext(views)
        await sales.hold_places(server, stage.kiosk, stage.id, [stage.seats[0]])
        seen = await view_where(views, lambda v: v.states[stage.seats[0]] is PlaceState.HELD)
        assert not seen.reloaded  # it came as an event through Redis, to the device user
        await views.aclose()


async def test_a_kiosk_as_the_device_user_cannot_publish(
    venue: Venue, clock: Clock, expect_log: ExpectLog
) -> None:
    """A sale made in the kiosk's own context (today's direct mode) still commits; Redis refuses its event."""
    async with (
        ServiceContext.open(venue.server, clock=clock) as server,
        ServiceContext.open(venue.kiosk, clock=clock) as kiosk,
    ):
        stage = await build_stage(server)
        views = watch_concert(server, stage.id)
        await anext(views)
        with expect_log("core.events.redis_bus", "not published: NoPermissionError"):
            hold = await sales.hold_places(kiosk, stage.kiosk, stage.id, [stage.seats[1]])
            assert kiosk.publisher is not None
            await kiosk.publisher.flush()  # the publish follows the sale, on the publisher's own task
        assert hold.places[0].place_id == stage.seats[1]  # the sale stands: events are hints
        with pytest.raises(TimeoutError):  # and no event reached the server's subscriber
            await view_where(
                views, lambda v: v.states[stage.seats[1]] is PlaceState.HELD and not v.reloaded, within=0.5
            )
        await views.aclose()
