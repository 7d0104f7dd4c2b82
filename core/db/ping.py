"""The cheapest round trip to the database: readiness probes ask whether it answers at all."""

from __future__ import annotations

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncConnection


async def select_one(conn: AsyncConnection) -> None:
    await conn.execute(select(literal(1)))
