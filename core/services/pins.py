"""Staff PINs at a device: the staff number says whose PIN to check, against its keyed fingerprint.

A PIN is kept as HMAC-SHA256 under the PIN key (core.security.pin_keys, from the secret store): checking one
costs microseconds, and the database keeps PINs unique among staff. A PIN set before fingerprints is still an
argon2id hash: checked with argon2 (off the event loop), and replaced by its fingerprint at its first right use.

Wrong PINs are counted twice, in the database (a restart or another replica gives no fresh tries): per device
(MAX_WRONG_PINS in a row lock it for LOCKOUT, payment and kiosk-unlock PINs together) and per staff number
(ACCOUNT_PIN: the lock doubles with each lock-out, up to an hour). Only wrong PINs count; a try is checked and
counted under the guards' row locks in one transaction (an argon2 PIN reserves its check there first and settles
it in a second: core.services.attempts), so PINs entered at once are never checked more often than the tries
left. The right PIN clears both counts. Every attempt is audited.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit, guards
from core.db import payments as db
from core.db import staff as staff_db
from core.domain.errors import ErrorCode, InputError, NotAllowed, PinLockedOut, StaffPinLockedOut, WrongPin
from core.domain.lockout import Guard, LockoutPolicy
from core.domain.payments import StaffPin
from core.domain.staff import Actor, Permission, StaffActor, describe
from core.security.passwords import verify_secret_async
from core.security.permissions import allowed
from core.security.pin_keys import PinKey
from core.services import attempts
from core.services.context import ServiceContext
from core.services.pin_key import pin_key

log = logging.getLogger(__name__)

MAX_WRONG_PINS = 5
"""Wrong PINs in a row at one device before it locks, payment and kiosk-unlock PINs counted together."""
LOCKOUT = timedelta(minutes=5)
DEVICE_PIN = LockoutPolicy(MAX_WRONG_PINS, LOCKOUT, LOCKOUT)
ACCOUNT_PIN = LockoutPolicy(5, timedelta(minutes=1), timedelta(hours=1))
"""Wrong PINs in a row for one staff number, at any devices: 1 minute, then doubling up to an hour."""
MIN_NEW_PIN = 6
_PIN = re.compile(r"[0-9]{4,12}")  # 4- and 5-digit PINs set before PINs had 6 digits still work
_NEW_PIN = re.compile(rf"[0-9]{{{MIN_NEW_PIN},12}}")
MAX_STAFF_NUMBER = 999_999
_NOBODY = "0" * 64
"""What a staff number without a PIN holder is checked against: no PIN's fingerprint, the same work."""


@dataclass(frozen=True, slots=True)
class PinUse:
    """What a staff PIN is asked for at a device, and the audit action of each outcome."""

    permission: Permission
    """Whose PIN is taken: active staff whose role has this."""
    accepted: str
    wrong: str
    locked: str
    """The wrong PIN that locked the device or the staff number."""
    refused: str
    """A PIN entered while the device or the staff number is locked: neither tried nor counted."""
    forbidden: str | None = None
    """The right PIN of staff whose role lacks ``permission``: audited under this action, counted as a wrong
    PIN and refused with ``forbidden_message``. None: such a PIN is simply wrong and whose it is stays unsaid."""
    forbidden_message: str = ""
    subject: str | None = None
    """Of the accepted entry; the device when None."""
    details: Mapping[str, object] = field(default_factory=dict)
    """Added to every audit entry, beside the device and the staff number."""
    accepted_details: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Counted:
    """A try reserved before its argon2 PIN is verified, or refused (neither checked nor counted): something is
    locked."""

    holder: db.PinHolder | None
    taken: attempts.Reserved | attempts.Locked


@dataclass(frozen=True, slots=True)
class _Verdict:
    """What a checked PIN means for its use."""

    staff: StaffActor | None
    """Whose PIN it is; None for a wrong PIN."""
    forbidden: bool
    """The right PIN of staff whose role lacks the use's permission: counted as a wrong one."""

    @property
    def accepted(self) -> bool:
        return self.staff is not None and not self.forbidden


