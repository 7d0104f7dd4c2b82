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
from core.db import staff as staff_db
from core.db import staff_devices as devices_db
from core.db.actors import ensure_active
from core.db.sessions import StoredSession
from core.domain.errors import ErrorCode, NotAllowed, NotAuthenticated, SessionInvalid
from core.domain.staff import Actor, SessionToken, StaffActor
from core.services.context import ServiceContext
from core.services.staff_devices import SignInDevice, note_device

__all__ = [
    "SESSION_IDLE",
    "SESSION_MAX",
    "close_session",
    "open_remembered",
    "open_session",
    "resolve_session",
]

SESSION_IDLE = timedelta(hours=2)
"""A session unused for this long lapses."""
SESSION_MAX = timedelta(hours=12)
"""No session outlives a long shift, however busy: then sign in again."""
REMEMBER_FOR = timedelta(days=30)
"""How long "remember me" signs a desktop in without the password (each use hands out a fresh token)."""
_TOUCH_EVERY = timedelta(minutes=1)
"""Sliding the expiry is a write: at most once a minute per session, not on every request."""
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # token_urlsafe(32): 256 random bits
_INVALID = "You are not signed in (or you signed out). Sign in again."
_EXPIRED = "Your session has ended after a while without use or a long shift. Sign in again."
_INACTIVE = "This staff account is no longer active. Ask an admin."
_FORGOTTEN = "This desktop's remembered sign-in has ended (signed out, expired or used). Sign in again."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _expiry(created: datetime, now: datetime) -> datetime:
    return min(now + SESSION_IDLE, created + SESSION_MAX)


async def open_session(
    ctx: ServiceContext,
    actor: Actor,
    *,
    note: str = "",
    device: SignInDevice | None = None,
    remember: bool = False,
) -> SessionToken:
    """A new session for a staff member who has just signed in; ``note`` says where (device or user agent).
    ``device``: a desktop new to them gets a notice by mail. ``remember``: a token that opens the next session
    without the password (open_remembered) comes with it."""
    if not isinstance(actor, StaffActor):
        raise NotAllowed("Only a staff member signs in to a session.", code=ErrorCode.SESSION_NEEDS_STAFF)

    async def work(conn: AsyncConnection) -> SessionToken:
        await ensure_active(conn, actor)
        return await _open(ctx, conn, actor, note, device, remember)

    return await ctx.db.write(work)


async def _open(
    ctx: ServiceContext,
    conn: AsyncConnection,
    actor: StaffActor,
    note: str,
    device: SignInDevice | None,
    remember: bool,
) -> SessionToken:
    token = secrets.token_urlsafe(32)
    where = " ".join(str(note).split())[:200]
    now = ctx.clock.now()
    expires = _expiry(now, now)
    session_id = await db.insert_session(
        conn, token_hash=_hash(token), staff_id=actor.staff_id, note=where, now=now, expires_at=expires
    )
    await audit.record(
        conn, at=now, actor=actor, action="session_opened", subject=f"session:{session_id}", note=where
    )
    if device is not None:
        await note_device(conn, actor, device, now)
    remembered = None
    if remember:
        remembered = secrets.token_urlsafe(32)
        await devices_db.remember(
            conn,
            token_hash=_hash(remembered),
            staff_id=actor.staff_id,
            session_id=session_id,
            now=now,
            expires_at=now + REMEMBER_FOR,
        )
    return SessionToken(token, expires, remembered)


async def open_remembered(
    ctx: ServiceContext, remember_token: object, *, note: str = "", device: SignInDevice | None = None
) -> tuple[StaffActor, SessionToken]:
    """A new session from a "remember me" token, which is used up: the session brings the next one. Refused
    (remember_token_invalid) once signed out, expired, used, or the account is inactive."""
    if not isinstance(remember_token, str) or not _TOKEN.fullmatch(remember_token):
        raise NotAuthenticated(_FORGOTTEN, code=ErrorCode.REMEMBER_TOKEN_INVALID)

    async def work(conn: AsyncConnection) -> tuple[StaffActor, SessionToken] | None:
        now = ctx.clock.now()
        found = await devices_db.find_remembered(conn, _hash(remember_token))
        if found is None or found.revoked_at is not None or found.expires_at <= now:
            return None
        member = await staff_db.get_staff(conn, found.staff_id)
        if member is None or not member.active or not await devices_db.revoke(conn, found.id, now):
            return None
        actor = StaffActor(member.id, member.role, member.display_name)
        session = await _open(ctx, conn, actor, note, device, remember=True)
        return actor, session

    opened = await ctx.db.write(work)
    if opened is None:
        raise NotAuthenticated(_FORGOTTEN, code=ErrorCode.REMEMBER_TOKEN_INVALID)
    return opened


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
        # Signing out on a desktop forgets it there: its remembered sign-in stops working too.
        await devices_db.revoke_of_session(conn, found.id, now)
        await audit.record(
            conn, at=now, actor=found.actor, action="session_closed", subject=f"session:{found.id}"
        )
        return True

    if not await ctx.db.write(work):
        raise SessionInvalid(_INVALID)
