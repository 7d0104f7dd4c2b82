"""Staff sessions: stored by the SHA-256 of their token; opened, looked up, touched and closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import staff, staff_sessions
from core.domain.ids import StaffId
from core.domain.staff import Role, StaffActor


@dataclass(frozen=True, slots=True)
class StoredSession:
    id: int
    actor: StaffActor
    staff_active: bool
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    closed_at: datetime | None


async def insert_session(
    conn: AsyncConnection,
    *,
    token_hash: str,
    staff_id: StaffId,
    note: str,
    now: datetime,
    expires_at: datetime,
) -> int:
    result = await conn.execute(
        insert(staff_sessions)
        .values(
            token_hash=token_hash,
            staff_id=staff_id,
            note=note,
            created_at=now,
            last_used_at=now,
            expires_at=expires_at,
            closed_at=None,
        )
        .returning(staff_sessions.c.id)
    )
    return int(result.scalar_one())


async def find(conn: AsyncConnection, token_hash: str) -> StoredSession | None:
    """The session and its staff member as they are now (role and active state from the account)."""
    s = staff_sessions.c
    row = (
        await conn.execute(
            select(
                s.id,
                s.created_at,
                s.last_used_at,
                s.expires_at,
                s.closed_at,
                staff.c.id.label("staff_id"),
                staff.c.role,
                staff.c.display_name,
                staff.c.active,
            )
            .join(staff, staff.c.id == s.staff_id)
            .where(s.token_hash == token_hash)
        )
    ).first()
    if row is None:
        return None
    actor = StaffActor(StaffId(row.staff_id), Role(row.role), row.display_name)
    return StoredSession(
        int(row.id), actor, bool(row.active), row.created_at, row.last_used_at, row.expires_at, row.closed_at
    )


async def touch(conn: AsyncConnection, session_id: int, now: datetime, expires_at: datetime) -> None:
    """Slide the expiry; a session closed or lapsed meanwhile stays as it is."""
    await conn.execute(
        update(staff_sessions)
        .where(
            staff_sessions.c.id == session_id,
            staff_sessions.c.closed_at.is_(None),
            staff_sessions.c.expires_at > now,
        )
        .values(last_used_at=now, expires_at=expires_at)
    )


async def close(conn: AsyncConnection, session_id: int, now: datetime) -> bool:
    result = await conn.execute(
        update(staff_sessions)
        .where(staff_sessions.c.id == session_id, staff_sessions.c.closed_at.is_(None))
        .values(closed_at=now)
    )
    return bool(result.rowcount)


async def close_all_of(conn: AsyncConnection, staff_id: StaffId, now: datetime) -> int:
    """Close every open session of a staff member (deactivated): they never come back on reactivation."""
    result = await conn.execute(
        update(staff_sessions)
        .where(staff_sessions.c.staff_id == staff_id, staff_sessions.c.closed_at.is_(None))
        .values(closed_at=now)
    )
    return int(result.rowcount)
