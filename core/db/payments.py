"""Attended payments: who may confirm one with a PIN, and each terminal's wrong-PIN counter and lockout."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import pin_attempts, staff
from core.domain.ids import StaffId
from core.domain.staff import Role, StaffActor


@dataclass(frozen=True, slots=True)
class PinHolder:
    actor: StaffActor
    pin_hash: str


@dataclass(frozen=True, slots=True)
class PinGuard:
    failures: int
    """Wrong PINs in a row since the last correct one or the last lockout."""
    locked_until: datetime | None


async def pin_holders(conn: AsyncConnection, roles: Iterable[Role]) -> list[PinHolder]:
    """Active staff with a PIN in one of ``roles``, oldest account first."""
    rows = (
        await conn.execute(
            select(staff.c.id, staff.c.role, staff.c.display_name, staff.c.pin_hash)
            .where(
                staff.c.active,
                staff.c.pin_hash.is_not(None),
                staff.c.role.in_([r.value for r in roles]),
            )
            .order_by(staff.c.id)
        )
    ).all()
    return [PinHolder(StaffActor(StaffId(r.id), Role(r.role), r.display_name), r.pin_hash) for r in rows]


async def get_guard(conn: AsyncConnection, terminal: str) -> PinGuard:
    row = (
        await conn.execute(
            select(pin_attempts.c.failures, pin_attempts.c.locked_until).where(
                pin_attempts.c.terminal == terminal
            )
        )
    ).first()
    return PinGuard(0, None) if row is None else PinGuard(int(row.failures), row.locked_until)


async def lock_guard(conn: AsyncConnection, terminal: str, now: datetime) -> PinGuard:
    """The terminal's guard row, created if need be and locked for the rest of the transaction (PostgreSQL;
    SQLite's BEGIN IMMEDIATE already serialises writers), so two attempts at once both count."""
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
    return PinGuard(int(row.failures), row.locked_until)


async def set_guard(conn: AsyncConnection, terminal: str, guard: PinGuard, now: datetime) -> None:
    await conn.execute(
        update(pin_attempts)
        .where(pin_attempts.c.terminal == terminal)
        .values(failures=guard.failures, locked_until=guard.locked_until, updated_at=now)
    )
