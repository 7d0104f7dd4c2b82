"""Staff accounts: create, sign in with a password (with lock-out), set a PIN, unlock with a PIN, deactivate."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit, guards, site
from core.db import staff as db
from core.db.actors import ensure_active
from core.db.staff import StaffCredentials
from core.domain.errors import (
    Conflict,
    ErrorCode,
    InputError,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    RateLimited,
    SignInLockedOut,
)
from core.domain.ids import StaffId
from core.domain.lockout import Guard, LockoutPolicy
from core.domain.payments import StaffPin
from core.domain.staff import Actor, Permission, Role, Staff, StaffActor, SystemActor
from core.domain.validation import clean_text
from core.security.passwords import hash_secret_async, verify_or_dummy_async
from core.security.permissions import LEAVE_KIOSK, allowed, require
from core.services import attempts
from core.services.context import ServiceContext
from core.services.pin_key import no_key, open_pin_key, pin_key
from core.services.pins import PinUse, check_new_pin, check_staff_number, identify_by_pin
from core.services.staff_admin import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    reset_staff_password,
    set_staff_active,
    set_staff_role,
)

__all__ = [
    "PASSWORD_LOCKOUT",
    "create_staff",
    "forget_all_pins",
    "get_own_account",
    "list_staff",
    "reset_staff_password",
    "set_pin",
    "set_staff_active",
    "set_staff_role",
    "sign_in",
    "unlock_with_pin",
]

_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")
_SIGN_IN = SystemActor("sign-in")
_FAILED = (
    "That did not work: the email or password is wrong, or the account is not active. "
    "Try again or ask an admin."
)
PASSWORD_LOCKOUT = LockoutPolicy(5, timedelta(minutes=1), timedelta(hours=1))
"""5 wrong passwords in a row for one address lock it for 1 minute, then 2, 4, ... up to an hour."""
OWN_PIN_TAKEN = LockoutPolicy(3, timedelta(minutes=15), timedelta(hours=24))
"""Choosing one's own PIN tells whether another member has it (staff_pin_taken). 3 such answers in a row lock
the member's own PIN changes for 15 minutes, then 30, ... up to a day, so nobody learns many colleagues' PINs
that way; a manager of staff sets PINs unguarded (they may reset anyone's anyway)."""
_UNLOCK = PinUse(
    LEAVE_KIOSK,
    accepted="kiosk_unlocked",
    wrong="kiosk_unlock_pin_wrong",
    locked="kiosk_unlock_pin_locked",
    refused="kiosk_unlock_pin_refused",
    forbidden="kiosk_unlock_not_allowed",
    forbidden_message=(
        "Your role may not leave kiosk mode. Ask a box office member, a manager or an admin to enter their "
        "staff number and PIN."
    ),
)


def normalise_email(email: str) -> str:
    cleaned = email.strip().lower()
    if len(cleaned) > 320 or not _EMAIL.fullmatch(cleaned):
        raise InputError(
            "email", "enter an email address such as name@example.org.", code=ErrorCode.EMAIL_INVALID
        )
    return cleaned


def _check_secrets(password: str | None, pin: str | None) -> None:
    if password is not None and not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError(
            "password", f"use at least {MIN_PASSWORD} characters.", code=ErrorCode.PASSWORD_TOO_SHORT
        )
    if pin is not None:
        check_new_pin(pin)


async def create_staff(
    ctx: ServiceContext,
    actor: Actor,
    *,
    email: str,
    display_name: str,
    role: Role,
    password: str | None = None,
    pin: str | None = None,
    staff_number: int | None = None,
) -> Staff:
    """A new staff account; ``staff_number`` None takes the next free number. A PIN another member has is
    refused (staff_pin_taken, whose it is unsaid) and nothing is created."""
    require(actor, Permission.MANAGE_STAFF)
    address = normalise_email(email)
    name = clean_text(
        "display_name",
        display_name,
        limit=200,
        code=ErrorCode.DISPLAY_NAME_INVALID,
        hint="give a name of 1 to 200 characters.",
    )
    if not isinstance(role, Role):
        raise InputError(
            "role", "choose one of admin, manager, box_office or door.", code=ErrorCode.ROLE_INVALID
        )
    _check_secrets(password, pin)
    if staff_number is not None:
        check_staff_number(staff_number)
    pin_fingerprint = (await pin_key(ctx)).fingerprint(pin) if pin is not None else None
    # argon2 is slow on purpose: hash before the transaction, so no write lock waits for it.
    password_hash = await hash_secret_async(password) if password is not None else None

    async def work(conn: AsyncConnection) -> Staff:
        await ensure_active(conn, actor)
        now = ctx.clock.now()
        member = await db.insert_staff(
            conn,
            email=address,
            display_name=name,
            role=role,
            password_hash=password_hash,
            pin_fingerprint=pin_fingerprint,
            staff_number=staff_number,
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
            staff_number=member.staff_number,
        )
        return member

    return await ctx.db.write(work)


async def sign_in(ctx: ServiceContext, *, email: str, password: str) -> StaffActor:
    """The staff member with this e-mail address and password.

    PASSWORD_LOCKOUT wrong passwords in a row for one address lock it, for longer after each lock; the right
    password resets that. Counted per address typed, existing or not; only wrong passwords count, yet each try
    reserves its check under the guard's row lock first (core.services.attempts), so tries at once are never
    checked more often than the tries left. An unknown address answers just as a known one does (the same
    sign_in_failed, after one argon2 verify against a dummy hash, then the same lock).
    """
    address = email.strip().lower()[:320] if isinstance(email, str) else ""
    secret = password if isinstance(password, str) else ""
    counters = (attempts.account(guards.password_key(address), PASSWORD_LOCKOUT),)

    async def count(
        conn: AsyncConnection,
    ) -> tuple[StaffCredentials | None, attempts.Reserved | attempts.Locked] | None:
        now = ctx.clock.now()
        creds = await db.credentials_by_email(conn, address)
        taken = await attempts.reserve(conn, counters, now)
        if taken is None:
            return None  # the tries being checked could use up the tries left: wait for them
        if isinstance(taken, attempts.Locked):
            await audit.record(
                conn,
                at=now,
                actor=_SIGN_IN,
                action="sign_in_failed",
                subject=_subject(creds, address),
                method="password",
                reason="locked",
            )
        return creds, taken

    creds, taken = await attempts.until_reserved(ctx, count)
    if isinstance(taken, attempts.Locked):
        (locked,) = taken.guards
        assert locked.locked_until is not None
        raise SignInLockedOut(locked.locked_until, now=ctx.clock.now())
    reserved = taken
    # argon2 is slow on purpose: one verify, off the event loop, outside any transaction.
    right = await verify_or_dummy_async(creds.password_hash if creds else None, secret)
    accepted = creds is not None and right and creds.staff.active
    subject = _subject(creds, address)

    async def conclude(conn: AsyncConnection) -> Guard:
        now = ctx.clock.now()
        (guard,) = await attempts.settle(conn, counters, reserved, right=accepted, now=now)
        if accepted and creds is not None:
            who = StaffActor(creds.staff.id, creds.staff.role, creds.staff.display_name)
            await audit.record(conn, at=now, actor=who, action="sign_in", subject=subject, method="password")
            return guard
        reason = "unknown" if creds is None else "inactive" if right else "wrong"
        await audit.record(
            conn,
            at=now,
            actor=_SIGN_IN,
            action="sign_in_failed",
            subject=subject,
            method="password",
            reason=reason,
        )
        if guard.locked(now):
            await audit.record(
                conn,
                at=now,
                actor=_SIGN_IN,
                action="account_locked",
                subject=subject,
                until=guard.locked_until.isoformat() if guard.locked_until else None,
            )
        return guard

    guard = await ctx.db.write(conclude)
    if accepted and creds is not None:
        return StaffActor(creds.staff.id, creds.staff.role, creds.staff.display_name)
    if guard.locked_until is not None:
        raise SignInLockedOut(guard.locked_until, now=ctx.clock.now())
    raise NotAuthenticated(_FAILED, code=ErrorCode.SIGN_IN_FAILED)


def _subject(creds: StaffCredentials | None, address: str) -> str:
    return f"staff:{creds.staff.id}" if creds else f"email:{address}"[:200]


async def unlock_with_pin(ctx: ServiceContext, actor: Actor, staff_number: int, pin: str) -> StaffActor:
    """The staff member who may take this locked-down kiosk (``actor``, the device) out of kiosk mode.

    Their staff number says whose PIN to check. Wrong PINs count against the same per-device guard as payment
    PINs, and against the staff number's own guard (core.services.pins).
    """
    return await identify_by_pin(ctx, actor, StaffPin(staff_number, pin), _UNLOCK)


async def set_pin(ctx: ServiceContext, actor: Actor, staff_id: StaffId, pin: str) -> Staff:
    """A new PIN (6 to 12 digits) for a staff member: by a manager of staff, or by the member themselves.
    It clears the lock on their staff number, as a manager who checked who they are would.

    Kept as its keyed fingerprint (core.security.pin_keys); an old argon2 PIN of theirs goes. A PIN another
    member has is refused by the database's unique index, so two admins giving two members one PIN at once
    leave exactly one with it: staff_pin_taken, whose it is unsaid, and nothing changed. A member choosing
    their own counts each such answer (OWN_PIN_TAKEN), in the same transaction as the refused change."""
    own = isinstance(actor, StaffActor) and actor.staff_id == staff_id
    if not own:
        require(actor, Permission.MANAGE_STAFF)
    fingerprint = (await pin_key(ctx)).fingerprint(check_new_pin(pin))
    counters = [] if allowed(actor, Permission.MANAGE_STAFF) else [_own_pin_counter(staff_id)]

    async def work(conn: AsyncConnection) -> Staff | Conflict | attempts.Locked:
        await ensure_active(conn, actor)
        now = ctx.clock.now()
        admitted = await attempts.admit(conn, counters, now)
        if isinstance(admitted, attempts.Locked):
            return admitted
        try:
            async with conn.begin_nested():  # a refusal leaves the transaction usable, to count it
                member = await db.set_pin_fingerprint(conn, staff_id, fingerprint)
        except Conflict as taken:
            if taken.code != ErrorCode.STAFF_PIN_TAKEN:
                raise
            await attempts.record(conn, counters, admitted or (), right=False, now=now)
            return taken
        if member is None:
            raise NotFound(f"There is no staff account {staff_id}.", code=ErrorCode.STAFF_NOT_FOUND)
        await attempts.record(conn, counters, admitted or (), right=True, now=now)
        await guards.lock(conn, guards.pin_key(member.staff_number), now)
        await guards.save(conn, guards.pin_key(member.staff_number), Guard(), now)
        await audit.record(conn, at=now, actor=actor, action="staff_pin_set", subject=f"staff:{staff_id}")
        return member

    outcome = await ctx.db.write(work)
    if isinstance(outcome, attempts.Locked):
        until = outcome.guards[0].locked_until
        wait = (until - ctx.clock.now()).total_seconds() if until is not None else 60.0
        raise RateLimited(
            wait,
            "You chose PINs other staff already have several times in a row, so choosing your own PIN is "
            f"paused for {_minutes(wait)}. Try again then, or ask a manager to set it.",
        )
    if isinstance(outcome, Conflict):
        raise outcome
    return outcome


def _own_pin_counter(staff_id: StaffId) -> attempts.Counter:
    return attempts.account(guards.own_pin_key(staff_id), OWN_PIN_TAKEN)


def _minutes(seconds: float) -> str:
    minutes = max(1, -(-int(seconds) // 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


async def forget_all_pins(ctx: ServiceContext, actor: Actor) -> int:
    """Every staff PIN forgotten and this context's PIN key made the database's: the way out when the key the
    PINs were set with is lost (pin_key.MISMATCH). Managers then set each PIN again. How many PINs went."""
    require(actor, Permission.MANAGE_STAFF)
    key = ctx.pin_key if ctx.pin_key is not None else await open_pin_key(ctx.settings)
    if key is None:
        raise no_key()

    async def work(conn: AsyncConnection) -> int:
        await ensure_active(conn, actor)
        forgotten = await db.forget_pins(conn)
        await site.replace_pin_key_check(conn, key.check_value())
        await audit.record(
            conn,
            at=ctx.clock.now(),
            actor=actor,
            action="staff_pins_forgotten",
            subject="staff",
            count=forgotten,
        )
        return forgotten

    forgotten = await ctx.db.write(work)
    ctx.pin_key, ctx.pin_key_agrees = key, True
    return forgotten


async def list_staff(ctx: ServiceContext, actor: Actor) -> tuple[Staff, ...]:
    """Every staff account, active or not, by staff number (no secrets: no hashes leave the database)."""
    require(actor, Permission.MANAGE_STAFF)

    async def work(conn: AsyncConnection) -> tuple[Staff, ...]:
        await ensure_active(conn, actor)
        return await db.list_staff(conn)

    return await ctx.db.read(work)


async def get_own_account(ctx: ServiceContext, actor: Actor) -> Staff:
    """The signed-in staff member's own account (any role may read their own; nobody else's)."""
    if not isinstance(actor, StaffActor):
        raise NotAllowed("Only a signed-in staff member has an account to show.", code=ErrorCode.NOT_ALLOWED)

    async def work(conn: AsyncConnection) -> Staff | None:
        await ensure_active(conn, actor)
        return await db.get_staff(conn, actor.staff_id)

    member = await ctx.db.read(work)
    if member is None:
        raise NotFound(f"There is no staff account {actor.staff_id}.", code=ErrorCode.STAFF_NOT_FOUND)
    return member
