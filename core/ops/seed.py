"""The demo data: Encore Hall, its plan, four concerts on sale, staff accounts, two approved devices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import device_keys as keys_db
from core.db import devices as devices_db
from core.db import names as names_db
from core.db import site as site_db
from core.domain.concert_spec import NewCategory
from core.domain.concerts import Concert
from core.domain.devices import Device, DeviceKind, DeviceStatus
from core.domain.errors import Conflict, ErrorCode
from core.domain.ids import PlanId, VenueId
from core.domain.plan_spec import GridSection
from core.domain.staff import Role, Staff, SystemActor
from core.domain.venues import SeatingPlan, SectionKind
from core.security.device_keys import DeviceKey
from core.services import concerts, devices, staff, venues
from core.services.context import ServiceContext

VENUE = "Encore Hall"
TIMEZONE = "Europe/Berlin"
SEED = SystemActor("seed-demo")


@dataclass(frozen=True, slots=True)
class DemoAccount:
    email: str
    display_name: str
    role: Role
    password: str
    pin: str
    staff_number: int


# Fixed, documented demo credentials: a demo database is for trying Encore out, and fixed passwords let anyone
# who lost the printout sign in again. Never use a demo database for real sales.
DEMO_ACCOUNTS = (
    DemoAccount("admin@encore.demo", "Ada Admin", Role.ADMIN, "demo-admin-2026", "111111", 1),
    DemoAccount("manager@encore.demo", "Max Manager", Role.MANAGER, "demo-manager-2026", "222222", 2),
    DemoAccount("boxoffice@encore.demo", "Bo Boxoffice", Role.BOX_OFFICE, "demo-boxoffice-2026", "333333", 3),
    DemoAccount("door@encore.demo", "Dora Door", Role.DOOR, "demo-door-2026", "444444", 4),
)

PLAN = (
    GridSection(
        "Stalls",
        SectionKind.SEATED,
        rows=20,
        seats_per_row=30,
        origin_x=0,
        origin_y=4,
        accessible_seats=(("A", 1), ("A", 30)),
        companion_seats=(("A", 2), ("A", 29)),
        aisle_after=(10, 20),
    ),
    GridSection(
        "Circle",
        SectionKind.SEATED,
        rows=16,
        seats_per_row=25,
        origin_x=3.5,
        origin_y=26,
        accessible_seats=(("A", 12),),
        companion_seats=(("A", 13),),
        aisle_after=(12,),
    ),
    GridSection(
        "Balcony",
        SectionKind.SEATED,
        rows=10,
        seats_per_row=20,
        origin_x=6,
        origin_y=44,
        restricted_seats=tuple(("J", n) for n in (1, 2, 19, 20)),
    ),
    GridSection("Floor", SectionKind.STANDING, capacity=800),
)

ACCESSIBLE = (("Stalls", "A", 1), ("Stalls", "A", 30), ("Circle", "A", 12))
COMPANION = (("Stalls", "A", 2), ("Stalls", "A", 29), ("Circle", "A", 13))

CONCERTS = (
    ("Midnight Strings", "The Aurora Quartet", 7, 4900),
    ("Brass Avenue", "Brass Avenue Big Band", 14, 3900),
    ("Northern Lights", "Ilse Nordlicht", 21, 5900),
    ("Late Night Jazz", "The Blue Hour Trio", 28, 3500),
)


# The demo's names in the kiosk's other languages (a venue enters its own in admin).
SECTION_NAMES = {
    "Stalls": {"de": "Parkett", "es": "Platea"},
    "Circle": {"de": "Rang", "es": "Anfiteatro"},
    "Balcony": {"de": "Balkon", "es": "Galería"},
    "Floor": {"de": "Stehbereich", "es": "Pista"},
}
CATEGORY_NAMES = {
    **SECTION_NAMES,
    "Accessible": {"de": "Rollstuhlplatz", "es": "Plaza accesible"},
    "Companion": {"de": "Begleitplatz", "es": "Acompañante"},
}


@dataclass(frozen=True, slots=True)
class DemoSummary:
    plan: SeatingPlan
    concerts: tuple[Concert, ...]
    staff: tuple[Staff, ...]
    devices: tuple[Device, ...]


async def refuse_foreign_data(ctx: ServiceContext) -> None:
    """The demo marker makes every kiosk's terminal a free simulated card: it may never land on a database that
    holds a real venue, real staff or a real order."""
    emails = [a.email for a in DEMO_ACCOUNTS]
    found = await ctx.db.read(lambda conn: site_db.foreign_to_demo(conn, demo_venue=VENUE, demo_staff=emails))
    if found:
        raise Conflict(
            f"This database holds more than the demo: {found.describe()}. The demo goes only into an empty "
            "database (or one that holds nothing but the demo), so nothing was changed. Give seed-demo a new, "
            "empty database.",
            code=ErrorCode.DATABASE_NOT_EMPTY,
        )


async def demo_exists(ctx: ServiceContext) -> bool:
    return any(v.name == VENUE for v in await venues.list_venues(ctx))


async def seed_demo(
    ctx: ServiceContext, *, kiosk_key: DeviceKey | None = None, door_key: DeviceKey | None = None
) -> DemoSummary | None:
    """Create the demo once; None (and nothing changed) when the demo venue already exists.

    With keys, the demo kiosk and door are registered with this machine's public keys, so the apps on this
    machine find their approved device at once (services.devices.enrol_this_device).
    """
    await refuse_foreign_data(ctx)
    if await demo_exists(ctx):
        return None
    venue = await venues.create_venue(ctx, SEED, name=VENUE, timezone=TIMEZONE)
    plan = await venues.create_plan_from_grid(ctx, SEED, venue.id, name="Main hall", sections=PLAN)
    made = []
    for title, artist, days, base in CONCERTS:
        concert = await _create_concert(ctx, venue.id, plan.id, title, artist, days, base)
        made.append(await concerts.put_on_sale(ctx, SEED, concert.id))
    people = tuple(
        [
            await staff.create_staff(
                ctx,
                SEED,
                email=a.email,
                display_name=a.display_name,
                role=a.role,
                password=a.password,
                pin=a.pin,
                staff_number=a.staff_number,
            )
            for a in DEMO_ACCOUNTS
        ]
    )
    kit = []
    for name, kind, key in (
        ("Demo kiosk", DeviceKind.KIOSK, kiosk_key),
        ("Demo door", DeviceKind.DOOR, door_key),
    ):
        public_key = key.public_key_bytes if key is not None else None
        device = await devices.register_device(ctx, name=name, kind=kind, public_key=public_key)
        kit.append(await devices.approve_device(ctx, SEED, device.id))

    async def mark(conn: AsyncConnection) -> None:
        # The marker that says "this is a demo database": the apps may show a DEMO banner when they see it.
        await site_db.put(conn, site_db.DEMO, "true")
        await names_db.put_section_names(conn, plan.id, SECTION_NAMES)
        for concert in made:
            await names_db.put_category_names(conn, concert.id, CATEGORY_NAMES)
        await audit.record(
            conn, at=ctx.clock.now(), actor=SEED, action="demo_seeded", subject=f"venue:{venue.id}"
        )

    await ctx.db.write(mark)
    return DemoSummary(plan=plan, concerts=tuple(made), staff=people, devices=tuple(kit))


async def _create_concert(
    ctx: ServiceContext, venue_id: VenueId, plan_id: PlanId, title: str, artist: str, days: int, base: int
) -> Concert:
    """A concert ``days`` from now at 20:00 Berlin time, on sale from now until it starts."""
    zone = ZoneInfo(TIMEZONE)
    now = ctx.clock.now()
    starts = datetime.combine((now.astimezone(zone) + timedelta(days=days)).date(), time(20, 0), tzinfo=zone)
    categories = (
        NewCategory("Stalls", base + 1000, "#c0392b", sections=("Stalls",)),
        NewCategory("Circle", base, "#2471a3", sections=("Circle",)),
        NewCategory("Balcony", base - 1500, "#1e8449", sections=("Balcony",)),
        NewCategory("Floor", base - 500, "#b9770e", sections=("Floor",)),
        # Single-seat categories win over their section's: wheelchair places and the companion seats beside
        # them at half the balcony price. (Not free: a self-service kiosk cannot check who needs a companion.)
        NewCategory("Accessible", (base - 1500) // 2, "#6c3483", seats=ACCESSIBLE),
        NewCategory("Companion", (base - 1500) // 2, "#566573", seats=COMPANION),
    )
    return await concerts.create_concert(
        ctx,
        SEED,
        venue_id=venue_id,
        plan_id=plan_id,
        title=title,
        artist=artist,
        currency="EUR",
        doors_at=starts - timedelta(minutes=90),
        starts_at=starts,
        sales_open_at=now - timedelta(minutes=5),
        sales_close_at=starts,
        categories=categories,
    )


async def is_demo_database(ctx: ServiceContext) -> bool:
    async def work(conn: AsyncConnection) -> bool:
        return await site_db.get(conn, site_db.DEMO) == "true"

    return await ctx.db.read(work)


async def adopt_demo_device(ctx: ServiceContext, kind: DeviceKind, key: DeviceKey) -> Device | None:
    """On a demo database, register and approve this machine's key as a demo device of ``kind`` when no device
    has it yet (a machine that did not seed the demo, or a new key). None when nothing was needed."""
    if not await is_demo_database(ctx):
        raise Conflict(
            "This is not a demo database: devices here are registered and approved by a manager.",
            code=ErrorCode.NOT_A_DEMO_DATABASE,
        )

    async def find(conn: AsyncConnection) -> Device | None:
        found = await keys_db.device_for_key(conn, key.public_key_bytes)
        return None if found is None else await devices_db.get_device(conn, found[0])

    existing = await ctx.db.read(find)
    if existing is not None and existing.status is DeviceStatus.APPROVED:
        return None
    if existing is not None:
        raise Conflict(
            f"This machine's key belongs to {existing.name}, which is {existing.status.value}; approve it in "
            "the admin app or give this machine a new key.",
            code=ErrorCode.DEVICE_NOT_ADOPTABLE,
        )
    base = f"Demo {'kiosk' if kind is DeviceKind.KIOSK else kind.value.replace('_', ' ')}"
    try:
        device = await devices.register_device(ctx, name=base, kind=kind, public_key=key.public_key_bytes)
    except Conflict as exc:  # the demo's own device has that name: this machine's gets its key's fingerprint
        if exc.code != ErrorCode.DEVICE_EXISTS:
            raise
        name = f"{base} {key.fingerprint}"
        device = await devices.register_device(ctx, name=name, kind=kind, public_key=key.public_key_bytes)
    return await devices.approve_device(ctx, SEED, device.id)
