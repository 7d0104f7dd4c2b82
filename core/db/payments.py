"""Attended payments: the PIN holder behind a staff number, and each device's wrong-PIN counter and lockout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.actors import check_status, status_of
from core.db.tables import pin_attempts, staff
from core.domain.ids import StaffId
from core.domain.lockout import Guard
from core.domain.staff import Actor, Role, StaffActor


@dataclass(frozen=True, slots=True)
class PinHolder:
    actor: StaffActor
    pin_fingerprint: str | None
    pin_hash: str | None
    """An argon2 PIN set before fingerprints (then pin_fingerprint is None); never both None."""


_HAS_PIN = or_(staff.c.pin_fingerprint.is_not(None), staff.c.pin_hash.is_not(None))
_PIN_COLUMNS = (staff.c.id, staff.c.role, staff.c.display_name, staff.c.pin_fingerprint, staff.c.pin_hash)


def _holder(row: Row[*tuple[Any, ...]]) -> PinHolder:
    return PinHolder(
        StaffActor(StaffId(row.id), Role(row.role), row.display_name), row.pin_fingerprint, row.pin_hash
    )


async def pin_holder(conn: AsyncConnection, staff_number: int) -> PinHolder | None:
    """The active staff member with this number, if they have a PIN."""
    row = (
        await conn.execute(
            select(*_PIN_COLUMNS).where(staff.c.staff_number == staff_number, staff.c.active, _HAS_PIN)
        )
    ).first()
    return None if row is None else _holder(row)


async def active_pin_holder(conn: AsyncConnection, actor: Actor, staff_number: int) -> PinHolder | None:
    """``ensure_active(actor)`` and ``pin_holder(staff_number)`` in one statement (the PIN check's hot path)."""
    status, params = status_of(actor)
    one = select(literal(1).label("one")).subquery("one")
    holder = and_(staff.c.staff_number == staff_number, staff.c.active, _HAS_PIN)
    row = (
        await conn.execute(
            select(status.label("actor_status"), *_PIN_COLUMNS).select_from(one.outerjoin(staff, holder)),
            params,
        )
    ).one()
    check_status(actor, row.actor_status)
    return None if row.id is None else _holder(row)


async def lock_guard(conn: AsyncConnection, terminal: str, now: datetime) -> Guard:
    """The device's guard row, created if need be and locked for the rest of the transaction (PostgreSQL;
    SQLite's BEGIN IMMEDIATE already serialises writers), so two attempts at once both count. A device's
    lock does not grow, so its Guard has no lock-out count. One statement, as guards.lock."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    c = pin_attempts.c
    stmt = dialect.insert(pin_attempts).values(
        terminal=terminal, failures=0, locked_until=None, updated_at=now
    )
    row = (
        await conn.execute(
            stmt.on_conflict_do_update(index_elements=[c.terminal], set_={"failures": c.failures}).returning(
                c.failures, c.locked_until
            )
        )
    ).one()
    return Guard(int(row.failures), 0, row.locked_until)


async def set_guard(conn: AsyncConnection, terminal: str, guard: Guard, now: datetime) -> None:
    await conn.execute(
        update(pin_attempts)
        .where(pin_attempts.c.terminal == terminal)
        .values(failures=guard.failures, locked_until=guard.locked_until, updated_at=now)
    )
