"""Build a ServiceContext over a test database through the real composition root, with a manual clock."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from core.config import Settings
from core.db.transaction import Database
from core.domain.clock import Clock
from core.security.device_keys import DeviceKey
from core.services.context import ServiceContext
from core.services.signing_keys import ServerSigner, register_signer


def signing_key_ref(database_url: str) -> str:
    """A venue server's ticket-signing key for a test database: '' (embedded mode keeps its own beside the
    SQLite file), or a file per PostgreSQL database, created on first use as a server's first start does."""
    if database_url.startswith("sqlite"):
        return ""
    # Per database name (each test process has its own databases; a benchmark's processes share one key).
    folder = Path(tempfile.gettempdir()) / f"encore-test-keys-{os.getuid()}"
    return f"file:{folder / f'{make_url(database_url).database}-ticket-signing.key'}"


def pin_key_ref(database_url: str) -> str:
    """The venue server's staff PIN key for a test database: '' (embedded mode keeps its own beside the SQLite
    file), or a file per PostgreSQL database, so every context and server process over it agrees."""
    if database_url.startswith("sqlite"):
        return ""
    folder = Path(tempfile.gettempdir()) / f"encore-test-keys-{os.getuid()}"
    return f"file:{folder / f'{make_url(database_url).database}-pin.key'}"


async def memory_signer(db: Database, clock: Clock) -> ServerSigner:
    """A server ticket-signing key that lives in this process only, for a ServiceContext built by hand,
    registered as ServiceContext.open does (so a crowd's first sales do not all register it at once)."""
    signer = ServerSigner(DeviceKey.generate(), "")
    await register_signer(db, signer, clock)
    return signer


@asynccontextmanager
async def open_context(
    database_url: str, clock: Clock, *, redis_url: str = "", ticket_signing_key_ref: str = ""
) -> AsyncIterator[ServiceContext]:
    """``ticket_signing_key_ref``: a running server's key (RunningServer.signing_key_ref), to sell beside it."""
    settings = Settings(
        database_url=database_url,
        redis_url=redis_url,
        ticket_signing_key_ref=ticket_signing_key_ref or signing_key_ref(database_url),
        pin_key_ref=pin_key_ref(database_url),
    )
    async with ServiceContext.open(settings, clock=clock) as ctx:
        yield ctx
