"""seed-demo refuses a database that holds anything but its own demo (a real venue, real staff, a real order),
names what it found and changes nothing: the demo marker would make every kiosk's terminal a free card."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from core.domain.clock import ManualClock, SystemClock
from core.domain.errors import Conflict
from core.domain.orders import Payment
from core.domain.staff import Role
from core.ops import cli, seed
from core.services import catalog, checkout, devices, sales, staff, venues
from core.services.context import ServiceContext
from tests.builders import ROOT
from tests.dbstate import snapshot
from tests.support.context import open_context


async def _real_venue(ctx: ServiceContext) -> str:
    await venues.create_venue(ctx, ROOT, name="Stadthalle Musterstadt", timezone="Europe/Berlin")
    return "1 venue(s) (Stadthalle Musterstadt)"


async def _real_staff(ctx: ServiceContext) -> str:
    for n in range(5):
        await staff.create_staff(
            ctx, ROOT, email=f"door{n}@venue.example", display_name="Door", role=Role.DOOR
        )
    return "5 staff account(s) (door0@venue.example, door1@venue.example, door2@venue.example and 2 more)"


async def _real_order(ctx: ServiceContext) -> str:
    """A sale that is not marked DEMO, on the demo's own concert (this context was opened as a real one)."""
    summary = await seed.seed_demo(ctx)
    assert summary is not None
    kiosk_device = next(d for d in summary.devices if d.kind.value == "kiosk")
    kiosk = await devices.device_actor(ctx, kiosk_device.id)
    concert = summary.concerts[0]
    floor = next(s.id for s in (await catalog.get_seat_map(ctx, concert.id)).sections if s.name == "Floor")
    hold = await sales.hold_standing(ctx, kiosk, concert.id, floor, 1)
    payment = Payment("card", "real-1", hold.total)
    await checkout.checkout_hold(ctx, kiosk, hold.id, idempotency_key="real-1", payment=payment)
    return "1 order(s) that are not DEMO orders"


@pytest.mark.parametrize("make", [_real_venue, _real_staff, _real_order], ids=["venue", "staff", "order"])
async def test_seed_demo_refuses_a_database_with_real_data(ctx: ServiceContext, make) -> None:  # type: ignore[no-untyped-def]
    found = await make(ctx)
    before = await snapshot(ctx)
    with pytest.raises(Conflict) as info:
        await seed.seed_demo(ctx)
    assert info.value.code == "database_not_empty"
    assert found in info.value.message
    assert "nothing was changed" in info.value.message
    assert await snapshot(ctx) == before


async def test_control_the_demo_alone_is_left_as_it_is(ctx: ServiceContext, clock: ManualClock) -> None:
    assert await seed.seed_demo(ctx) is not None
    before = await snapshot(ctx)
    assert await seed.seed_demo(ctx) is None
    assert await snapshot(ctx) == before


def test_the_command_line_stops_with_what_it_found(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def prepare() -> dict[str, object]:
        async with open_context(sqlite_url, SystemClock()) as context:
            await _real_venue(context)
            return await snapshot(context)

    async def after() -> dict[str, object]:
        async with open_context(sqlite_url, SystemClock()) as context:
            return await snapshot(context)

    before = asyncio.run(prepare())
    config = tmp_path / "encore.toml"
    config.write_text(f'[encore]\ndatabase_url = "{sqlite_url}"\nlog_level = "WARNING"\n')
    keys = ["--kiosk-key-ref", f"file:{tmp_path / 'k.key'}", "--door-key-ref", f"file:{tmp_path / 'd.key'}"]
    assert cli.main(["--config", str(config), "seed-demo", *keys]) == 2
    err = capsys.readouterr().err
    assert "This database holds more than the demo: 1 venue(s) (Stadthalle Musterstadt)" in err
    assert asyncio.run(after()) == before
