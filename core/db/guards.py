"""Wrong-try guards of accounts (by e-mail address or staff number): read, lock for update, save."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import attempt_guards
from core.domain.lockout import Guard, LockoutPolicy


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


async def count_try(
    conn: AsyncConnection, key: str, policy: LockoutPolicy, now: datetime
) -> tuple[Guard, bool]:
    """Count one wrong try *before* its secret is checked, under the row lock; the right secret resets it
    afterwards. Returns the guard as it is now and whether the try is refused (locked: neither counted nor
    to be checked). Counting first means tries at once can never be checked more often than the limit."""
    guard = await lock(conn, key, now)
    if guard.locked(now):
        return guard, True
    counted = guard.fail(policy, now)
    await save(conn, key, counted, now)
    return counted, False


def password_key(email: str) -> str:
    return f"password:{email}"


def pin_key(staff_number: int) -> str:
    return f"pin:{staff_number}"
