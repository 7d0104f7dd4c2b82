"""200 buyers at once through a real encore-server (2 workers, TLS) on PostgreSQL: nothing is oversold, and
every buyer who loses gets a typed refusal."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import pytest

from core.client.remote import RemoteClient
from core.config import Settings
from core.domain.devices import DeviceKind
from core.domain.errors import EncoreError, NotEnoughPlaces, SeatsTaken
from core.security.device_keys import DeviceKey
from core.services import catalog, devices
from tests.builders import ROOT, build_stage
from tests.support.api_server import encore_server

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BUYERS = 200


async def _kiosks(ctx, tmp_path, count: int) -> list[Settings]:
    """``count`` approved kiosks, each with its own key file (as many machines would have)."""
    made = []
    for n in range(count):
        ref = f"file:{tmp_path / f'kiosk-{n}.key'}"
        key = DeviceKey.load_or_create(ref)
        device = await devices.register_device(
            ctx, name=f"Kiosk {n}", kind=DeviceKind.KIOSK, public_key=key.public_key_bytes
        )
        await devices.approve_device(ctx, ROOT, device.id)
        made.append(ref)
    return made


async def test_two_hundred_buyers_over_https_oversell_nothing(pg_database_url, pg_ctx, tmp_path) -> None:
    stage = await build_stage(pg_ctx, rows=3, seats_per_row=10, standing=100)
    refs = await _kiosks(pg_ctx, tmp_path, BUYERS)
    extra = {"ENCORE_SERVER_RATE_LIMITS": "enrol=1000/60,challenge=1000/60"}
    with encore_server(pg_database_url, tmp_path / "server", workers=2, extra_env=extra) as server:
        rng = random.Random(7)

        async def buyer(n: int) -> object:
            settings = Settings(
                server_url=server.url, server_ca_file=str(server.ca_file), device_key_ref=refs[n]
            )
            async with RemoteClient(settings) as client:
                await client.enrol(DeviceKind.KIOSK, f"Kiosk {n}")
                try:
                    if n % 2:
                        return await client.hold_standing(stage.id, stage.standing, 1, request_key=f"b{n}")
                    seats = rng.sample(stage.seats, 2)
                    return await client.hold_places(stage.id, seats, request_key=f"b{n}")
                except EncoreError as exc:
                    return exc

        outcomes = await asyncio.gather(*(buyer(n) for n in range(BUYERS)))
    holds = [o for o in outcomes if not isinstance(o, EncoreError)]
    refusals = [o for o in outcomes if isinstance(o, EncoreError)]
    held = Counter(p.place_id for h in holds for p in h.places)
    assert all(count == 1 for count in held.values()), "a place was held twice: OVERSOLD"
    standing_held = sum(1 for pid in held if pid in set(stage.standing_places))
    assert standing_held == 100  # exactly the standing capacity, 100 of the 100 standing buyers
    assert {type(r) for r in refusals} <= {SeatsTaken, NotEnoughPlaces}, [r.code for r in refusals]
    assert len(holds) + len(refusals) == BUYERS
    seat_map = await catalog.get_seat_map(pg_ctx, stage.id)
    taken = {p.id for p in seat_map.places if p.state.value == "held"}
    assert taken == set(held)  # the database agrees with what the buyers were told
