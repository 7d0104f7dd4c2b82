"""The walk-up sale, screen by screen: welcome → concert → seats → review (held, counting down) → pay → print."""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import psygnal

from core.config import Settings, enrolment_name
from core.domain.devices import DeviceKind
from core.domain.errors import (
    Conflict,
    DeviceNotApproved,
    EncoreError,
    ErrorCode,
    HoldExpired,
    NotFound,
    StorageUnavailable,
)
from core.domain.holds import Hold
from core.domain.ids import ConcertId, PlaceId, SectionId
from core.domain.payments import SimulatedCard, StaffPin, TerminalKind
from kiosk.viewmodels import messages
from kiosk.viewmodels.flow_speech import spoken_summary
from kiosk.viewmodels.flow_state import (
    Countdown,
    EnrolmentInfo,
    FlowState,
    Notice,
    PrintPhase,
    Step,
    Tone,
)
from kiosk.viewmodels.printing import TicketPrinting
from kiosk.viewmodels.sale_background import POLL_SECONDS, BackgroundLoops
from kiosk.viewmodels.sale_payment import PaymentSteps
from kiosk.viewmodels.seat_map import SeatMapModel
from kiosk.viewmodels.tasks import TaskOwner

if TYPE_CHECKING:  # core.client's protocol names every domain type: not loaded before Welcome is painted
    from core.client import DeviceClient

log = logging.getLogger(__name__)

WARN_SECONDS = 60
"""The countdown warns (and offers more time) this long before the hold runs out: WCAG 2.2.1 asks for ≥ 20 s."""
CLOSE_WAIT_S = 15.0
"""aclose() waits this long for seat maps still winding down their live subscription."""


