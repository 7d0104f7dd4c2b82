"""The composition root: settings in, a ServiceContext (database, bus, clock) out."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from core.config import Settings
from core.db.engine import create_engine
from core.db.transaction import Database
from core.domain.clock import Clock, SystemClock
from core.domain.events import PlacesChanged
from core.events.protocol import EventBus

log = logging.getLogger(__name__)


@dataclass
class ServiceContext:
    """Everything a service function needs. One per process; cheap to pass around."""

    settings: Settings
    db: Database
    bus: EventBus
    clock: Clock = field(default_factory=SystemClock)

    async def publish(self, event: PlacesChanged | None) -> None:
        """After commit only. A failed publish is logged and never fails the sale: events are hints."""
        if event is None or not event.changes:
            return
        try:
            await self.bus.publish(event)
        except Exception:  # the bus promises not to raise; this is the belt to its braces
            log.exception("live update for concert %s was not published", event.concert_id)

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: Settings, *, clock: Clock | None = None) -> AsyncIterator[ServiceContext]:
        from core.events.factory import open_bus  # the bus picks Redis or local from settings

        engine = create_engine(
            settings.resolved_database_url(),
            password=None,
            tls=settings.database_tls,
            pool_size=settings.database_pool_size,
            statement_timeout_s=settings.statement_timeout_s,
        )
        db = Database(engine)
        bus = await open_bus(settings)
        db.after_commit.append(bus.note_own_commit)
        ctx = cls(settings=settings, db=db, bus=bus, clock=clock or SystemClock())
        try:
            yield ctx
        finally:
            await bus.close()
            await db.dispose()
