"""The venue server signs every ticket: its Ed25519 key from the secret store, its key id, and rotation."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.config import Settings
from core.db import audit
from core.db import signing_keys as db
from core.db.transaction import Database
from core.domain.clock import Clock
from core.domain.errors import ConfigError, Conflict, ErrorCode, StorageBusy, StorageUnavailable
from core.domain.staff import SystemActor
from core.security.device_keys import DeviceKey
from core.security.server_secrets import load_ticket_signing_key, ticket_signing_key_ref

if TYPE_CHECKING:
    from core.services.context import ServiceContext

__all__ = [
    "KeyedSigner",
    "ServerKey",
    "ServerSigner",
    "list_signing_keys",
    "open_signer",
    "register_signer",
    "rotate_signing_key",
    "ticket_signer",
]

log = logging.getLogger(__name__)

ServerKey = db.ServerKey
_OPS = SystemActor("encore-ops")
_ATTEMPTS = 5


@dataclass(slots=True)
class ServerSigner:
    """The venue server's ticket-signing key, where it is kept, and its key id once the database has it."""

    key: DeviceKey
    ref: str
    """Its secret-store reference ('' for a key that lives in this process only)."""
    key_id: int | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False, compare=False)
    """One registration at a time in this process: concurrent first sales register the key once."""


@dataclass(frozen=True, slots=True)
class KeyedSigner:
    """The server's private key with the id the database knows its public key by (a TicketSigner)."""

    key: DeviceKey
    key_id: int

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)


async def open_signer(settings: Settings) -> ServerSigner | None:
    """The key from the secret store (created there if nothing is stored yet), or None on a server database
    with no ticket_signing_key_ref. A keyring or file read may block: off the event loop."""
    ref = ticket_signing_key_ref(settings)
    if ref is None:
        return None
    return ServerSigner(await asyncio.to_thread(load_ticket_signing_key, ref), ref)


async def register_signer(database: Database, signer: ServerSigner, clock: Clock) -> ServerKey:
    """Find the key in the database or add it as the current key (a first start, or a key replaced in the
    secret store), in a short transaction of its own; a key that a rotation has retired is read again from the
    store, once. Sets signer.key_id when the key may sign (current and trusted)."""
    found = await _find_or_add(database, signer.key, clock)
    if not found.current and signer.ref:
        fresh = await asyncio.to_thread(load_ticket_signing_key, signer.ref)
        if fresh.public_key_bytes != signer.key.public_key_bytes:
            signer.key = fresh
            found = await _find_or_add(database, fresh, clock)
    if found.current and found.trusted:
        signer.key_id = found.key_id
    return found


async def register_at_start(database: Database, signer: ServerSigner | None, clock: Clock) -> None:
    """At ServiceContext.open: register the key if the database can say; otherwise the first sale does."""
    if signer is None:
        return
    try:
        await register_signer(database, signer, clock)
    except (StorageUnavailable, StorageBusy, DBAPIError) as exc:  # not reachable, busy or not migrated yet
        log.info("the ticket-signing key is registered at the first sale (%s)", type(exc).__name__)


async def ticket_signer(ctx: ServiceContext) -> KeyedSigner:
    """The key that signs the next tickets, checked before a sale: ConfigError when there is none, Conflict
    when the database says it was retired or distrusted."""
    signer = ctx.signer
    if signer is None:
        raise _no_key()
    async with signer.lock:
        if signer.key_id is None:
            await _register_for_sale(ctx, signer)
    assert signer.key_id is not None  # _register_for_sale set it: current and trusted
    return KeyedSigner(signer.key, signer.key_id)


async def _register_for_sale(ctx: ServiceContext, signer: ServerSigner) -> None:
    found = await register_signer(ctx.db, signer, ctx.clock)
    if not found.current:
        raise Conflict(
            f"The ticket-signing key in the secret store ({signer.key.fingerprint}) was replaced by a newer "
            "one, so it signs no more tickets. Give every server the current key, or rotate again "
            "(encore-ops signing-key rotate).",
            code=ErrorCode.SIGNING_KEY_RETIRED,
        )
    if not found.trusted:
        raise Conflict(
            f"The ticket-signing key in the secret store ({signer.key.fingerprint}) is no longer trusted. "
            "Rotate the key (encore-ops signing-key rotate).",
            code=ErrorCode.SIGNING_KEY_DISTRUSTED,
        )


def _no_key() -> ConfigError:
    return ConfigError(
        "settings",
        "ticket_signing_key_ref",
        "this server has no ticket-signing key, so it cannot sell: set ticket_signing_key_ref to a "
        "secret-store reference (env:, file: or keyring:) and restart",
    )


async def _find_or_add(database: Database, key: DeviceKey, clock: Clock) -> ServerKey:
    async def work(conn: AsyncConnection) -> ServerKey:
        await db.lock_changes(conn)  # then find sees a key another server added while this one waited
        found = await db.find(conn, key.public_key_bytes)
        if found is not None:
            return found
        now = clock.now()
        return ServerKey(await _add(conn, key, now), key.public_key_bytes, now, None, True)

    for _attempt in range(_ATTEMPTS - 1):
        try:
            return await database.write(work)
        except IntegrityError as exc:
            if not db.is_key_race(exc):
                raise
            # another server (or sale) added a key at the same moment: look again
    return await database.write(work)


async def _add(conn: AsyncConnection, key: DeviceKey, now: datetime) -> int:
    key_id = await db.add(conn, key.public_key_bytes, now)
    await audit.record(
        conn,
        at=now,
        actor=_OPS,
        action="signing_key_added",
        subject=f"signing_key:{key_id}",
        fingerprint=key.fingerprint,
    )
    return key_id


async def rotate_signing_key(ctx: ServiceContext) -> ServerKey:
    """A new key signs from now on; the old ones stay trusted for the tickets they signed.

    The new key is stored under the same reference first, then registered: if the registration fails, the
    next start registers it. Other running servers pick it up when they restart (until then they go on signing
    with the old key, which stays trusted). An env: reference cannot be written: ConfigError says so.
    """
    signer = ctx.signer
    if signer is None:
        raise _no_key()
    new = DeviceKey.generate() if not signer.ref else await asyncio.to_thread(DeviceKey.rotate, signer.ref)
    ctx.signer = ServerSigner(new, signer.ref)

    async def work(conn: AsyncConnection) -> ServerKey:
        await db.lock_changes(conn)
        now = ctx.clock.now()
        return ServerKey(await _add(conn, new, now), new.public_key_bytes, now, None, True)

    added = await ctx.db.write(work)
    ctx.signer.key_id = added.key_id
    return added


async def list_signing_keys(ctx: ServiceContext) -> list[ServerKey]:
    """Every key the server has signed with, oldest first (the current one has no retired_at)."""
    return await ctx.db.read(db.list_keys)
