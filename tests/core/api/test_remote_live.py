"""A device watching a concert through the remote client: Redis events as hints, the server's API as the truth;
without Redis it polls the server."""

from __future__ import annotations

import asyncio

import pytest

from core.client.remote import RemoteClient
from core.config import Settings
from core.domain.devices import DeviceKind
from core.domain.places import PlaceState
from core.services import devices, sales
from tests.builders import ROOT, build_stage

pytestmark = pytest.mark.postgres


async def _watch_until_taken(client: RemoteClient, ctx, stage, seat) -> tuple[bool, float]:
    loop = asyncio.get_running_loop()
    started = None
    live = None
    async with asyncio.timeout(10):
        async for view in client.watch_concert(stage.id):
            if started is None:
                started = loop.time()
                await sales.hold_places(ctx, stage.kiosk, stage.id, [seat], request_key="other-kiosk")
                continue
            live = view.live
            if view.states[seat] is PlaceState.HELD:
                return bool(live), loop.time() - started
    raise AssertionError("never saw the seat go")


@pytest.mark.parametrize("with_redis", [True, False])
async def test_another_kiosks_hold_shows_on_a_remote_kiosk(
    served_pg, tmp_path, redis_url, with_redis
) -> None:
    served = served_pg
    stage = await build_stage(served.ctx)
    settings = Settings(
        server_url="http://encore.test",
        device_key_ref=f"file:{tmp_path / 'kiosk.key'}",
        redis_url=redis_url if with_redis else "",
    )
    async with RemoteClient(settings, transport=served.transport()) as client:
        device = (await client.enrol(DeviceKind.KIOSK, "Watcher")).device
        await devices.approve_device(served.ctx, ROOT, device.id)
        await client.enrol(DeviceKind.KIOSK, "Watcher")
        live, seconds = await _watch_until_taken(client, served.ctx, stage, stage.seats[3])
    assert live is with_redis
    assert seconds < (1.0 if with_redis else 4.0)