@dataclass(frozen=True, slots=True)
class _Checked:
    """A try checked and counted in the transaction that let it through (a fingerprint, or nobody's number)."""

    verdict: _Verdict
    guards: tuple[Guard, ...]


def check_pin_form(pin: object) -> str:
    if not isinstance(pin, str) or not _PIN.fullmatch(pin):
        raise InputError("pin", "a PIN is 6 to 12 digits.", code=ErrorCode.PIN_INVALID)
    return pin


def check_new_pin(pin: object) -> str:
    if not isinstance(pin, str) or not _NEW_PIN.fullmatch(pin):
        raise InputError("pin", f"choose a PIN of {MIN_NEW_PIN} to 12 digits.", code=ErrorCode.PIN_INVALID)
    return pin


def check_staff_number(number: object) -> int:
    if type(number) is not int or not 1 <= number <= MAX_STAFF_NUMBER:
        raise InputError(
            "staff_number",
            f"a staff number is a whole number from 1 to {MAX_STAFF_NUMBER}.",
            code=ErrorCode.STAFF_NUMBER_INVALID,
        )
    return number


async def identify_by_pin(ctx: ServiceContext, actor: Actor, given: StaffPin, use: PinUse) -> StaffActor:
    """The staff member with ``given.staff_number`` if ``given.pin`` is theirs, confirming ``use`` at the
    acting device. An unknown or inactive number, or one without a PIN, is a wrong PIN (checked against a
    fingerprint that is no PIN's, so it takes as long as a fingerprint's check and says nothing)."""
    if not isinstance(given, StaffPin):
        raise InputError(
            "payment", "staff confirm with their staff number and PIN.", code=ErrorCode.PAYMENT_INPUT_INVALID
        )
    number = check_staff_number(given.staff_number)
    pin = check_pin_form(given.pin)
    key = await pin_key(ctx)  # a server without one says so before anything is counted
    device = describe(actor)
    # Always device first, then account: two tries at once never wait on each other crosswise.
    counters = (attempts.device(device, DEVICE_PIN), attempts.account(guards.pin_key(number), ACCOUNT_PIN))
    details = {"terminal": device, "staff_number": number, **use.details}

    async def outcome(
        conn: AsyncConnection, now: datetime, verdict: _Verdict, settled: tuple[Guard, ...]
    ) -> None:
        staff = verdict.staff
        if verdict.accepted:
            assert staff is not None
            await audit.record(
                conn,
                at=now,
                actor=staff,
                action=use.accepted,
                subject=use.subject or device,
                **details,
                **use.accepted_details,
            )
        elif any(guard.locked(now) for guard in settled):
            scope = "device" if settled[0].locked(now) else "staff_number"
            await audit.record(
                conn, at=now, actor=actor, action=use.locked, subject=device, scope=scope, **details
            )
        else:
            forbidden = verdict.forbidden and use.forbidden is not None
            who: Actor = staff if staff is not None and forbidden else actor
            action = use.forbidden if forbidden and use.forbidden is not None else use.wrong
            await audit.record(
                conn,
                at=now,
                actor=who,
                action=action,
                subject=device,
                tries_left=_tries_left(settled),
                **details,
            )

    async def count(conn: AsyncConnection) -> _Counted | _Checked | None:
        now = ctx.clock.now()
        holder = await db.active_pin_holder(conn, actor, number)
        taken: attempts.Reserved | attempts.Locked | None
        if holder is not None and holder.pin_fingerprint is None:
            taken = await attempts.reserve(conn, counters, now)  # argon2: checked outside any transaction
        else:
            admitted = await attempts.admit(conn, counters, now)
            if admitted is not None and not isinstance(admitted, attempts.Locked):
                # A fingerprint takes microseconds: checked and counted here, under the guards' row locks.
                # A PIN of staff who may not do this counts as wrong: it must never reset or spare the count.
                verdict = _verdict(holder, _matches(key, holder, pin), use)
                settled = await attempts.record(conn, counters, admitted, right=verdict.accepted, now=now)
                await outcome(conn, now, verdict, settled)
                return _Checked(verdict, settled)
            taken = admitted
        if taken is None:
            return None  # the tries being checked could use up the tries left: wait for them
        if isinstance(taken, attempts.Locked):
            await audit.record(conn, at=now, actor=actor, action=use.refused, subject=device, **details)
        return _Counted(holder, taken)

    counted: _Counted | _Checked = await attempts.until_reserved(ctx, count)
    if isinstance(counted, _Checked):
        return _answer(ctx, use, counted.verdict, counted.guards)
    if isinstance(counted.taken, attempts.Locked):
        raise _locked_out(counted.taken.guards, ctx)
    reserved, old = counted.taken, counted.holder
    assert old is not None  # only an argon2 PIN is reserved
    # A PIN set before fingerprints: argon2 is slow on purpose, so off the event loop, outside any transaction.
    verdict = _verdict(old, await _verify_argon2(old, pin), use)

    async def conclude(conn: AsyncConnection) -> tuple[Guard, ...]:
        now = ctx.clock.now()
        settled = await attempts.settle(conn, counters, reserved, right=verdict.accepted, now=now)
        if verdict.staff is not None:
            await _replace_argon2_pin(conn, old, key.fingerprint(pin))
        await outcome(conn, now, verdict, settled)
        return settled

    return _answer(ctx, use, verdict, await ctx.db.write(conclude))


