"""The sale's last steps: the buyer's e-mail address, the payment (core sells in the same call), printing."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from core.domain.codes import is_email
from core.domain.errors import EncoreError, ErrorCode, StorageUnavailable
from core.domain.holds import Hold
from core.domain.orders import Order
from core.domain.payments import PaymentInput
from kiosk.viewmodels import messages
from kiosk.viewmodels.flow_state import FlowState, Notice, PrintPhase, Step, Tone
from kiosk.viewmodels.printing import PrintState, TicketPrinting

log = logging.getLogger(__name__)

CHECKOUT_PATIENCE_S = 30.0
"""How long a paid checkout keeps retrying a database that does not answer before the kiosk gives up."""


class PaymentSteps:
    """Mixed into SaleFlow: the e-mail address, payment, checkout retries, printing and reprinting."""

    state: FlowState
    client: Any
    _printing: TicketPrinting
    _terminal: Any
    _paying: bool
    _payment_key: str

    if TYPE_CHECKING:  # provided by SaleFlow

        def _set(self, **changes: Any) -> None: ...
        def _go(self, step: Step, **changes: Any) -> None: ...
        def touch(self) -> None: ...
        def _hold(self) -> Hold: ...
        async def _reopen_seats(self, notice: Notice | None) -> None: ...

    def set_email(self, text: str) -> None:
        """The address as typed so far; a changed field drops the last complaint about it."""
        text = text.strip()
        self._set(email=text, email_error=None if text != self.state.email else self.state.email_error)

    def edit_email(self) -> None:
        """Review → the e-mail screen (its keyboard); the hold keeps counting down there."""
        self.touch()
        if self.state.step is Step.REVIEW and self.state.hold is not None:
            self._go(Step.EMAIL, email_error=None)

    def save_email(self, text: str) -> None:
        """Back to review with the address, or stay with the complaint beside the field; empty means none."""
        self.touch()
        text = text.strip()
        if text and not is_email(text):
            self._set(email=text, email_error=messages.EMAIL_INVALID)
            return
        if self.state.step is Step.EMAIL:
            self._go(Step.REVIEW, email=text, email_error=None)

    async def to_payment(self) -> None:
        if self.state.email and not is_email(self.state.email):
            self._set(notice=Notice(ErrorCode.EMAIL_INVALID, messages.EMAIL_INVALID, Tone.WARNING))
            return
        self._go(Step.PAYMENT)

    async def pay(self, given: PaymentInput) -> None:
        hold = self._hold()
        if self.state.step is not Step.PAYMENT or self._terminal is None:
            return
        self._paying = True
        try:
            order = await self._pay_and_checkout(hold, given)
        finally:
            self._paying = False
        if order is None:
            return
        # The hold is the order now: forgotten, so starting over does not try to release what was sold.
        self._go(
            Step.PRINTING,
            order=order,
            hold=None,
            countdown=None,
            print_phase=PrintPhase.RENDERING,
            mailed_to=order.buyer_email or "",
        )
        await self._print(order)

    async def _pay_and_checkout(self, hold: Hold, given: PaymentInput) -> Order | None:
        """Core takes the payment and sells, voiding the payment itself on a refusal after the charge. A lost
        reply is retried with the same key (it returns the same order, never charges twice) for as long as
        CHECKOUT_PATIENCE_S: the order may exist."""
        email = self.state.email or None
        waited = 0.0
        while True:
            try:
                return await self.client.pay_and_checkout(
                    hold.id,
                    given,
                    idempotency_key=self._payment_key,
                    buyer_email=email,
                    language=self.state.language,  # the tickets print in the buyer's language
                )
            except StorageUnavailable:
                if waited >= CHECKOUT_PATIENCE_S:
                    log.error(
                        "payment and checkout of hold %s still unanswered; the order may exist: check "
                        "idempotency key %s",
                        hold.id,
                        self._payment_key,
                    )
                    raise
                self._set(notice=Notice("finishing", messages.FINISHING, Tone.INFO))
                pause = min(2.0, 0.5 + waited / 4)
                await asyncio.sleep(pause)
                waited += pause
            except EncoreError as error:
                if error.code in {ErrorCode.HOLD_EXPIRED, ErrorCode.SEATS_TAKEN}:
                    await self._reopen_seats(Notice(error.code, messages.PAID_NOT_SOLD, Tone.WARNING))
                    return None
                raise

    async def reprint(self) -> None:
        if self.state.order is not None and self.state.step is Step.PRINTING and self.state.can_reprint:
            await self._print(self.state.order)

    async def _print(self, order: Order) -> None:
        self._set(print_phase=PrintPhase.RENDERING, print_error=None, can_reprint=False)
        outcome = await self._printing.print_order(self.client, order)
        if outcome.ok:
            self._go(
                Step.DONE,
                print_phase=PrintPhase.PRINTED,
                printed_to=outcome.saved_to if self.state.demo else "",
            )
        else:
            self._set(
                print_phase=PrintPhase.FAILED, print_error=outcome.error, can_reprint=outcome.can_reprint
            )

    def _on_print_changed(self, state: PrintState) -> None:
        if self.state.step is Step.PRINTING and state.phase is not PrintPhase.FAILED:
            self._set(print_phase=state.phase)
