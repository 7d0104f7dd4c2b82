"""A door's own ServiceContext over a URL (a proxy in front of the test database), giving up fast when it is gone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.config import Settings
from core.db.engine import create_engine
from core.db.transaction import Database
from core.domain.clock import Clock
from core.events.factory import open_bus
from core.services.context import ServiceContext

STATEMENT_TIMEOUT_S = 1.0
"""The door's engine gives up fast: a lost network must not hold up the queue."""


@asynccontextmanager
async def door_context(url: str, clock: Clock) -> AsyncIterator[ServiceContext]:
    settings = Settings(database_url=url, statement_timeout_s=STATEMENT_TIMEOUT_S)
    db = Database(create_engine(url, pool_size=2, statement_timeout_s=STATEMENT_TIMEOUT_S))
    bus = await open_bus(settings)
    try:
        yield ServiceContext(settings=settings, db=db, bus=bus, clock=clock)
    finally:
        await bus.close()
        await db.dispose()
