"""Build a ServiceContext over a test database the way the composition root does, with a manual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.config import Settings
from core.db.engine import create_engine
from core.db.transaction import Database
from core.domain.clock import Clock
from core.services.context import ServiceContext


@asynccontextmanager
async def open_context(
    database_url: str, clock: Clock, *, redis_url: str = ""
) -> AsyncIterator[ServiceContext]:
    from core.events.factory import open_bus  # imported late: the bus picks Redis or local from settings

    settings = Settings(database_url=database_url, redis_url=redis_url)
    db = Database(create_engine(database_url))
    try:
        bus = await open_bus(settings)
        try:
            yield ServiceContext(settings=settings, db=db, bus=bus, clock=clock)
        finally:
            await bus.close()
    finally:
        await db.dispose()
