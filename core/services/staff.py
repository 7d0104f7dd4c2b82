"""Staff accounts: create, sign in with a password, unlock with a PIN, deactivate."""

from __future__ import annotations

import re
import secrets

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import staff as db
from core.db.actors import ensure_active
from core.db.staff import StaffCredentials
from core.domain.errors import Conflict, InputError, NotAllowed, NotFound
from core.domain.ids import StaffId
from core.domain.staff import Actor, Permission, Role, Staff, StaffActor, SystemActor
from core.domain.validation import clean_text
from core.security.passwords import hash_secret_async, verify_secret_async
from core.security.permissions import LEAVE_KIOSK, require
from core.services.context import ServiceContext
from core.services.payments import PinUse, check_pin_form, identify_by_pin

__all__ = ["create_staff", "set_staff_active", "sign_in", "unlock_with_pin", "verify_pin"]

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")
_SIGN_IN = SystemActor("sign-in")
_FAILED = (
    "That did not work: the email, password or PIN is wrong, or the account is not active. "
    "Try again or ask an admin."
)
_dummy_hash: str | None = None
_UNLOCK = PinUse(
    LEAVE_KIOSK,
    accepted="kiosk_unlocked",
    wrong="kiosk_unlock_pin_wrong",
    locked="kiosk_unlock_pin_locked",
    refused="kiosk_unlock_pin_refused",
    forbidden="kiosk_unlock_not_allowed",
    forbidden_message=(
        "Your role may not leave kiosk mode. Ask a box office member, a manager or an admin to enter their PIN."
    ),
)


def normalise_email(email: str) -> str:
    cleaned = email.strip().lower()
    if len(cleaned) > 320 or not _EMAIL.fullmatch(cleaned):
        raise InputError("email", "enter an email address such as name@example.org.", code="email_invalid")
    return cleaned


def _check_secrets(password: str | None, pin: str | None) -> None:
    if password is not None and not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError("password", f"use at least {MIN_PASSWORD} characters.", code="password_too_short")
    if pin is not None:
        check_pin_form(pin)


async def create_staff(
    ctx: ServiceContext,
    actor: Actor,
    *,
    email: str,
    display_name: str,
    role: Role,
    password: str | None = None,
    pin: str | None = None,
) -> Staff:
    require(actor, Permission.MANAGE_STAFF)
    address = normalise_email(email)
    name = clean_text(
        "display_name",
        display_name,
        limit=200,
        code="display_name_invalid",
        hint="give a name of 1 to 200 characters.",
    )
    if not isinstance(role, Role):
        raise InputError("role", "choose one of admin, manager, box_office or door.", code="role_invalid")
    _check_secrets(password, pin)
    # argon2 is slow on purpose: hash before the transaction, so no write lock waits for it.
    password_hash = await hash_secret_async(password) if password is not None else None
    pin_hash = await hash_secret_async(pin) if pin is not None else None

    async def work(conn: AsyncConnection) -> Staff:
        await ensure_active(conn, actor)
        now = ctx.clock.now()
        member = await db.insert_staff(
            conn,
            email=address,
            display_name=name,
            role=role,
            password_hash=password_hash,
            pin_hash=pin_hash,
            now=now,
        )
        await audit.record(
            conn,
            at=now,
            actor=actor,
            action="staff_created",
            subject=f"staff:{member.id}",
            email=address,
            role=role.value,
        )
        return member

    return await ctx.db.write(work)


async def _verify(stored: str | None, secret: str) -> bool:
    """Verify against a dummy hash when there is none: a missing account takes as long as a wrong secret."""
    global _dummy_hash
    if stored is None:
        if _dummy_hash is None:
            _dummy_hash = await hash_secret_async(secrets.token_hex(16))
        await verify_secret_async(_dummy_hash, secret)
        return False
    return await verify_secret_async(stored, secret)


async def _conclude(
    ctx: ServiceContext, creds: StaffCredentials | None, ok: bool, subject: str, method: str
) -> StaffActor:
    """Audit the attempt in its own short transaction (verification ran outside, off the event loop)."""
    accepted = creds is not None and ok and creds.staff.active

    async def work(conn: AsyncConnection) -> None:
        if accepted and creds is not None:
            who: Actor = StaffActor(creds.staff.id, creds.staff.role, creds.staff.display_name)
            await audit.record(
                conn, at=ctx.clock.now(), actor=who, action="sign_in", subject=subject, method=method
            )
        else:
            await audit.record(
                conn,
                at=ctx.clock.now(),
                actor=_SIGN_IN,
                action="sign_in_failed",
                subject=subject,
                method=method,
            )

    await ctx.db.write(work)
    if not accepted or creds is None:
        raise NotAllowed(_FAILED, code="sign_in_failed")
    return StaffActor(creds.staff.id, creds.staff.role, creds.staff.display_name)


async def sign_in(ctx: ServiceContext, *, email: str, password: str) -> StaffActor:
    address = email.strip().lower()[:200]

    async def work(conn: AsyncConnection) -> StaffCredentials | None:
        return await db.credentials_by_email(conn, address)

    creds = await ctx.db.read(work)
    ok = await _verify(creds.password_hash if creds else None, password)
    subject = f"staff:{creds.staff.id}" if creds else f"email:{address}"
    return await _conclude(ctx, creds, ok, subject, "password")


async def verify_pin(ctx: ServiceContext, *, staff_id: StaffId, pin: str) -> StaffActor:
    async def work(conn: AsyncConnection) -> StaffCredentials | None:
        return await db.credentials_by_id(conn, staff_id)

    creds = await ctx.db.read(work)
    ok = await _verify(creds.pin_hash if creds else None, pin)
    return await _conclude(ctx, creds, ok, f"staff:{staff_id}", "pin")


async def unlock_with_pin(ctx: ServiceContext, actor: Actor, pin: str) -> StaffActor:
    """The staff member who may take this locked-down kiosk (``actor``, the device) out of kiosk mode.

    The PIN alone says who it is. Wrong PINs count against the same per-device guard as payment PINs: five
    wrong PINs of either kind lock the device for a few minutes, for unlocking and for payments alike.
    """
    return await identify_by_pin(ctx, actor, pin, _UNLOCK)


async def set_staff_active(ctx: ServiceContext, actor: Actor, staff_id: StaffId, active: bool) -> Staff:
    require(actor, Permission.MANAGE_STAFF)
    if not active and isinstance(actor, StaffActor) and actor.staff_id == staff_id:
        raise Conflict(
            "You cannot deactivate your own account; ask another admin.", code="cannot_deactivate_self"
        )

    async def work(conn: AsyncConnection) -> Staff:
        await ensure_active(conn, actor)
        member = await db.set_active(conn, staff_id, active)
        if member is None:
            raise NotFound(f"There is no staff account {staff_id}.", code="staff_not_found")
        await audit.record(
            conn,
            at=ctx.clock.now(),
            actor=actor,
            action="staff_activated" if active else "staff_deactivated",
            subject=f"staff:{staff_id}",
        )
        return member

    return await ctx.db.write(work)
