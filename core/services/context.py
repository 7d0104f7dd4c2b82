"""The composition root: settings in, a ServiceContext (database, bus, clock) out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from urllib.parse import quote, urlsplit, urlunsplit

from core.config import Settings
from core.db.engine import create_engine
from core.db.transaction import Database
from core.domain.clock import Clock, SystemClock
from core.domain.events import PlacesChanged
from core.events.protocol import EventBus
from core.security.secret_store import resolve_secret

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

        # Secrets first, so that a missing one fails before anything is opened; ctx.settings keeps refs only.
        password = await asyncio.to_thread(resolve_secret, settings.database_password_ref)
        bus_settings = await asyncio.to_thread(_with_redis_password, settings)
        engine = create_engine(
            settings.resolved_database_url(),
            password=password,
            tls=settings.database_tls,
            pool_size=settings.database_pool_size,
            statement_timeout_s=settings.statement_timeout_s,
        )
        db = Database(engine)
        bus = await open_bus(bus_settings)
        db.after_commit.append(bus.note_own_commit)
        ctx = cls(settings=settings, db=db, bus=bus, clock=clock or SystemClock())
        try:
            yield ctx
        finally:
            await bus.close()
            await db.dispose()


def _with_redis_password(settings: Settings) -> Settings:
    """A copy for open_bus only, its redis_url carrying the resolved password: never log or keep it."""
    password = resolve_secret(settings.redis_password_ref) if settings.redis_url else None
    if not password:
        return settings
    parts = urlsplit(settings.redis_url)
    # config refuses a password in redis_url, so whatever precedes "@" is the user name alone.
    userinfo, _, hostport = parts.netloc.rpartition("@")
    netloc = f"{userinfo}:{quote(password, safe='')}@{hostport}"
    return replace(settings, redis_url=urlunsplit(parts._replace(netloc=netloc)))