class SaleFlow(PaymentSteps, BackgroundLoops):
    """The sale's state machine; payment and printing live in sale_payment, the clocks in sale_background."""

    changed = psygnal.Signal(FlowState)

    def __init__(
        self,
        client: DeviceClient | None,
        *,
        printing: TicketPrinting,
        settings: Settings | None = None,
        device_name: str | None = None,
        idle_timeout_s: float | None = None,
        idle_warning_s: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        poll_s: float = POLL_SECONDS,
    ) -> None:
        settings = settings or Settings()
        self._client = client
        self._printing = printing
        printing.changed.connect(self._on_print_changed)
        self._device_name = device_name or enrolment_name(settings, "Kiosk")
        self._idle_timeout = idle_timeout_s or settings.kiosk_idle_timeout_s
        self._idle_warning = idle_warning_s or settings.kiosk_idle_warning_s
        self._monotonic = monotonic
        self._poll_s = poll_s
        self._tasks = TaskOwner("sale-flow")
        self._tasks.on_error = self._on_unexpected
        self._enrolled = False
        self._terminal: TerminalKind | None = None
        self._last_touch = monotonic()
        self._payment_key = ""
        self._paying = False
        self.seat_map: SeatMapModel | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self._default_language = settings.kiosk_language
        self.state = FlowState(demo=settings.demo_mode, language=settings.kiosk_language)
        self._connecting = False
        """Welcome is up before the client (welcome_while_connecting), and the kiosk has not answered yet."""
        self._answer = asyncio.Event()

    @property
    def client(self) -> DeviceClient:
        if self._client is None:
            raise RuntimeError("the sale flow has no client yet: start(client) gives it one")
        return self._client

    # --- state -------------------------------------------------------------------------------------

    def _set(self, **changes: Any) -> None:
        state = replace(self.state, **changes)
        if state != self.state or "spoken" in changes:
            self.state = replace(state, spoken=spoken_summary(state))
            self.changed.emit(self.state)

    def _go(self, step: Step, **changes: Any) -> None:
        self._last_touch = self._monotonic()
        self._set(step=step, idle_seconds_left=None, **changes)

    def _on_unexpected(self, error: BaseException) -> None:
        # Logged by TaskOwner with its traceback; the buyer sees a calm screen, and we try to come back.
        self._set(busy=False)
        self._out_of_service()

    # --- start-up and enrolment -----------------------------------------------------------------------

    def welcome_while_connecting(self) -> None:
        """Show Welcome before the client is open (kiosk.app loads core's services after this frame): the buyer
        may choose a language and the screen settings at once, and a tap on "Buy tickets" waits for the kiosk's
        first answer. That answer then shows where the kiosk stands: Welcome with the venue, waiting for
        approval, or out of service."""
        self._connecting = True
        self._go(Step.WELCOME)

    def cannot_connect(self, error: StorageUnavailable) -> None:
        """The client could not be opened (kiosk.app tries again by itself): out of service until it opens."""
        self._out_of_service(error)
        self._answered()

    def request_start(self, client: DeviceClient | None = None) -> None:
        self._tasks.start(self.start(client))

    async def start(self, client: DeviceClient | None = None) -> None:
        """Enrol (or find) this kiosk, then run the countdown/idle ticker and the poller until aclose().
        ``client``: the client opened after Welcome was shown (welcome_while_connecting)."""
        if client is not None:
            self._client = client
        self._tasks.start(self._tick(), name="tick")
        self._tasks.start(self._poll(), name="poll")
        try:
            await self._enrol_once()
        except (StorageUnavailable, Conflict) as error:  # Conflict: this key is a door's, retired or revoked
            self._out_of_service(error)
        finally:
            self._answered()

    def _answered(self) -> None:
        self._connecting = False
        self._answer.set()

    async def first_answer(self) -> bool:
        """Wait for the kiosk's first answer if Welcome came before it; True when the kiosk may sell (and a
        staff PIN may be checked)."""
        if self._connecting:
            await self._answer.wait()
        return self._enrolled

    async def _enrol_once(self) -> bool:
        enrolment = await self.client.enrol(DeviceKind.KIOSK, self._device_name)
        info = EnrolmentInfo(
            enrolment.device.name, enrolment.fingerprint, enrolment.device.status.value, enrolment.device.id
        )
        self._enrolled = enrolment.approved and enrolment.terminal is not None
        if not self._enrolled:
            self._go(Step.ENROLMENT, enrolment=info)
            return False
        self._terminal = enrolment.terminal
        if self._connecting or self.state.step in {Step.STARTING, Step.ENROLMENT, Step.OUT_OF_SERVICE}:
            await self._refresh_concerts()  # the welcome screen names the venue
            if self.state.step is Step.OUT_OF_SERVICE:
                log.info("back in service")
            terminal = enrolment.terminal.value if enrolment.terminal else ""
            self._go(Step.WELCOME, enrolment=info, terminal=terminal, demo=enrolment.demo)
        return True

    async def _refresh_concerts(self) -> None:
        concerts = tuple(await self.client.list_on_sale())
        venue = concerts[0].venue_name if concerts else self.state.venue_name
        self._set(concerts=concerts, venue_name=venue)

    @property
    def enrolled(self) -> bool:
        """Approved: the kiosk may sell (and a staff PIN may be checked)."""
        return self._enrolled

    # --- commands: sync wrappers for widgets ------------------------------------------------------------

    def request_begin(self) -> None:
        self._command(self.begin())

    def request_choose_concert(self, concert_id: ConcertId) -> None:
        self._command(self.choose_concert(concert_id))

    def request_back(self) -> None:
        self._command(self.back())

    def request_hold_selection(self) -> None:
        self._command(self.hold_selection())

    def request_hold_best_available(self, section_id: SectionId, quantity: int) -> None:
        self._command(self.hold_best_available(section_id, quantity))

    def request_accept_offer(self) -> None:
        self._command(self.accept_offer())

    def request_change_offer(self) -> None:
        self._command(self.change_offer())

    def request_hold_standing(self, section_id: SectionId, quantity: int) -> None:
        self._command(self.hold_standing(section_id, quantity))

    def request_extend(self) -> None:
        self._command(self.extend())

    def request_to_payment(self) -> None:
        self._command(self.to_payment())

    def request_cancel(self) -> None:
        self._command(self.cancel())

    def request_pay_with_pin(self, staff_number: int, pin: str) -> None:
        self._command(self.pay(StaffPin(staff_number, pin)))

    def request_pay_demo(self, approve: bool) -> None:
        self._command(self.pay(SimulatedCard(approve)))

    def request_reprint(self) -> None:
        self._command(self.reprint())

    def request_finish(self) -> None:
        self._command(self.finish())

    def _command(self, coro: Coroutine[Any, Any, None]) -> None:
        self.touch()
        if self.state.busy:  # a second tap while the first is running
            coro.close()
            return
        # Busy now, not when the task first runs: two taps in one pass of the loop must not both get through.
        self._set(busy=True, notice=None)
        self._tasks.start(self._guarded(coro))

    async def _guarded(self, coro: Awaitable[None]) -> None:
        try:
            await coro
        except StorageUnavailable as error:
            self._out_of_service(error)
        except DeviceNotApproved:
            # A manager revoked this kiosk mid-sale: its hold lapses by itself; show where it stands.
            self._start_over(None)
            await self._enrol_once()
        except EncoreError as error:
            self._set(notice=messages.notice_for(error))
        finally:
            self._set(busy=False)

    # --- small sync commands ------------------------------------------------------------------------------

    def touch(self) -> None:
        """Any tap or key: the buyer is still here."""
        self._last_touch = self._monotonic()
        if self.state.idle_seconds_left is not None:
            self._set(idle_seconds_left=None)

    def still_here(self) -> None:
        self.touch()

    def set_language(self, language: str) -> None:
        self.touch()
        self._set(language=language)

    # --- the purchase ---------------------------------------------------------------------------------

    async def begin(self) -> None:
        if not await self.first_answer():  # tapped before the kiosk answered: its screen says why not
            return
        concerts = tuple(await self.client.list_on_sale())
        self._go(Step.CONCERTS, concerts=concerts, concert=None)

    async def choose_concert(self, concert_id: ConcertId) -> None:
        summary = next((c for c in self.state.concerts if c.concert.id == concert_id), None)
        if summary is None:  # not on the list the buyer saw (a stale list, or a test): read it now
            concerts = tuple(await self.client.list_on_sale())
            summary = next((c for c in concerts if c.concert.id == concert_id), None)
            if summary is None:
                raise NotFound(
                    "That concert is not on sale any more. Please choose another.",
                    code=ErrorCode.CONCERT_NOT_ON_SALE,
                )
            self._set(concerts=concerts)
        seat_map = await self.client.get_seat_map(concert_id)
        await self._close_seat_map()
        self.seat_map = SeatMapModel(seat_map)
        self._go(Step.SEATS, concert=summary, hold=None, countdown=None, offered=False)
        # Live updates start once the screen has drawn the map: a big plan keeps the GUI thread (and so this
        # loop) busy for a moment, and a subscription started before would time out waiting for Redis.
        self.seat_map.start(self.client)

    async def back(self) -> None:
        if self.state.step is Step.SEATS:
            if self.state.hold is not None:  # best available's offer, not accepted
                await self.client.release_hold(self.state.hold.id)
                self._set(hold=None, countdown=None, offered=False)
            await self._close_seat_map()
            await self.begin()
        elif self.state.step is Step.CONCERTS:
            self._go(Step.WELCOME)
        elif self.state.step is Step.EMAIL:
            self._go(Step.REVIEW, email_error=None)
        elif self.state.step in {Step.REVIEW, Step.PAYMENT}:
            await self.cancel()

    async def hold_selection(self) -> None:
        chosen: Sequence[PlaceId] = self.seat_map.state.selection if self.seat_map else ()
        if not chosen:
            self._set(notice=Notice("nothing_selected", messages.NOTHING_SELECTED, Tone.INFO))
            return
        concert_id = self._concert_id()
        hold = await self.client.hold_places(concert_id, chosen, request_key=_key())
        await self._held(hold)

    async def hold_best_available(self, section_id: SectionId, quantity: int) -> None:
        """Hold the best seats, then show them on the map first: the buyer sees where they are and accepts or
        changes them (accept_offer, change_offer) before the review."""
        hold = await self.client.hold_best_available(
            self._concert_id(), section_id, quantity, request_key=_key()
        )
        if self.seat_map is None:
            await self._held(hold)
            return
        self.seat_map.show_offer([p.place_id for p in hold.places])
        self._set(hold=hold, countdown=self._countdown(hold), offered=True)

    async def accept_offer(self) -> None:
        await self._held(self._hold())

    async def change_offer(self) -> None:
        hold = self.state.hold
        if hold is not None:
            await self.client.release_hold(hold.id)
        if self.seat_map is not None:
            self.seat_map.end_offer()
        self._set(hold=None, countdown=None, offered=False)

    async def hold_standing(self, section_id: SectionId, quantity: int) -> None:
        hold = await self.client.hold_standing(self._concert_id(), section_id, quantity, request_key=_key())
        await self._held(hold)

    async def _held(self, hold: Hold) -> None:
        await self._close_seat_map()
        self._payment_key = _key()
        self._go(
            Step.REVIEW, hold=hold, countdown=self._countdown(hold), offered=False, order=None, mailed_to=""
        )

    async def extend(self) -> None:
        hold = self._hold()
        hold = await self.client.extend_hold(hold.id)
        self._set(hold=hold, countdown=self._countdown(hold), notice=Notice("extended", messages.EXTENDED))

    async def cancel(self) -> None:
        """Release the hold (the places return at once) and go back to the seat map."""
        hold = self.state.hold
        if hold is not None:
            await self.client.release_hold(hold.id)
        await self._reopen_seats(Notice("cancelled", messages.CANCELLED))

    async def finish(self) -> None:
        self._start_over(None)

    # --- helpers ---------------------------------------------------------------------------------------

    def _concert_id(self) -> ConcertId:
        if self.state.concert is None:
            raise RuntimeError("no concert chosen")
        return self.state.concert.concert.id

    def _hold(self) -> Hold:
        if self.state.hold is None:  # a late tap after the hold ran out or was cancelled
            raise HoldExpired(
                "Your places are no longer held. Please choose again.", code=ErrorCode.HOLD_EXPIRED
            )
        return self.state.hold

    def _countdown(self, hold: Hold) -> Countdown:
        left = max(0, math.ceil((hold.expires_at - self.client.clock.now()).total_seconds()))
        return Countdown(
            left, hold.expires_at, left <= WARN_SECONDS, hold.extensions_allowed - hold.extensions_used
        )

    async def _reopen_seats(self, notice: Notice | None) -> None:
        concert = self.state.concert
        if concert is None:
            self._start_over(notice)
            return
        await self.choose_concert(concert.concert.id)
        self._set(notice=notice)

    async def _close_seat_map(self) -> None:
        """Detach the seat map now; its live subscription winds down in the background, so the buyer never
        waits for a teardown (seen taking seconds against some Redis servers)."""
        if self.seat_map is not None:
            seat_map, self.seat_map = self.seat_map, None
            # Not on the cancellable command tasks: a close cancelled half-way would leave its live task behind.
            closing = asyncio.get_running_loop().create_task(seat_map.aclose(), name="close-seat-map")
            self._closing.add(closing)
            closing.add_done_callback(self._closing.discard)

    def _start_over(self, notice: Notice | None) -> None:
        """Back to Welcome; a hold still open is released (best effort: it lapses by itself anyway)."""
        hold = self.state.hold
        if hold is not None and self._enrolled:
            self._tasks.start(self._release_quietly(hold), name="release")
        if self.seat_map is not None:
            self._tasks.start(self._close_seat_map(), name="detach-seat-map")
        self._go(
            Step.WELCOME,
            hold=None,
            offered=False,
            countdown=None,
            order=None,
            concert=None,
            email="",
            notice=notice,
            print_phase=PrintPhase.IDLE,
            print_error=None,
            can_reprint=False,
            mailed_to="",
            printed_to="",
            email_error=None,
            language=self._default_language,  # the next buyer starts from the kiosk's defaults
            buyer=self.state.buyer + 1,
        )

    async def _release_quietly(self, hold: Hold) -> None:
        try:
            await self.client.release_hold(hold.id)
        except EncoreError as error:
            log.info("hold %s not released (%s); it lapses by itself", hold.id, error.code)

    def _out_of_service(self, cause: EncoreError | None = None) -> None:
        """The calm screen until the poll gets through again. ``cause``: the typed fault (an unexpected error
        was logged with its traceback already)."""
        if self.state.step is Step.OUT_OF_SERVICE:
            return
        if cause is not None:  # once per outage, so the kiosk's log says when and why it stopped selling
            log.warning("out of service: %s (%s); retrying by itself", cause.code, cause.message)
        hold = self.state.hold
        if hold is not None:
            self._tasks.start(self._release_quietly(hold), name="release")  # lapses anyway if this fails too
        if self.seat_map is not None:
            self._tasks.start(self._close_seat_map(), name="detach-seat-map")
        self._go(
            Step.OUT_OF_SERVICE,
            busy=False,
            notice=None,
            hold=None,
            offered=False,
            countdown=None,
            concert=None,
        )

    async def aclose(self) -> None:
        await self._close_seat_map()
        await self._tasks.aclose()
        if self._closing:
            await asyncio.wait(set(self._closing), timeout=CLOSE_WAIT_S)


def _key() -> str:
    return uuid.uuid4().hex
