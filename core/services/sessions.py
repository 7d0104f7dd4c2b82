"""Staff sessions after sign-in: an opaque token (only its SHA-256 is stored), sliding expiry with a hard cap.

The API server resolves the token on every request; a session is refused once it is closed (signed out, or
the account deactivated), idle past SESSION_IDLE, older than SESSION_MAX, or its account is inactive.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import sessions as db
from core.db.actors import ensure_active
from core.db.sessions import StoredSession
from core.domain.errors import ErrorCode, NotAllowed, SessionInvalid
from core.domain.staff import Actor, SessionToken, StaffActor
from core.services.context import ServiceContext

__all__ = [
    "SESSION_IDLE",
    "SESSION_MAX",
    "close_session",
    "open_session",
    "resolve_session",
]

SESSION_IDLE = timedelta(hours=2)
"""A session unused for this long lapses."""
SESSION_MAX = timedelta(hours=12)
"""No session outlives a long shift, however busy: then sign in again."""
_TOUCH_EVERY = timedelta(minutes=1)
"""Sliding the expiry is a write: at most once a minute per session, not on every request."""
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # token_urlsafe(32): 256 random bits
_INVALID = "You are not signed in (or you signed out). Sign in again."
_EXPIRED = "Your session has ended after a while without use or a long shift. Sign in again."
_INACTIVE = "This staff account is no longer active. Ask an admin."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _expiry(created: datetime, now: datetime) -> datetime:
    return min(now + SESSION_IDLE, created + SESSION_MAX)


async def open_session(ctx: ServiceContext, actor: Actor, *, note: str = "") -> SessionToken:
    """A new session for a staff member who has just signed in; ``note`` says where (device or user agent)."""
    if not isinstance(actor, StaffActor):
        raise NotAllowed("Only a staff member signs in to a session.", code=ErrorCode.SESSION_NEEDS_STAFF)
    token = secrets.token_urlsafe(32)
    where = " ".join(str(note).split())[:200]

    async def work(conn: AsyncConnection) -> SessionToken:
        await ensure_active(conn, actor)
        now = ctx.clock.now()
        expires = _expiry(now, now)
        session_id = await db.insert_session(
            conn, token_hash=_hash(token), staff_id=actor.staff_id, note=where, now=now, expires_at=expires
        )
        await audit.record(
            conn, at=now, actor=actor, action="session_opened", subject=f"session:{session_id}", note=where
        )
        return SessionToken(token, expires)

    return await ctx.db.write(work)


async def _find(ctx: ServiceContext, token: object) -> StoredSession:
    """The open, unexpired session of an active account, or SessionInvalid."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise SessionInvalid(_INVALID)
    token_hash = _hash(token)
    found = await ctx.db.read(lambda conn: db.find(conn, token_hash))
    now = ctx.clock.now()
    if found is None or found.closed_at is not None:
        raise SessionInvalid(_INVALID)
    if found.expires_at <= now or found.created_at + SESSION_MAX <= now:
        raise SessionInvalid(_EXPIRED, code=ErrorCode.SESSION_EXPIRED)
    if not found.staff_active:
        raise SessionInvalid(_INACTIVE, code=ErrorCode.SESSION_STAFF_INACTIVE)
    return found


async def resolve_session(ctx: ServiceContext, token: str) -> StaffActor:
    """Who this session's token belongs to (their role as it is now), sliding its expiry."""
    found = await _find(ctx, token)
    now = ctx.clock.now()
    if now - found.last_used_at >= _TOUCH_EVERY:

        async def touch(conn: AsyncConnection) -> None:
            await db.touch(conn, found.id, now, _expiry(found.created_at, now))

        await ctx.db.write(touch)
    return found.actor


async def close_session(ctx: ServiceContext, token: str) -> None:
    """Sign out: the token stops working at once."""
    found = await _find(ctx, token)

    async def work(conn: AsyncConnection) -> bool:
        now = ctx.clock.now()
        if not await db.close(conn, found.id, now):
            return False  # closed meanwhile by another request: nothing to do
        await audit.record(
            conn, at=now, actor=found.actor, action="session_closed", subject=f"session:{found.id}"
        )
        return True

    if not await ctx.db.write(work):
        raise SessionInvalid(_INVALID)
