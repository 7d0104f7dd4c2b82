"""Wrong-try guards of accounts (by e-mail address or staff number): read, lock for update, save; and the
reservations of tries being checked right now, of any guard (accounts and devices)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import attempt_guards, attempt_reservations
from core.domain.lockout import Guard


async def lock(conn: AsyncConnection, key: str, now: datetime) -> Guard:
    """The guard row, created if need be and locked for the rest of the transaction (PostgreSQL; SQLite's
    BEGIN IMMEDIATE already serialises writers), so attempts at once each count: none reads a stale count.
    One statement: the upsert's no-op update takes the row lock and returns the row as it is once locked."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(attempt_guards).values(
        key=key, failures=0, lockouts=0, locked_until=None, updated_at=now
    )
    c = attempt_guards.c
    row = (
        await conn.execute(
            stmt.on_conflict_do_update(index_elements=[c.key], set_={"failures": c.failures}).returning(
                c.failures, c.lockouts, c.locked_until
            )
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


async def pending_of(conn: AsyncConnection, keys: Sequence[str], now: datetime) -> dict[str, tuple[int, int]]:
    """``pending`` of several keys in one statement, under their guards' row locks; lapsed reservations are
    deleted here too (a second statement, only when some lapsed: a request died mid-check)."""
    r = attempt_reservations.c
    lapsed_now = r.expires_at <= now
    rows = await conn.execute(
        select(
            r.key,
            func.sum(case((lapsed_now, 0), else_=1)).label("live"),
            func.sum(case((lapsed_now, 1), else_=0)).label("lapsed"),
        )
        .where(r.key.in_(keys))
        .group_by(r.key)
    )
    found = {key: (0, 0) for key in keys}
    for row in rows:
        found[row.key] = (int(row.live), int(row.lapsed))
    if any(lapsed for _, lapsed in found.values()):
        deleted = await conn.execute(
            delete(attempt_reservations).where(r.key.in_(keys), lapsed_now).returning(r.key)
        )
        gone = Counter(key for (key,) in deleted)
        found = {key: (live, gone[key]) for key, (live, _) in found.items()}
    return found


async def reserve(conn: AsyncConnection, key: str, expires_at: datetime) -> int:
    result = await conn.execute(
        insert(attempt_reservations)
        .values(key=key, expires_at=expires_at)
        .returning(attempt_reservations.c.id)
    )
    return int(result.scalar_one())


async def reserve_each(conn: AsyncConnection, keys: Sequence[str], expires_at: datetime) -> tuple[int, ...]:
    """A reservation with each key, in one statement: their ids in the keys' order."""
    r = attempt_reservations.c
    result = await conn.execute(
        insert(attempt_reservations).returning(r.id, sort_by_parameter_order=True),
        [{"key": key, "expires_at": expires_at} for key in keys],
    )
    return tuple(int(id_) for id_ in result.scalars())


async def release(conn: AsyncConnection, reservation_id: int) -> bool:
    """Settle a reservation: False when it had lapsed and was already counted as a wrong try."""
    result = await conn.execute(
        delete(attempt_reservations).where(attempt_reservations.c.id == reservation_id)
    )
    return bool(result.rowcount)


async def release_each(conn: AsyncConnection, reservation_ids: Sequence[int]) -> tuple[bool, ...]:
    """``release`` of several reservations in one statement, in their order."""
    r = attempt_reservations.c
    deleted = await conn.execute(
        delete(attempt_reservations).where(r.id.in_(reservation_ids)).returning(r.id)
    )
    gone = set(deleted.scalars())
    return tuple(id_ in gone for id_ in reservation_ids)


def password_key(email: str) -> str:
    return f"password:{email}"


def pin_key(staff_number: int) -> str:
    return f"pin:{staff_number}"


def own_pin_key(staff_id: int) -> str:
    """A member's own PIN choices that another member's PIN refused (core.services.staff.OWN_PIN_TAKEN)."""
    return f"own-pin:{staff_id}"
