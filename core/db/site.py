"""Facts about this database itself (the site table)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import orders, site, staff, venues
from core.db.tables import pin_key_check as check_table

DEMO = "demo"
INSTANCE = "instance"
"""A random id made by migration 0005, once per database: the source of its Redis namespace."""


async def get(conn: AsyncConnection, key: str) -> str | None:
    value = (await conn.execute(select(site.c.value).where(site.c.key == key))).scalar()
    return None if value is None else str(value)


async def put(conn: AsyncConnection, key: str, value: str) -> None:
    await conn.execute(site.delete().where(site.c.key == key))
    await conn.execute(site.insert().values(key=key, value=value))


async def pin_key_check(conn: AsyncConnection) -> str | None:
    """The check value of the key this database's staff PINs were set with (PinKey.check_value)."""
    value = (await conn.execute(select(check_table.c.value))).scalar()
    return None if value is None else str(value)


async def take_pin_key_check(conn: AsyncConnection, value: str) -> str:
    """The database's check value: ``value`` if it had none (two servers at once: the first one's)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    await conn.execute(dialect.insert(check_table).values(id=1, value=value).on_conflict_do_nothing())
    return str((await conn.execute(select(check_table.c.value))).scalar_one())


async def replace_pin_key_check(conn: AsyncConnection, value: str) -> None:
    if not (await conn.execute(update(check_table).values(value=value))).rowcount:
        await conn.execute(check_table.insert().values(id=1, value=value))


@dataclass(frozen=True, slots=True)
class Foreign:
    """What a database holds besides a demo: venues, staff and orders the demo did not make."""

    venues: tuple[str, ...]
    venue_count: int
    staff: tuple[str, ...]
    staff_count: int
    orders: int

    def __bool__(self) -> bool:
        return bool(self.venue_count or self.staff_count or self.orders)

    def describe(self) -> str:
        def some(names: tuple[str, ...], count: int) -> str:
            more = f" and {count - len(names)} more" if count > len(names) else ""
            return ", ".join(names) + more

        parts = []
        if self.venue_count:
            parts.append(f"{self.venue_count} venue(s) ({some(self.venues, self.venue_count)})")
        if self.staff_count:
            parts.append(f"{self.staff_count} staff account(s) ({some(self.staff, self.staff_count)})")
        if self.orders:
            parts.append(f"{self.orders} order(s) that are not DEMO orders")
        return ", ".join(parts)


async def foreign_to_demo(conn: AsyncConnection, *, demo_venue: str, demo_staff: Collection[str]) -> Foreign:
    """Everything that is not the demo's own: other venues, other staff, and any order not marked DEMO."""
    shown = 3
    other_venues = venues.c.name != demo_venue
    other_staff = staff.c.email.not_in(list(demo_staff))
    count = func.count()
    return Foreign(
        venues=tuple(
            await conn.scalars(select(venues.c.name).where(other_venues).order_by(venues.c.name).limit(shown))
        ),
        venue_count=int((await conn.execute(select(count).where(other_venues))).scalar_one()),
        staff=tuple(
            await conn.scalars(select(staff.c.email).where(other_staff).order_by(staff.c.email).limit(shown))
        ),
        staff_count=int((await conn.execute(select(count).where(other_staff))).scalar_one()),
        orders=int((await conn.execute(select(count).where(orders.c.demo.is_(False)))).scalar_one()),
    )
