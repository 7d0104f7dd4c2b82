"""Taking payment at a kiosk: an attended terminal (staff confirm with a PIN) or a demo card reader."""

from __future__ import annotations

import asyncio
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import payments as db
from core.db import site as site_db
from core.db.actors import ensure_active
from core.domain.errors import ConfigError, InputError, NotAllowed, PaymentDeclined, PinLockedOut, WrongPin
from core.domain.money import Money
from core.domain.orders import Payment
from core.domain.payments import (
    ATTENDED_METHOD,
    DEMO_METHOD,
    PaymentInput,
    PaymentTerminal,
    SimulatedCard,
    StaffPin,
    TerminalKind,
)
from core.domain.staff import Actor, Permission, Role, StaffActor, describe
from core.domain.validation import clean_text
from core.security.passwords import verify_secret
from core.security.permissions import CONFIRM_PAYMENT, allowed, require, roles_with
from core.services.context import ServiceContext

__all__ = [
    "LOCKOUT",
    "MAX_WRONG_PINS",
    "AttendedTerminal",
    "DemoTerminal",
    "PaymentInput",
    "PaymentTerminal",
    "SimulatedCard",
    "StaffPin",
    "TerminalKind",
    "open_terminal",
]

log = logging.getLogger(__name__)

MAX_WRONG_PINS = 5
"""Wrong PINs in a row at one device before it locks, payment and kiosk-unlock PINs counted together."""
LOCKOUT = timedelta(minutes=5)
_PIN = re.compile(r"[0-9]{4,8}")
_REFERENCE_LIMIT = 150  # the order keeps 200 characters; the attended terminal appends the staff id


def open_terminal(ctx: ServiceContext) -> PaymentTerminal:
    """The terminal ctx.settings.payment_terminal names; 'auto' is the demo reader on a demo database."""
    choice = ctx.settings.payment_terminal
    if choice == "auto":
        choice = TerminalKind.DEMO if ctx.settings.demo_mode else TerminalKind.ATTENDED
    if choice == TerminalKind.DEMO:
        if not ctx.settings.demo_mode:
            raise ConfigError(
                "settings",
                "payment_terminal",
                "demo takes no money, so it works only on a demo database; use attended or auto",
            )
        return DemoTerminal(ctx)
    if choice == TerminalKind.ATTENDED:
        return AttendedTerminal(ctx)
    raise ConfigError("settings", "payment_terminal", "must be one of auto, attended, demo")


def _check_charge(actor: Actor, amount: Money, reference: str) -> str:
    require(actor, Permission.SELL)
    if not isinstance(amount, Money) or amount.minor < 0:
        raise InputError("amount", "must be an amount of money of 0 or more.", code="payment_invalid")
    return clean_text(
        "reference",
        reference,
        limit=_REFERENCE_LIMIT,
        code="payment_invalid",
        hint=f"must be 1 to {_REFERENCE_LIMIT} characters.",
    )


async def _void(ctx: ServiceContext, actor: Actor, payment: Payment, reason: str) -> None:
    """Audit the void so staff hand the money back; a failure is logged loudly, never raised: the caller is
    already handling the failed checkout and has nothing better to do with a second error."""
    if not allowed(actor, Permission.SELL):
        log.warning("%s may not void payments; void of %s ignored", describe(actor), payment.reference)
        return
    why = " ".join(str(reason).split())[:200]

    async def work(conn: AsyncConnection) -> None:
        await audit.record(
            conn,
            at=ctx.clock.now(),
            actor=actor,
            action="payment_voided",
            subject=f"payment:{payment.reference}"[:200],
            method=payment.method,
            reference=payment.reference,
            amount=payment.amount.minor,
            currency=payment.amount.currency,
            reason=why,
        )

    try:
        await ctx.db.write(work)
    except Exception:
        log.exception(
            "could not record the void of payment %s (%s): hand the money back by hand",
            payment.reference,
            payment.amount.format(),
        )


