"""The sale's clocks: the hold countdown (and its expiry), the idle timer, and the poller that brings the kiosk
back after an outage."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core.domain.errors import Conflict, EncoreError, ErrorCode, StorageUnavailable
from core.domain.holds import Hold
from kiosk.viewmodels import messages
from kiosk.viewmodels.flow_state import Countdown, FlowState, Notice, PrintPhase, Step, Tone

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
"""Concert list refresh and database probe while nobody is mid-purchase, and out-of-service retries."""
TICK_SECONDS = 0.2
IDLE_STEPS = frozenset({Step.CONCERTS, Step.SEATS, Step.REVIEW, Step.EMAIL, Step.DONE})
"""Where "Are you still there?" may start the kiosk over. Not Payment: a buyer paying at the counter is away
from the screen while staff take the money; the hold's own countdown (with "More time") governs there."""
HOLD_STEPS = frozenset({Step.SEATS, Step.REVIEW, Step.EMAIL, Step.PAYMENT})
"""Every screen a held place can be on: the countdown runs (and shows) on each."""
NOTICE_LINGER_S = 20.0
"""How long "the kiosk started over" stays on Welcome: long enough to read, gone before the next buyer."""


class BackgroundLoops:
    """Mixed into SaleFlow: the ticker (countdown, idle) and the poller, both started by SaleFlow.start()."""

    state: FlowState
    seat_map: Any
    client: Any
    _tasks: Any
    _paying: bool
    _last_touch: float
    _monotonic: Callable[[], float]
    _idle_timeout: float
    _idle_warning: float
    _poll_s: float

    if TYPE_CHECKING:  # provided by SaleFlow

        def _set(self, **changes: Any) -> None: ...
        def _countdown(self, hold: Hold) -> Countdown: ...
        async def _release_quietly(self, hold: Hold) -> None: ...
        async def _reopen_seats(self, notice: Notice | None) -> None: ...
        def _out_of_service(self, cause: EncoreError | None = None) -> None: ...
        def _start_over(self, notice: Notice | None) -> None: ...
        async def _enrol_once(self) -> bool: ...
        async def _refresh_concerts(self) -> None: ...

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            self._tick_hold()
            self._tick_idle()

    def _tick_hold(self) -> None:
        hold = self.state.hold
        if hold is None or self.state.step not in HOLD_STEPS:
            return
        countdown = self._countdown(hold)
        if countdown != self.state.countdown:
            self._set(countdown=countdown)
        if countdown.seconds_left == 0 and not self._paying:
            # Core lets a lapsed hold be re-taken at checkout, but the buyer was promised this much time.
            self._tasks.start(self._expired(hold), name="expired")

    async def _expired(self, hold: Hold) -> None:
        # Re-checked here, not only when scheduled: a Pay tap in the same pass of the loop wins (core re-takes
        # a lapsed hold at checkout if nobody took the places).
        if self.state.hold != hold or self.state.busy or self._paying:
            return
        self._set(hold=None, countdown=None, busy=True)
        try:
            await self._release_quietly(hold)
            await self._reopen_seats(Notice(ErrorCode.HOLD_EXPIRED, messages.HOLD_EXPIRED, Tone.WARNING))
        except StorageUnavailable as error:
            self._out_of_service(error)
        except EncoreError as error:
            self._set(notice=messages.notice_for(error))
        finally:
            self._set(busy=False)

    def _tick_idle(self) -> None:
        if self.state.step is Step.WELCOME and self.state.notice is not None and not self.state.busy:
            if self._monotonic() - self._last_touch >= NOTICE_LINGER_S:
                self._set(notice=None)
            return
        # A failed print waits for the buyer (or staff) too, but not for ever: the next person must not find
        # the previous buyer's reprint button.
        failed_print = self.state.step is Step.PRINTING and self.state.print_phase is PrintPhase.FAILED
        if (self.state.step not in IDLE_STEPS and not failed_print) or self.state.busy or self._paying:
            self._last_touch = self._monotonic()
            return
        remaining = self._idle_timeout - (self._monotonic() - self._last_touch)
        if remaining <= 0:
            self._start_over(Notice("idle", messages.STARTED_OVER))
        elif remaining <= self._idle_warning:
            left = math.ceil(remaining)
            if left != self.state.idle_seconds_left:
                self._set(idle_seconds_left=left)

    async def _poll(self) -> None:
        """Keep "N left" fresh while browsing; wait for approval; notice a lost database and come back by
        itself when it answers again."""
        while True:
            await asyncio.sleep(self._poll_s)
            step = self.state.step
            if self.state.busy or step not in {
                Step.WELCOME,
                Step.CONCERTS,
                Step.SEATS,
                Step.OUT_OF_SERVICE,
                Step.ENROLMENT,
            }:
                continue
            try:
                if step is Step.SEATS:
                    await self._check_seat_map()
                elif step in {Step.ENROLMENT, Step.OUT_OF_SERVICE}:
                    await self._enrol_once()
                else:
                    await self._refresh_concerts()
            except (
                StorageUnavailable,
                Conflict,
            ) as error:  # Conflict: enrolling with a door's or revoked key
                self._out_of_service(error)
            except EncoreError as error:
                log.warning("kiosk poll failed: %s", error.code)
            except Exception:
                # This loop is how the kiosk comes back from an outage: it must outlive any surprise.
                log.exception("kiosk poll failed unexpectedly; trying again")

    async def _check_seat_map(self) -> None:
        """A lost server or database, noticed while the buyer chooses seats. The map's live watch reads the
        database only every live_resync_s while Redis is up (and Redis says nothing about the server), so the
        server is asked here, one cheap read a poll as on Welcome and Concerts."""
        seat_map = self.seat_map
        if seat_map is None:
            return
        self._set(live=seat_map.state.live)
        try:
            await self.client.get_availability(seat_map.seat_map.concert.id)
        except StorageUnavailable as error:
            # Only a buyer still choosing goes out of service: one who held seats meanwhile finds out at the
            # next tap, and one paying is never interrupted (the checkout retries with its key).
            if self.state.step is Step.SEATS and self.seat_map is seat_map and not self._paying:
                self._out_of_service(error)
        except EncoreError as error:  # e.g. the concert was withdrawn: the buyer's next tap hears why
            log.debug("seat map check: %s", error.code)
