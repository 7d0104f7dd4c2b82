"""The staff PIN key of a ServiceContext: from the secret store when the context opens, or at the first PIN."""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.config import Settings
from core.db import site
from core.db.transaction import Database
from core.domain.errors import ConfigError, StorageUnavailable
from core.security.pin_keys import PinKey
from core.security.server_secrets import load_pin_key, pin_key_ref

if TYPE_CHECKING:
    from core.services.context import ServiceContext

__all__ = ["MISMATCH", "agrees_with_database", "no_key", "open_pin_key", "pin_key", "pin_key_agrees_at_start"]

log = logging.getLogger(__name__)

MISMATCH = (
    "the staff PIN key here is not the one this database's PINs were set with, so no PIN would match: give this "
    "server that key (pin_key_ref, the same on every server; in embedded mode the keys folder that was beside "
    "the database), or start afresh with this key: `encore-ops forget-pins`, then a manager sets each kiosk "
    "PIN again"
)


async def open_pin_key(settings: Settings) -> PinKey | None:
    """The key (created in the secret store if nothing is stored there yet), or None on a server database with
    no pin_key_ref. A keyring or file read may block: off the event loop."""
    ref = pin_key_ref(settings)
    if ref is None:
        return None
    return await asyncio.to_thread(load_pin_key, ref)


async def agrees_with_database(db: Database, key: PinKey) -> bool:
    """Whether the database's PINs were set with ``key``; a database with none yet takes its check value."""
    check = key.check_value()

    async def take(conn: AsyncConnection) -> str:
        return await site.take_pin_key_check(conn, check)

    found = await db.read(site.pin_key_check)
    if found is None:
        found = await db.write(take)
    return hmac.compare_digest(found, check)


async def pin_key_agrees_at_start(db: Database, key: PinKey | None) -> bool | None:
    """At ServiceContext.open: whether the key agrees, said in the log when it does not; None when the
    database cannot say yet (not reachable or not migrated: the first PIN asks)."""
    if key is None:
        return None
    try:
        agrees = await agrees_with_database(db, key)
    except (StorageUnavailable, DBAPIError) as exc:
        log.info(
            "the staff PIN key is checked against the database at the first PIN (%s)", type(exc).__name__
        )
        return None
    if not agrees:
        log.error("staff PINs cannot be used: %s", MISMATCH)
    return agrees


async def pin_key(ctx: ServiceContext) -> PinKey:
    """The key every PIN is set and checked with; ConfigError, before anything is counted or written, when
    this server has none or another than the database's PINs were set with. A context built by hand loads it
    here once, from the same place open would."""
    if ctx.pin_key is None:
        loaded = await open_pin_key(ctx.settings)
        if ctx.pin_key is None:  # two first PINs at once: the first key loaded is the one (in memory: random)
            ctx.pin_key = loaded
    if ctx.pin_key is not None and ctx.pin_key_agrees is None:
        ctx.pin_key_agrees = await agrees_with_database(ctx.db, ctx.pin_key)
    if ctx.pin_key_agrees is False:
        raise ConfigError("settings", "pin_key_ref", MISMATCH)
    if ctx.pin_key is None:
        raise no_key()
    return ctx.pin_key


def no_key() -> ConfigError:
    return ConfigError(
        "settings",
        "pin_key_ref",
        "this server has no staff PIN key, so no PIN can be set or checked: set pin_key_ref to a "
        "secret-store reference (env:, file: or keyring:) holding 32 random bytes in base64, the same on "
        "every server, and restart",
    )
