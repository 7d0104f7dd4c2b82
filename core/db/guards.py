"""Wrong-try guards of accounts (by e-mail address or staff number): read, lock for update, save; and the
reservations of tries being checked right now, of any guard (accounts and devices)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import attempt_guards, attempt_reservations
from core.domain.lockout import Guard


async def lock(conn: AsyncConnection, key: str, now: datetime) -> Guard:
    """The guard row, created if need be and locked for the rest of the transaction (PostgreSQL; SQLite's
    BEGIN IMMEDIATE already serialises writers), so attempts at once each count: none reads a stale count."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    await conn.execute(
        dialect.insert(attempt_guards)
        .values(key=key, failures=0, lockouts=0, locked_until=None, updated_at=now)
        .on_conflict_do_nothing(index_elements=[attempt_guards.c.key])
    )
    row = (
        await conn.execute(
            select(attempt_guards.c.failures, attempt_guards.c.lockouts, attempt_guards.c.locked_until)
            .where(attempt_guards.c.key == key)
            .with_for_update()
        )
    ).one()
    return Guard(int(row.failures), int(row.lockouts), row.locked_until)


async def save(conn: AsyncConnection, key: str, guard: Guard, now: datetime) -> None:
    await conn.execute(
        update(attempt_guards)
        .where(attempt_guards.c.key == key)
        .values(
            failures=guard.failures,
            lockouts=guard.lockouts,
            locked_until=guard.locked_until,
            updated_at=now,
        )
    )


async def pending(conn: AsyncConnection, key: str, now: datetime) -> tuple[int, int]:
    """Tries of ``key`` being checked now, and how many reservations lapsed unsettled (deleted here: the caller
    counts them as wrong). Call it under the guard's row lock, which serialises every reservation of ``key``."""
    r = attempt_reservations.c
    lapsed = await conn.execute(delete(attempt_reservations).where(r.key == key, r.expires_at <= now))
    live = await conn.execute(select(func.count()).select_from(attempt_reservations).where(r.key == key))
    return int(live.scalar_one()), int(lapsed.rowcount)


async def reserve(conn: AsyncConnection, key: str, expires_at: datetime) -> int:
    result = await conn.execute(
        insert(attempt_reservations)
        .values(key=key, expires_at=expires_at)
        .returning(attempt_reservations.c.id)
    )
    return int(result.scalar_one())


async def release(conn: AsyncConnection, reservation_id: int) -> bool:
    """Settle a reservation: False when it had lapsed and was already counted as a wrong try."""
    result = await conn.execute(
        delete(attempt_reservations).where(attempt_reservations.c.id == reservation_id)
    )
    return bool(result.rowcount)


def password_key(email: str) -> str:
    return f"password:{email}"


def pin_key(staff_number: int) -> str:
    return f"pin:{staff_number}"
