"""Taking payment at a kiosk: an attended terminal (staff confirm with a PIN) or a demo card reader."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import site as site_db
from core.domain.errors import ConfigError, ErrorCode, InputError, NotAllowed, PaymentDeclined
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
from core.domain.staff import Actor, Permission, describe
from core.domain.validation import clean_text
from core.security.permissions import CONFIRM_PAYMENT, allowed, require
from core.services.context import ServiceContext
from core.services.pins import LOCKOUT, MAX_WRONG_PINS, PinUse, identify_by_pin

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
        raise InputError("amount", "must be an amount of money of 0 or more.", code=ErrorCode.PAYMENT_INVALID)
    return clean_text(
        "reference",
        reference,
        limit=_REFERENCE_LIMIT,
        code=ErrorCode.PAYMENT_INVALID,
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

    async def charge(
        self,
        actor: Actor,
        amount: Money,
        reference: str,
        given: PaymentInput,
        *,
        demo_database: bool | None = None,
    ) -> Payment:
        ref = _check_charge(actor, amount, reference)
        if not isinstance(given, SimulatedCard):
            raise InputError(
                "payment", "the demo terminal takes a simulated card.", code=ErrorCode.PAYMENT_INPUT_INVALID
            )
        if demo_database is None:
            demo_database = await self._ctx.db.read(lambda conn: site_db.get(conn, site_db.DEMO)) == "true"
        if not demo_database:
            # The database decides, not the config: ENCORE_DEMO_MODE on a real database must not sell for free.
            raise NotAllowed(
                "The demo terminal works only on a demo database; this one is real. Use the attended terminal.",
                code=ErrorCode.DEMO_TERMINAL_REFUSED,
            )
        if not given.approve:
            raise PaymentDeclined()
        return Payment(DEMO_METHOD, ref, amount)

    async def void(self, actor: Actor, payment: Payment, reason: str) -> None:
        await _void(self._ctx, actor, payment, reason)


class AttendedTerminal:
    """Box-office staff take cash or card and confirm it with their staff number and PIN.

    Wrong PINs are counted per terminal (the acting device) and per staff number by identify_by_pin (see
    core.services.pins). Every attempt is audited. A door account's PIN is just a wrong PIN here.
    """

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @property
    def kind(self) -> TerminalKind:
        return TerminalKind.ATTENDED

    async def charge(
        self,
        actor: Actor,
        amount: Money,
        reference: str,
        given: PaymentInput,
        *,
        demo_database: bool | None = None,
    ) -> Payment:
        ref = _check_charge(actor, amount, reference)
        if isinstance(given, SimulatedCard):
            # A device asking for the free demo card on a real venue's terminal: refused, not just malformed.
            raise NotAllowed(
                "The simulated card works only on a demo database; this venue takes payment with a staff "
                "number and PIN. Ask box office staff to confirm the payment.",
                code=ErrorCode.DEMO_TERMINAL_REFUSED,
            )
        if not isinstance(given, StaffPin):
            raise InputError(
                "payment", "staff confirm this payment with their PIN.", code=ErrorCode.PAYMENT_INPUT_INVALID
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
        staff = await identify_by_pin(self._ctx, actor, given, use)
        return Payment(ATTENDED_METHOD, f"{ref} staff:{staff.staff_id}", amount)

    async def void(self, actor: Actor, payment: Payment, reason: str) -> None:
        await _void(self._ctx, actor, payment, reason)
