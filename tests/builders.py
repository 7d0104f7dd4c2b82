"""Build a venue, a plan and a concert on sale through the real admin services, for tests and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import zxingcpp

from core.domain.concert_spec import NewCategory
from core.domain.concerts import Concert
from core.domain.devices import DeviceKind
from core.domain.ids import ConcertId, PlaceId, SectionId, StaffId
from core.domain.money import Money
from core.domain.orders import Payment
from core.domain.plan_spec import GridSection
from core.domain.staff import DeviceActor, Role, StaffActor, SystemActor
from core.domain.venues import SectionKind
from core.security.device_keys import DeviceKey
from core.services import catalog, checkout, concerts, devices, sales, staff, venues
from core.services.context import ServiceContext
from core.tickets.raster import rasterise

ROOT = SystemActor("tests")


@dataclass(frozen=True)
class Stage:
    """A concert on sale with one seated and one standing section, and actors to act with."""

    concert: Concert
    seated: SectionId
    standing: SectionId
    seats: tuple[PlaceId, ...]
    """Seated places in row/number order: seats[0] is row A seat 1."""
    standing_places: tuple[PlaceId, ...]
    kiosk: DeviceActor
    other_kiosk: DeviceActor
    manager: StaffActor

    @property
    def id(self) -> ConcertId:
        return self.concert.id


async def build_stage(
    ctx: ServiceContext,
    *,
    rows: int = 2,
    seats_per_row: int = 10,
    standing: int = 20,
    max_per_order: int = 8,
    hold_seconds: int = 300,
    max_extensions: int = 10,
    name: str = "Test Hall",
) -> Stage:
    now = ctx.clock.now()
    venue = await venues.create_venue(ctx, ROOT, name=name, timezone="Europe/Berlin")
    plan = await venues.create_plan_from_grid(
        ctx,
        ROOT,
        venue.id,
        name="Main",
        sections=[
            GridSection(
                "Stalls",
                SectionKind.SEATED,
                rows=rows,
                seats_per_row=seats_per_row,
                aisle_after=(seats_per_row // 2,) if seats_per_row >= 6 else (),
            ),
            GridSection("Floor", SectionKind.STANDING, capacity=standing, origin_y=rows + 3),
        ],
    )
    concert = await concerts.create_concert(
        ctx,
        ROOT,
        venue_id=venue.id,
        plan_id=plan.id,
        title="Night Music",
        artist="The Testers",
        doors_at=now + timedelta(days=7),
        starts_at=now + timedelta(days=7, hours=1),
        sales_open_at=now - timedelta(days=1),
        sales_close_at=now + timedelta(days=7),
        currency="EUR",
        categories=[
            NewCategory("Stalls", 4500, "#3366cc", sections=("Stalls",)),
            NewCategory("Floor", 3000, "#cc6633", sections=("Floor",)),
        ],
        max_per_order=max_per_order,
        hold_seconds=hold_seconds,
        max_extensions=max_extensions,
    )
    concert = await concerts.put_on_sale(ctx, ROOT, concert.id)
    kiosk = await _approved_kiosk(ctx, f"{name} kiosk 1")
    other = await _approved_kiosk(ctx, f"{name} kiosk 2")
    manager = await staff.create_staff(
        ctx,
        ROOT,
        email=f"manager@{name.replace(' ', '').lower()}.test",
        display_name="Mia Manager",
        role=Role.MANAGER,
    )
    seat_map = await catalog.get_seat_map(ctx, concert.id)
    by_name = {s.name: s.id for s in seat_map.sections}
    seated = sorted(
        (p for p in seat_map.places if p.section_id == by_name["Stalls"]),
        key=lambda p: (p.row or "", p.number or 0),
    )
    floor = [p.id for p in seat_map.places if p.section_id == by_name["Floor"]]
    return Stage(
        concert=concert,
        seated=by_name["Stalls"],
        standing=by_name["Floor"],
        seats=tuple(p.id for p in seated),
        standing_places=tuple(floor),
        kiosk=kiosk,
        other_kiosk=other,
        manager=StaffActor(StaffId(manager.id), Role.MANAGER, manager.display_name),
    )


async def _approved_kiosk(ctx: ServiceContext, name: str) -> DeviceActor:
    device = await devices.register_device(ctx, name=name, kind=DeviceKind.KIOSK)
    await devices.approve_device(ctx, ROOT, device.id)
    return await devices.device_actor(ctx, device.id)


# --- devices that sign and scan, and selling through them -------------------------------------------


async def signing_kiosk(ctx, name: str):
    """An approved kiosk with its own device key, to sell through: the server signs its tickets."""
    key = DeviceKey.generate()
    device = await devices.register_device(
        ctx, name=name, kind=DeviceKind.KIOSK, public_key=key.public_key_bytes
    )
    await devices.approve_device(ctx, ROOT, device.id)
    return await devices.device_actor(ctx, device.id)


@dataclass(frozen=True)
class LegacyKiosk:
    """A kiosk that signed its tickets with its own key, as every kiosk did before the venue server."""

    actor: DeviceActor
    key: DeviceKey
    key_id: int


async def legacy_kiosk(ctx, name: str) -> LegacyKiosk:
    """Registered and approved as before the change: the manager's approval made its key trusted."""
    from core.db.device_keys import current_key

    key = DeviceKey.generate()
    device = await devices.register_device(
        ctx, name=name, kind=DeviceKind.KIOSK, public_key=key.public_key_bytes
    )
    await devices.approve_device(ctx, ROOT, device.id)
    found = await ctx.db.read(lambda conn: current_key(conn, device.id))
    assert found is not None
    assert found[2], "an approved kiosk's key is trusted"
    return LegacyKiosk(await devices.device_actor(ctx, device.id), key, found[0])


async def sell_the_old_way(ctx, stage, kiosk: LegacyKiosk, seats, key: str):
    """Sell, then sign the tickets exactly as a kiosk did before this change: its own key over the same payload,
    stored in tickets.key_id with no server key. What the database of an upgraded venue holds."""
    from sqlalchemy import update

    from core.db.tables import tickets as tickets_table
    from core.tickets.issuer import sign_ticket

    order = await sell(ctx, stage, kiosk.actor, seats, key)

    class _DeviceSigner:
        key_id = kiosk.key_id

        @staticmethod
        def sign(data: bytes) -> bytes:
            return kiosk.key.sign(data)

    async def resign(conn):
        for t in order.tickets:
            signature = sign_ticket(_DeviceSigner(), t.id, t.concert_id, t.issued_at)
            await conn.execute(
                update(tickets_table)
                .where(tickets_table.c.id == t.id)
                .values(key_id=kiosk.key_id, signing_key_id=None, signature=signature)
            )

    await ctx.db.write(resign)
    return order


async def door_device(ctx, name: str):
    device = await devices.register_device(ctx, name=name, kind=DeviceKind.DOOR)
    await devices.approve_device(ctx, ROOT, device.id)
    return await devices.device_actor(ctx, device.id)


async def sell(ctx, stage, kiosk, seats, key: str):
    hold = await sales.hold_places(ctx, kiosk, stage.id, seats)
    payment = Payment("card", key, Money(hold.total.minor, "EUR"))
    return await checkout.checkout_hold(ctx, kiosk, hold.id, idempotency_key=key, payment=payment)


def decode_qr_texts(pdf: bytes) -> list[str]:
    texts = []
    for page in rasterise(pdf, dpi=200):
        texts += [b.text for b in zxingcpp.read_barcodes(page) if b.format == zxingcpp.BarcodeFormat.QRCode]
    return texts
