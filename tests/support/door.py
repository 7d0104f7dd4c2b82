"""A door's own ServiceContext over a URL (a proxy in front of the test database), giving up fast when it is gone."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

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


class DoorLine:
    """The door's line to the database: ``cut()`` it and the door's context reaches nothing; ``mend()`` it."""

    def __init__(self, cut: Callable[[], Awaitable[None]], mend: Callable[[], Awaitable[None]]) -> None:
        self.cut, self.mend = cut, mend


@asynccontextmanager
async def cuttable_door_context(
    database_url: str, clock: Clock, folder: Path
) -> AsyncIterator[tuple[ServiceContext, DoorLine]]:
    """A door's context on either engine, and the line to cut and mend.

    PostgreSQL: a TCP proxy in front of it, closed and started again. SQLite: the door opens the file through a
    folder of its own (a symlink), and the folder goes away: a door whose path to the database is gone, while
    the server's own context goes on working on the real file.
    """
    from tests.support.tcp_proxy import RestartableProxy

    if make_url(database_url).get_backend_name() == "sqlite":
        real = Path(make_url(database_url).database or "")
        link_folder = folder / "door-link"

        async def mend_file() -> None:
            link_folder.mkdir()
            (link_folder / real.name).symlink_to(real)

        await mend_file()
        async with door_context(f"sqlite+aiosqlite:///{link_folder / real.name}", clock) as ctx:

            async def cut_file() -> None:
                await ctx.db.dispose()  # no pooled connection keeps the file open
                shutil.rmtree(link_folder)

            yield ctx, DoorLine(cut_file, mend_file)
        return
    proxy = RestartableProxy.to(database_url)
    await proxy.start()

    async def mend_proxy() -> None:
        await proxy.start()

    try:
        async with door_context(proxy.url_for(database_url), clock) as ctx:
            yield ctx, DoorLine(proxy.close, mend_proxy)
    finally:
        await proxy.close()