class DemoTerminal:
    """No money moves: the buyer approves or declines a simulated card. Its tickets carry the DEMO mark."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @property
    def kind(self) -> TerminalKind:
        return TerminalKind.DEMO

    async def charge(self, actor: Actor, amount: Money, reference: str, given: PaymentInput) -> Payment:
        ref = _check_charge(actor, amount, reference)
        if not isinstance(given, SimulatedCard):
            raise InputError(
                "payment", "the demo terminal takes a simulated card.", code="payment_input_invalid"
            )
        if await self._ctx.db.read(lambda conn: site_db.get(conn, site_db.DEMO)) != "true":
            # The database decides, not the config: ENCORE_DEMO_MODE on a real database must not sell for free.
            raise NotAllowed(
                "The demo terminal works only on a demo database; this one is real. Use the attended terminal.",
                code="demo_terminal_refused",
            )
        if not given.approve:
            raise PaymentDeclined()
        return Payment(DEMO_METHOD, ref, amount)

    async def void(self, actor: Actor, payment: Payment, reason: str) -> None:
        await _void(self._ctx, actor, payment, reason)


@dataclass(frozen=True, slots=True)
class PinUse:
    """What a staff PIN is asked for at a device, and the audit action of each outcome."""

    permission: Permission
    """Whose PIN is taken: active staff whose role has this."""
    accepted: str
    wrong: str
    locked: str
    """The wrong PIN that locked the device."""
    refused: str
    """A PIN entered while the device is locked: neither tried nor counted."""
    forbidden: str | None = None
    """A PIN of active staff whose role lacks ``permission``: audited under this action, counted as a wrong
    PIN and refused with ``forbidden_message``. None: such a PIN is simply wrong and whose it is stays unsaid."""
    forbidden_message: str = ""
    subject: str | None = None
    """Of the accepted entry; the device when None."""
    details: Mapping[str, object] = field(default_factory=dict)
    """Added to every audit entry, beside the device."""
    accepted_details: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Outcome:
    staff: StaffActor | None
    tries_left: int
    locked_until: datetime | None
    forbidden: bool = False


def check_pin_form(pin: object) -> str:
    if not isinstance(pin, str) or not _PIN.fullmatch(pin):
        raise InputError("pin", "a PIN is 4 to 8 digits.", code="pin_invalid")
    return pin


async def identify_by_pin(ctx: ServiceContext, actor: Actor, pin: str, use: PinUse) -> StaffActor:
    """The staff member whose PIN this is, confirming ``use`` at the acting device.

    Wrong PINs are counted per device (describe(actor)) in the database, so a restart gives no fresh tries.
    The count is one per device, shared by every use: payment PINs and kiosk-unlock PINs together, so
    MAX_WRONG_PINS wrong PINs of either kind lock the device for LOCKOUT, and switching use gains no tries.
    Every attempt is audited.
    """
    pin = check_pin_form(pin)
    device = describe(actor)
    allowed_roles = roles_with(use.permission)
    roles = frozenset(Role) if use.forbidden is not None else allowed_roles

    async def look(conn: AsyncConnection) -> tuple[db.PinGuard, list[db.PinHolder]]:
        await ensure_active(conn, actor)
        return await db.get_guard(conn, device), await db.pin_holders(conn, roles)

    guard, holders = await ctx.db.read(look)
    if _locked(guard, ctx.clock.now()):
        await _conclude(ctx, actor, device, use, None)  # audited, counted as nothing
        raise _locked_out(guard.locked_until, ctx.clock.now())
    # Try the PINs of those allowed first, so a PIN two accounts share goes to the one that may act.
    ordered = sorted(holders, key=lambda h: h.actor.role not in allowed_roles)  # stable: oldest first
    # argon2 is slow on purpose: verify off the event loop, outside any transaction.
    staff = await asyncio.to_thread(_match, ordered, pin)
    outcome = await _conclude(ctx, actor, device, use, staff, attempt=True)
    if outcome.locked_until is not None:
        raise _locked_out(outcome.locked_until, ctx.clock.now())
    if outcome.forbidden:
        raise NotAllowed(use.forbidden_message, code="pin_not_allowed")
    if outcome.staff is None:
        raise WrongPin(outcome.tries_left)
    return outcome.staff


async def _conclude(
    ctx: ServiceContext,
    actor: Actor,
    device: str,
    use: PinUse,
    staff: StaffActor | None,
    *,
    attempt: bool = False,
) -> _Outcome:
    """Count the attempt and audit it in one short transaction; raising here would roll the count back,
    so the outcome is returned and the caller raises."""

    async def work(conn: AsyncConnection) -> _Outcome:
        now = ctx.clock.now()
        guard = await db.lock_guard(conn, device, now)
        details = {"terminal": device, **use.details}
        if _locked(guard, now) or not attempt:
            # Locked (perhaps by an attempt that finished meanwhile): this PIN is neither tried nor counted.
            await audit.record(conn, at=now, actor=actor, action=use.refused, subject=device, **details)
            return _Outcome(None, 0, guard.locked_until)
        forbidden = staff is not None and not allowed(staff, use.permission)
        if staff is not None and not forbidden:
            await db.set_guard(conn, device, db.PinGuard(0, None), now)
            await audit.record(
                conn,
                at=now,
                actor=staff,
                action=use.accepted,
                subject=use.subject or device,
                **details,
                **use.accepted_details,
            )
            return _Outcome(staff, MAX_WRONG_PINS, None)
        # A PIN of staff who may not do this counts as wrong too: it must never reset or spare the count.
        failures = guard.failures + 1
        if failures >= MAX_WRONG_PINS:
            until = now + LOCKOUT
            await db.set_guard(conn, device, db.PinGuard(0, until), now)
            await audit.record(conn, at=now, actor=actor, action=use.locked, subject=device, **details)
            return _Outcome(None, 0, until)
        await db.set_guard(conn, device, db.PinGuard(failures, None), now)
        left = MAX_WRONG_PINS - failures
        who: Actor = staff if staff is not None and forbidden else actor
        action = use.forbidden if forbidden and use.forbidden is not None else use.wrong
        await audit.record(conn, at=now, actor=who, action=action, subject=device, tries_left=left, **details)
        return _Outcome(None, left, None, forbidden=forbidden)

    return await ctx.db.write(work)


class AttendedTerminal:
    """Box-office staff take cash or card and confirm it with their PIN; the PIN alone says who they are.

    Wrong PINs are counted per terminal (the acting device) by identify_by_pin; after MAX_WRONG_PINS in a row
    the terminal locks for LOCKOUT. Every attempt is audited. A door account's PIN is just a wrong PIN here.
    """

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @property
    def kind(self) -> TerminalKind:
        return TerminalKind.ATTENDED

    async def charge(self, actor: Actor, amount: Money, reference: str, given: PaymentInput) -> Payment:
        ref = _check_charge(actor, amount, reference)
        if not isinstance(given, StaffPin):
            raise InputError(
                "payment", "staff confirm this payment with their PIN.", code="payment_input_invalid"
            )
        use = PinUse(
            CONFIRM_PAYMENT,
            accepted="payment_confirmed",
            wrong="payment_pin_wrong",
            locked="payment_pin_locked",
            refused="payment_pin_refused",
            subject=f"payment:{ref}",
            details={"reference": ref, "amount": amount.minor},
            accepted_details={"currency": amount.currency},
        )
        staff = await identify_by_pin(self._ctx, actor, given.pin, use)
        return Payment(ATTENDED_METHOD, f"{ref} staff:{staff.staff_id}", amount)

    async def void(self, actor: Actor, payment: Payment, reason: str) -> None:
        await _void(self._ctx, actor, payment, reason)


def _locked(guard: db.PinGuard, now: datetime) -> bool:
    return guard.locked_until is not None and guard.locked_until > now


def _locked_out(until: datetime | None, now: datetime) -> PinLockedOut:
    assert until is not None
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return PinLockedOut(until, minutes_left=minutes)


def _match(holders: Sequence[db.PinHolder], pin: str) -> StaffActor | None:
    """The first (oldest) account whose PIN this is. Runs in a worker thread."""
    for holder in holders:
        if verify_secret(holder.pin_hash, pin):
            return holder.actor
    return None
