"""The venue server publishes live updates off the request's path: a kiosk's hold returns while Redis is paused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from core.api.app import create_app
from core.client.remote import RemoteClient
from core.config import Settings
from core.domain.clock import SystemClock
from core.domain.devices import DeviceKind
from core.domain.events import PlacesChanged
from core.domain.ids import ConcertId
from core.events.publisher import BackgroundPublisher
from core.events.redis_bus import RedisBus
from core.security.tokens import TokenKey
from core.services import devices
from core.services.context import ServiceContext
from tests.builders import ROOT, build_stage
from tests.core.api.conftest import Served
from tests.core.events.conftest import next_message
from tests.support.context import open_context, signing_key_ref
from tests.support.paused_redis import PATIENT, QUIET_LISTENER, paused

pytestmark = pytest.mark.postgres

HANG_GUARD_S = 30  # fails only a hang; a slow, loaded machine stays well inside it


async def _approved_kiosk(served: Served, tmp_path: Path) -> RemoteClient:
    client = served.client(tmp_path, "kiosk")
    device = (await client.enrol(DeviceKind.KIOSK, "Kiosk")).device
    await devices.approve_device(served.ctx, ROOT, device.id)
    assert (await client.enrol(DeviceKind.KIOSK, "Kiosk")).approved
    return client


@pytest.fixture
async def served_patient(pg_database_url: str, valkey: Any) -> AsyncIterator[Served]:
    """The app over a context whose bus waits for a paused Redis as long as it takes, its publisher running."""
    async with open_context(pg_database_url, SystemClock()) as base:
        bus = RedisBus(valkey.connection_url, tuning=PATIENT)
        try:
            await bus.publish(PlacesChanged(concert_id=ConcertId(0), changes=()))  # a pooled connection
            async with BackgroundPublisher.running(bus) as publisher:
                ctx = replace(base, bus=bus, publisher=publisher)
                key = TokenKey.generate()
                yield Served(create_app(ctx.settings, token_key=key, ctx=ctx), ctx, key)
        finally:
            await bus.close()


async def test_a_hold_over_the_api_returns_while_redis_is_paused(
    served_patient: Served, valkey: Any, tmp_path: Path
) -> None:
    served = served_patient
    assert served.ctx.publisher is not None
    stage = await build_stage(served.ctx)
    listener = RedisBus(valkey.connection_url, tuning=QUIET_LISTENER)
    try:
        async with await _approved_kiosk(served, tmp_path) as kiosk, listener.subscribe(stage.id) as messages:
            with paused(valkey):
                async with asyncio.timeout(HANG_GUARD_S):  # awaiting the publish would wait here
                    hold = await kiosk.hold_places(stage.id, stage.seats[:2], request_key="paused-1")
                assert served.ctx.publisher.pending == 1  # the event waits for Redis; the buyer did not
            event = await next_message(messages, within=10)
    finally:
        await listener.close()
    assert isinstance(event, PlacesChanged)
    assert {c.place_id for c in event.changes} == {p.place_id for p in hold.places}


async def test_the_server_opens_its_context_with_a_publisher(
    pg_database_url: str, redis_url: str, tmp_path: Path
) -> None:
    """encore-server's own start-up (the app's lifespan, ServiceContext.open) runs the background publisher."""
    settings = Settings(
        database_url=pg_database_url,
        redis_url=redis_url,
        ticket_signing_key_ref=signing_key_ref(pg_database_url),
    )
    key = TokenKey.generate()
    app = create_app(settings, token_key=key)
    async with app.lifespan():  # what the ASGI server runs at start-up, in this loop
        ctx: ServiceContext = app.state["api"].ctx
        assert isinstance(ctx.publisher, BackgroundPublisher)
        served = Served(app, ctx, key)
        stage = await build_stage(ctx)
        listener = RedisBus(redis_url, namespace=ctx.settings.redis_namespace)
        try:
            async with (
                await _approved_kiosk(served, tmp_path) as kiosk,
                listener.subscribe(stage.id) as messages,
            ):
                hold = await kiosk.hold_places(stage.id, stage.seats[:1], request_key="served-1")
                event = await next_message(messages, within=10)
        finally:
            await listener.close()
    assert isinstance(event, PlacesChanged)
    assert [c.place_id for c in event.changes] == [p.place_id for p in hold.places]
