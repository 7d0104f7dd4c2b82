"""Build a ServiceContext over a test database through the real composition root, with a manual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.config import Settings
from core.domain.clock import Clock
from core.services.context import ServiceContext


@asynccontextmanager
async def open_context(
    database_url: str, clock: Clock, *, redis_url: str = ""
) -> AsyncIterator[ServiceContext]:
    async with ServiceContext.open(
        Settings(database_url=database_url, redis_url=redis_url), clock=clock
    ) as ctx:
        yield ctx
