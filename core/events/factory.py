"""Pick the live-update bus for the settings: Redis when configured, else the in-process bus."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.engine import make_url

from core.config import DEFAULT_REDIS_NAMESPACE, Settings
from core.events.local_bus import LocalBus
from core.events.protocol import EventBus

log = logging.getLogger(__name__)

STARTUP_PING_S = 3.0
"""How long the first ping may take: a cold connection on a busy machine is slower than a publish, and start-up is
not a sale waiting (a sale's publish keeps its own short timeout)."""


async def open_bus(settings: Settings) -> EventBus:
    """Never fails because Redis is down: a sale must not wait for live updates. The bus then reports
    BusStatus(False) to subscribers and logs failed publishes until Redis is back."""
    if settings.redis_url:
        from core.events.redis_bus import RedisBus  # redis only when configured: embedded mode starts faster

        namespace = settings.redis_namespace or DEFAULT_REDIS_NAMESPACE
        bus = RedisBus(
            settings.redis_url, tls=settings.redis_tls, namespace=namespace, ca_file=settings.broker_ca_file
        )
        if not await bus.ping(STARTUP_PING_S):
            log.warning("Redis is not reachable; live updates are paused until it is")
        return bus
    return LocalBus(sqlite_file(settings.resolved_database_url()))


def sqlite_file(database_url: str) -> Path | None:
    """The database file to watch for other writers, or None (PostgreSQL, in-memory SQLite)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)
