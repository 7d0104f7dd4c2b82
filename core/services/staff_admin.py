"""Admins managing staff accounts: assign a role, disable or enable, reset a password; never the last admin away.

Every change that could take the admin role from someone (a new role, a disabled account) locks the active admins
first (core.db.staff.lock_active_admins) and checks, inside that lock, that the acting admin is still one and that
an active admin is left afterwards. Two admins demoting each other at once: the second waits for the first, then
finds it is no longer an admin itself.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import sessions as sessions_db
from core.db import staff as db
from core.db import staff_devices as staff_devices_db
from core.db.actors import ensure_active
from core.domain.errors import Conflict, ErrorCode, InputError, NotAllowed, NotFound
from core.domain.ids import StaffId
from core.domain.staff import Actor, Permission, Role, Staff, StaffActor
from core.security.passwords import hash_secret_async
from core.security.permissions import allowed, require
from core.services.context import ServiceContext

__all__ = [
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "check_password",
    "reset_staff_password",
    "set_staff_active",
    "set_staff_role",
]

MIN_PASSWORD = 10
MAX_PASSWORD = 1024


def check_password(password: object) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError(
            "password", f"use at least {MIN_PASSWORD} characters.", code=ErrorCode.PASSWORD_TOO_SHORT
        )
    return password


def _not_found(staff_id: StaffId) -> NotFound:
    return NotFound(f"There is no staff account {staff_id}.", code=ErrorCode.STAFF_NOT_FOUND)


async def _guard_admins(
    conn: AsyncConnection, actor: Actor, member: Staff, *, role: Role, active: bool
) -> None:
    """Refuse a change that would leave no active admin, or one made by an admin demoted meanwhile."""
    admins = await db.lock_active_admins(conn)
    if isinstance(actor, StaffActor):
        now_is = await db.get_staff(conn, actor.staff_id)
        role_now = now_is.role if now_is is not None and now_is.active else None
        if role_now is None or not allowed(StaffActor(actor.staff_id, role_now, ""), Permission.MANAGE_STAFF):
            raise NotAllowed(
                "Your account was changed a moment ago and no longer manages staff; ask an admin.",
                code=ErrorCode.NOT_ALLOWED,
            )
    stays_admin = role is Role.ADMIN and active
    if member.id in admins and not stays_admin and not admins - {member.id}:
        raise Conflict(
            f"{member.display_name} is the last active admin: make another account an admin first, then "
            "change this one.",
            code=ErrorCode.LAST_ADMIN,
        )


async def set_staff_role(ctx: ServiceContext, actor: Actor, staff_id: StaffId, role: Role) -> Staff:
    """A staff member's role from now on (their next call is checked against it); never the last admin's."""
    require(actor, Permission.MANAGE_STAFF)
    if not isinstance(role, Role):
        raise InputError(
            "role", "choose one of admin, manager, box_office or door.", code=ErrorCode.ROLE_INVALID
        )

    async def work(conn: AsyncConnection) -> Staff:
        await ensure_active(conn, actor)
        member = await db.get_staff(conn, staff_id)
        if member is None:
            raise _not_found(staff_id)
        if member.role is role:
            return member  # nothing to change, nothing to audit
        await _guard_admins(conn, actor, member, role=role, active=member.active)
        changed = await db.set_role(conn, staff_id, role)
        assert changed is not None  # its row is locked or read in this transaction
        await audit.record(
            conn,
            at=ctx.clock.now(),
            actor=actor,
            action="staff_role_changed",
            subject=f"staff:{staff_id}",
            role=role.value,
            was=member.role.value,
        )
        return changed

    return await ctx.db.write(work)


async def set_staff_active(ctx: ServiceContext, actor: Actor, staff_id: StaffId, active: bool) -> Staff:
    """Disable (signed out everywhere, remembered desktops forgotten) or enable an account; never your own,
    never the last active admin."""
    require(actor, Permission.MANAGE_STAFF)
    if not isinstance(active, bool):
        raise InputError("active", "true or false.", code=ErrorCode.INVALID_INPUT)
    if not active and isinstance(actor, StaffActor) and actor.staff_id == staff_id:
        raise Conflict(
            "You cannot deactivate your own account; ask another admin.",
            code=ErrorCode.CANNOT_DEACTIVATE_SELF,
        )

    async def work(conn: AsyncConnection) -> Staff:
        await ensure_active(conn, actor)
        now = ctx.clock.now()
        member = await db.get_staff(conn, staff_id)
        if member is None:
            raise _not_found(staff_id)
        await _guard_admins(conn, actor, member, role=member.role, active=active)
        changed = await db.set_active(conn, staff_id, active)
        assert changed is not None
        # Signed out everywhere: a session must not come back to life if the account is reactivated.
        closed = 0 if active else await sessions_db.close_all_of(conn, staff_id, now)
        if not active:
            await staff_devices_db.revoke_all_of(conn, staff_id, now)
        await audit.record(
            conn,
            at=now,
            actor=actor,
            action="staff_activated" if active else "staff_deactivated",
            subject=f"staff:{staff_id}",
            **({} if active else {"sessions_closed": closed}),
        )
        return changed

    return await ctx.db.write(work)


async def reset_staff_password(ctx: ServiceContext, actor: Actor, staff_id: StaffId, password: str) -> Staff:
    """A new password an admin gives a staff member (forgotten, or it leaked). Their other sessions and
    remembered desktops end: whoever knew the old password is signed out. The admin's own stay open."""
    require(actor, Permission.MANAGE_STAFF)
    # argon2 is slow on purpose: hash before the transaction, so no write lock waits for it.
    password_hash = await hash_secret_async(check_password(password))
    own = isinstance(actor, StaffActor) and actor.staff_id == staff_id

    async def work(conn: AsyncConnection) -> Staff:
        await ensure_active(conn, actor)
        now = ctx.clock.now()
        member = await db.set_password_hash(conn, staff_id, password_hash)
        if member is None:
            raise _not_found(staff_id)
        closed = 0
        if not own:
            closed = await sessions_db.close_all_of(conn, staff_id, now)
            await staff_devices_db.revoke_all_of(conn, staff_id, now)
        await audit.record(
            conn,
            at=now,
            actor=actor,
            action="staff_password_reset",
            subject=f"staff:{staff_id}",
            sessions_closed=closed,
        )
        return member

    return await ctx.db.write(work)
