"""The venue server's ticket-signing keys: register, rotate, trust; their ids lie above every device key's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.errors import is_unique_violation
from core.db.runner_lock import ENCORE_LOCKS, job_key
from core.db.tables import signing_keys, tickets

SERVER_KEY_BASE = 2**31
"""The first server key's id. Device keys count up from 1 and a QR payload's key id is 32 bits, so a key id
at or above this names a server key, below it a (legacy) device key: one number, exactly one key."""


@dataclass(frozen=True, slots=True)
class ServerKey:
    key_id: int
    public_key: bytes
    created_at: datetime
    retired_at: datetime | None
    trusted: bool

    @property
    def current(self) -> bool:
        return self.retired_at is None


def is_server_key(key_id: int) -> bool:
    return key_id >= SERVER_KEY_BASE


def signed_by() -> ColumnElement[Any]:
    """A ticket's signing key id, in a select: the server's key, or the selling device's on older tickets."""
    return func.coalesce(tickets.c.signing_key_id, tickets.c.key_id).label("key_id")


_COLUMNS = (
    signing_keys.c.id,
    signing_keys.c.public_key,
    signing_keys.c.created_at,
    signing_keys.c.retired_at,
    signing_keys.c.trusted,
)


def _key(r: Any) -> ServerKey:  # a Row of _COLUMNS
    return ServerKey(int(r.id), bytes(r.public_key), r.created_at, r.retired_at, bool(r.trusted))


async def find(conn: AsyncConnection, public_key: bytes) -> ServerKey | None:
    row = (await conn.execute(select(*_COLUMNS).where(signing_keys.c.public_key == public_key))).first()
    return None if row is None else _key(row)


_CHANGES = job_key("signing-key-changes")


async def lock_changes(conn: AsyncConnection) -> None:
    """Changes of the current key one at a time, until the transaction ends: servers starting at once then
    each find the first one's key instead of all adding it (their UPDATE and INSERT could deadlock, and the
    loser ran again). PostgreSQL's advisory lock; SQLite's write transaction already has the only writer."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": ENCORE_LOCKS, "b": _CHANGES})


async def add(conn: AsyncConnection, public_key: bytes, now: datetime) -> int:
    """Register a new current key and retire the one before it (which stays trusted for what it signed).

    Two servers adding at once collide on the primary key or the public key (IntegrityError): the caller
    runs the transaction again and then finds the key.
    """
    await conn.execute(update(signing_keys).where(signing_keys.c.retired_at.is_(None)).values(retired_at=now))
    top = (await conn.execute(select(func.max(signing_keys.c.id)))).scalar_one_or_none()
    key_id = SERVER_KEY_BASE if top is None else int(top) + 1
    await conn.execute(
        signing_keys.insert().values(id=key_id, public_key=public_key, created_at=now, trusted=True)
    )
    return key_id


def is_key_race(error: BaseException) -> bool:
    """Another transaction added a server key at the same moment (the same key, or the same next id)."""
    text = str(getattr(error, "orig", ""))
    return is_unique_violation(error, "signing_keys", "public_key") or (
        is_unique_violation(error, "signing_keys", "id") or "pk_signing_keys" in text
    )


async def list_keys(conn: AsyncConnection) -> list[ServerKey]:
    return [_key(r) for r in await conn.execute(select(*_COLUMNS).order_by(signing_keys.c.id))]


async def set_trusted(conn: AsyncConnection, key_id: int, trusted: bool) -> bool:
    result = await conn.execute(
        update(signing_keys).where(signing_keys.c.id == key_id).values(trusted=trusted)
    )
    return result.rowcount > 0