def _verdict(holder: db.PinHolder | None, right: bool, use: PinUse) -> _Verdict:
    staff = holder.actor if right and holder is not None else None
    return _Verdict(staff, staff is not None and not allowed(staff, use.permission))


def _answer(ctx: ServiceContext, use: PinUse, verdict: _Verdict, settled: tuple[Guard, ...]) -> StaffActor:
    if verdict.accepted:
        assert verdict.staff is not None
        return verdict.staff
    if any(guard.locked(ctx.clock.now()) for guard in settled):
        raise _locked_out(settled, ctx)
    if verdict.forbidden and use.forbidden is not None:
        raise NotAllowed(use.forbidden_message, code=ErrorCode.PIN_NOT_ALLOWED)
    raise WrongPin(_tries_left(settled))


def _matches(key: PinKey, holder: db.PinHolder | None, pin: str) -> bool:
    if holder is None or holder.pin_fingerprint is None:
        key.matches(_NOBODY, pin)  # nobody's number: the same work as a member's
        return False
    return key.matches(holder.pin_fingerprint, pin)


async def _verify_argon2(holder: db.PinHolder, pin: str) -> bool:
    assert holder.pin_hash is not None  # a holder without a fingerprint has an argon2 PIN
    return await verify_secret_async(holder.pin_hash, pin)


async def _replace_argon2_pin(conn: AsyncConnection, holder: db.PinHolder, fingerprint: str) -> None:
    """A right argon2 PIN becomes its fingerprint, unless another member's old PIN is the same one and got
    there first: then it stays argon2 (still checked) until a manager or the member sets a new one."""
    assert holder.pin_hash is not None
    if not await staff_db.replace_pin_hash(conn, holder.actor.staff_id, holder.pin_hash, fingerprint):
        log.warning(
            "staff member %s has a PIN set before fingerprints that another member also has; it stays an "
            "argon2 hash until one of them is given a new PIN",
            holder.actor.staff_id,
        )


def _tries_left(settled: tuple[Guard, ...]) -> int:
    on_device, on_account = settled
    return min(on_device.tries_left(DEVICE_PIN), on_account.tries_left(ACCOUNT_PIN))


def _locked_out(found: tuple[Guard, ...], ctx: ServiceContext) -> PinLockedOut:
    """The device's lock when it has one (it stops everyone here), else the staff number's."""
    on_device, on_account = found
    now = ctx.clock.now()
    if on_device.locked(now):
        assert on_device.locked_until is not None
        minutes = max(1, -(-int((on_device.locked_until - now).total_seconds()) // 60))
        return PinLockedOut(on_device.locked_until, minutes_left=minutes)
    assert on_account.locked_until is not None
    return StaffPinLockedOut(on_account.locked_until, now=now)
