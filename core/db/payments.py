"""Attended payments: the PIN holder behind a staff number, and each device's wrong-PIN counter and lockout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import pin_attempts, staff
from core.domain.ids import StaffId
from core.domain.lockout import Guard
from core.domain.staff import Role, StaffActor


@dataclass(frozen=True, slots=True)
class PinHolder:
    actor: StaffActor
    pin_hash: str


async def pin_holder(conn: AsyncConnection, staff_number: int) -> PinHolder | None:
    """The active staff member with this number, if they have a PIN."""
    row = (
        await conn.execute(
            select(staff.c.id, staff.c.role, staff.c.display_name, staff.c.pin_hash).where(
                staff.c.staff_number == staff_number, staff.c.active, staff.c.pin_hash.is_not(None)
            )
        )
    ).first()
    if row is None:
        return None
    return PinHolder(StaffActor(StaffId(row.id), Role(row.role), row.display_name), row.pin_hash)


async def lock_guard(conn: AsyncConnection, terminal: str, now: datetime) -> Guard:
    """The device's guard row, created if need be and locked for the rest of the transaction (PostgreSQL;
    SQLite's BEGIN IMMEDIATE already serialises writers), so two attempts at once both count. A device's
    lock does not grow, so its Guard has no lock-out count."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    await conn.execute(
        dialect.insert(pin_attempts)
        .values(terminal=terminal, failures=0, locked_until=None, updated_at=now)
        .on_conflict_do_nothing(index_elements=[pin_attempts.c.terminal])
    )
    row = (
        await conn.execute(
            select(pin_attempts.c.failures, pin_attempts.c.locked_until)
            .where(pin_attempts.c.terminal == terminal)
            .with_for_update()
        )
    ).one()
    return Guard(int(row.failures), 0, row.locked_until)


async def set_guard(conn: AsyncConnection, terminal: str, guard: Guard, now: datetime) -> None:
    await conn.execute(
        update(pin_attempts)
        .where(pin_attempts.c.terminal == terminal)
        .values(failures=guard.failures, locked_until=guard.locked_until, updated_at=now)
    )
