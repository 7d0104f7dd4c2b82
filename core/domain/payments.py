"""Taking payment at a kiosk: the terminal kinds, what the buyer or staff give, and the terminal's port."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from core.domain.money import Money
from core.domain.orders import Payment
from core.domain.staff import Actor

ATTENDED_METHOD = "attended"
DEMO_METHOD = "demo"
"""Payment.method of a simulated card: its tickets carry the DEMO mark on any database."""


class TerminalKind(StrEnum):
    ATTENDED = "attended"
    """Box-office staff take cash or card at the kiosk and confirm it with their PIN."""
    DEMO = "demo"
    """No money moves: the buyer approves or declines a simulated card (demo databases only)."""


@dataclass(frozen=True, slots=True)
class StaffPin:
    """Who confirms (their staff number, or the name chosen at the kiosk) and their PIN. The PIN is never
    shown in a repr or a log."""

    staff_number: int
    pin: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SimulatedCard:
    """Demo: the buyer's choice on the simulated card reader."""

    approve: bool


PaymentInput = StaffPin | SimulatedCard


class PaymentTerminal(Protocol):
    @property
    def kind(self) -> TerminalKind: ...

    async def charge(
        self,
        actor: Actor,
        amount: Money,
        reference: str,
        given: PaymentInput,
        *,
        demo_database: bool | None = None,
    ) -> Payment:
        """Take ``amount``; the Payment to pass to checkout. Raises PaymentDeclined, WrongPin, PinLockedOut
        or InputError (the wrong kind of input, a PIN of the wrong form) when nothing was taken.
        ``demo_database``: whether the database is a demo one, when the caller just read it (None: read it)."""
        ...

    async def void(self, actor: Actor, payment: Payment, reason: str) -> None:
        """A charge whose checkout then failed: recorded so staff hand the money back. Never raises."""
        ...
