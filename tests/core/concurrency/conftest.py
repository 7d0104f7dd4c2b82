"""A PostgreSQL context with a pool wide enough for every try of a race to hold its own connection."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.config import Settings
from core.db.engine import create_engine
from core.db.transaction import Database
from core.domain.clock import ManualClock
from core.events.factory import open_bus
from core.services.context import ServiceContext
from tests.support.context import pin_key_ref

RACE_POOL = 16
"""Connections: more than the tries of any race here, so none queues on the pool instead of the database."""


@pytest.fixture
async def race_ctx(pg_database_url: str, clock: ManualClock) -> AsyncIterator[ServiceContext]:
    settings = Settings(database_url=pg_database_url, pin_key_ref=pin_key_ref(pg_database_url))
    db = Database(create_engine(pg_database_url, pool_size=RACE_POOL, statement_timeout_s=30))
    bus = await open_bus(settings)
    yield ServiceContext(settings=settings, db=db, bus=bus, clock=clock)
    await bus.close()
    await db.dispose()
