"""The append-only audit log: one row per change a person or device makes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import audit_log
from core.domain.staff import Actor, describe


async def record(
    conn: AsyncConnection, *, at: datetime, actor: Actor, action: str, subject: str, **details: Any
) -> None:
    await conn.execute(
        audit_log.insert().values(
            at=at, actor=describe(actor), action=action, subject=subject, details=details
        )
    )
