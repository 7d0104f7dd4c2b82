"""How far this machine's clock is from the database server's."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain.clock import Clock


async def clock_offset(conn: AsyncConnection, clock: Clock) -> timedelta:
    """Server time minus local time, taken at the middle of the round trip (PostgreSQL's clock_timestamp)."""
    before = clock.now()
    server: datetime = (await conn.execute(select(func.clock_timestamp()))).scalar_one()
    after = clock.now()
    return server - (before + (after - before) / 2)
