"""The desktops each staff member has signed in from, and "remember me" tokens (stored by their SHA-256)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import staff_devices, staff_remembered
from core.domain.ids import StaffId


async def seen(conn: AsyncConnection, staff_id: StaffId, device_hash: str, label: str, now: datetime) -> bool:
    """Record a sign-in from this device; True when this staff member never signed in from it before."""
    d = staff_devices.c
    updated = await conn.execute(
        update(staff_devices)
        .where(d.staff_id == staff_id, d.device_hash == device_hash)
        .values(last_seen_at=now, label=label)
    )
    if updated.rowcount:
        return False
    await conn.execute(
        insert(staff_devices).values(
            staff_id=staff_id, device_hash=device_hash, label=label, first_seen_at=now, last_seen_at=now
        )
    )
    return True


@dataclass(frozen=True, slots=True)
class Remembered:
    id: int
    staff_id: StaffId
    expires_at: datetime
    revoked_at: datetime | None


async def remember(
    conn: AsyncConnection,
    *,
    token_hash: str,
    staff_id: StaffId,
    session_id: int,
    now: datetime,
    expires_at: datetime,
) -> None:
    await conn.execute(
        insert(staff_remembered).values(
            token_hash=token_hash,
            staff_id=staff_id,
            session_id=session_id,
            created_at=now,
            expires_at=expires_at,
            revoked_at=None,
        )
    )


async def find_remembered(conn: AsyncConnection, token_hash: str) -> Remembered | None:
    r = staff_remembered.c
    row = (
        await conn.execute(
            select(r.id, r.staff_id, r.expires_at, r.revoked_at)
            .where(r.token_hash == token_hash)
            .with_for_update()
        )
    ).first()
    return (
        None
        if row is None
        else Remembered(int(row.id), StaffId(row.staff_id), row.expires_at, row.revoked_at)
    )


async def revoke(conn: AsyncConnection, remembered_id: int, now: datetime) -> bool:
    """Use up (or withdraw) a token; False when another request used it first."""
    r = staff_remembered.c
    result = await conn.execute(
        update(staff_remembered).where(r.id == remembered_id, r.revoked_at.is_(None)).values(revoked_at=now)
    )
    return bool(result.rowcount)


async def revoke_of_session(conn: AsyncConnection, session_id: int, now: datetime) -> int:
    r = staff_remembered.c
    result = await conn.execute(
        update(staff_remembered)
        .where(r.session_id == session_id, r.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount)


async def revoke_all_of(conn: AsyncConnection, staff_id: StaffId, now: datetime) -> int:
    r = staff_remembered.c
    result = await conn.execute(
        update(staff_remembered).where(r.staff_id == staff_id, r.revoked_at.is_(None)).values(revoked_at=now)
    )
    return int(result.rowcount)
