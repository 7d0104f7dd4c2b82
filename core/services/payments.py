"""Taking payment at a kiosk: an attended terminal (staff confirm with a PIN) or a demo card reader."""

from __future__ import annotations

import asyncio
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import payments as db
from core.db.actors import ensure_active
from core.domain.errors import ConfigError, InputError, PaymentDeclined, PinLockedOut, WrongPin
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
from core.domain.staff import Actor, Permission, StaffActor, describe
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
"""Wrong PINs in a row at one terminal before it locks."""
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
        if not given.approve:
            raise PaymentDeclined()
        return Payment(DEMO_METHOD, ref, amount)

    async def void(self, actor: Actor, payment: Payment, reason: str) -> None:
        await _void(self._ctx, actor, payment, reason)


@dataclass(frozen=True, slots=True)
class _Outcome:
    staff: StaffActor | None
    tries_left: int
    locked_until: datetime | None


class AttendedTerminal:
    """Box-office staff take cash or card and confirm it with their PIN; the PIN alone says who they are.

    Wrong PINs are counted per terminal (the acting device) in the database, so a restart gives no fresh
    tries; after MAX_WRONG_PINS in a row the terminal locks for LOCKOUT. Every attempt is audited.
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
        pin = given.pin
        if not isinstance(pin, str) or not _PIN.fullmatch(pin):
            raise InputError("pin", "a PIN is 4 to 8 digits.", code="pin_invalid")
        terminal = describe(actor)

        async def look(conn: AsyncConnection) -> tuple[db.PinGuard, list[db.PinHolder]]:
            await ensure_active(conn, actor)
            return await db.get_guard(conn, terminal), await db.pin_holders(conn, roles_with(CONFIRM_PAYMENT))

        guard, holders = await self._ctx.db.read(look)
        if _locked(guard, self._ctx.clock.now()):
            await self._conclude(actor, terminal, ref, amount, None)  # audited, counted as nothing
            raise _locked_out(guard.locked_until, self._ctx.clock.now())
        # argon2 is slow on purpose: verify off the event loop, outside any transaction.
        staff = await asyncio.to_thread(_match, holders, pin)
        outcome = await self._conclude(actor, terminal, ref, amount, staff, attempt=True)
        if outcome.locked_until is not None:
            raise _locked_out(outcome.locked_until, self._ctx.clock.now())
        if outcome.staff is None:
            raise WrongPin(outcome.tries_left)
        return Payment(ATTENDED_METHOD, f"{ref} staff:{outcome.staff.staff_id}", amount)

    async def void(self, actor: Actor, payment: Payment, reason: str) -> None:
        await _void(self._ctx, actor, payment, reason)

    async def _conclude(
        self,
        actor: Actor,
        terminal: str,
        reference: str,
        amount: Money,
        staff: StaffActor | None,
        *,
        attempt: bool = False,
    ) -> _Outcome:
        """Count the attempt and audit it in one short transaction; raising here would roll the count back,
        so the outcome is returned and the caller raises."""
        ctx = self._ctx

        async def work(conn: AsyncConnection) -> _Outcome:
            now = ctx.clock.now()
            guard = await db.lock_guard(conn, terminal, now)
            details = {"terminal": terminal, "reference": reference, "amount": amount.minor}
            if _locked(guard, now) or not attempt:
                # Locked (perhaps by an attempt that finished meanwhile): this PIN is neither tried nor counted.
                await audit.record(
                    conn, at=now, actor=actor, action="payment_pin_refused", subject=terminal, **details
                )
                return _Outcome(None, 0, guard.locked_until)
            if staff is not None:
                await db.set_guard(conn, terminal, db.PinGuard(0, None), now)
                await audit.record(
                    conn,
                    at=now,
                    actor=staff,
                    action="payment_confirmed",
                    subject=f"payment:{reference}",
                    currency=amount.currency,
                    **details,
                )
                return _Outcome(staff, MAX_WRONG_PINS, None)
            failures = guard.failures + 1
            if failures >= MAX_WRONG_PINS:
                until = now + LOCKOUT
                await db.set_guard(conn, terminal, db.PinGuard(0, until), now)
                await audit.record(
                    conn, at=now, actor=actor, action="payment_pin_locked", subject=terminal, **details
                )
                return _Outcome(None, 0, until)
            await db.set_guard(conn, terminal, db.PinGuard(failures, None), now)
            left = MAX_WRONG_PINS - failures
            await audit.record(
                conn,
                at=now,
                actor=actor,
                action="payment_pin_wrong",
                subject=terminal,
                tries_left=left,
                **details,
            )
            return _Outcome(None, left, None)

        return await ctx.db.write(work)


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
