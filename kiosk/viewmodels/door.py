"""The door station's view-model: scans in arrival order, the verdict to show, online/offline, sync, undo."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from psygnal import Signal

from core.client import DeviceClient, DoorStation
from core.domain.checkin import ScanResult
from core.domain.errors import Conflict, EncoreError, ErrorCode, StorageBusy
from core.domain.ids import ConcertId
from core.domain.scans import ScanOutcome
from kiosk.viewmodels.door_concerts import another_night, categories_by_place, chosen_concert, concert_choices
from kiosk.viewmodels.door_jobs import JobQueue
from kiosk.viewmodels.door_state import ConcertChoice, DoorState, RecentScan, Verdict
from kiosk.viewmodels.door_status import station_status
from kiosk.viewmodels.door_words import WORDS, Day, Tone, place_text, reason_text
from kiosk.viewmodels.i18n import QT_TRANSLATE_NOOP as T
from kiosk.viewmodels.i18n import Text, plain
from kiosk.viewmodels.tasks import TaskOwner
from kiosk.viewmodels.words import LocalName

__all__ = ["ConcertChoice", "DoorState", "DoorViewModel", "RecentScan", "Tone", "Verdict"]

log = logging.getLogger(__name__)

RECENT = 10
MAX_TEXT = 512
"""A ticket's QR text is about 150 characters; anything much longer is not a ticket (a stuck key, a paste)."""


SCAN_AGAIN = T("Door", "SCAN AGAIN")
STOP = T("Door", "STOP")
CHOOSE = T("Door", "CHOOSE CONCERT")
CHOOSE_FIRST = T("Door", "Choose tonight's concert before scanning tickets.")
TOO_LONG = T("Door", "This is not a ticket code (far too long). Do not admit; scan the ticket's QR code.")
OUT_OF_SERVICE = T(
    "Door",
    "Something went wrong while checking this ticket. Scan it again; if it happens again, call a manager.",
)
UNDO_OFFLINE = T("Door", "Undo needs the database, which does not answer right now. Try again in a moment.")


class DoorViewModel:
    """One door station. Scans, undo and concert changes run one at a time in arrival order: a scanner can
    type faster than the database answers, and no scan may be dropped or overtaken."""

    changed = Signal(DoorState)

    def __init__(
        self,
        client: DeviceClient,
        *,
        gate: str,
        local_path: Path | str,
        verdict_seconds: float | None = 4.0,
        tick_seconds: float = 15.0,
        snapshot_every: timedelta = timedelta(minutes=5),
        online_timeout_s: float = 2.5,
        probe_interval: timedelta = timedelta(seconds=10),
    ) -> None:
        self.client = client
        self.local_path = Path(local_path)
        self.verdict_seconds = verdict_seconds
        self.tick_seconds = tick_seconds
        self.snapshot_every = snapshot_every
        self._station_options = {"online_timeout_s": online_timeout_s, "probe_interval": probe_interval}
        self._state = DoorState(gate=gate)
        self._tasks = TaskOwner("door")
        self._jobs: JobQueue[Verdict | None] = JobQueue(
            self._tasks,
            report=self._publish,
            on_failure=lambda: self._show(Tone.WARN, SCAN_AGAIN, OUT_OF_SERVICE),
        )
        self._clear: asyncio.Task[None] | None = None
        self._station: DoorStation | None = None
        self._categories: dict[str, LocalName] = {}
        """The chosen concert's price category by core's English place label."""
        self._admitted: dict[ConcertId, int] = {}
        """Admits at this door per concert, less undone ones: the counter shows the chosen concert's."""
        self._refreshed_at: datetime | None = None
        self._seq = 0

    @classmethod
    async def open(
        cls,
        client: DeviceClient,
        *,
        gate: str,
        local_path: Path | str,
        concert_id: ConcertId | None = None,
        **options: object,
    ) -> DoorViewModel:
        """The door of an enrolled, approved device (the client acts as it)."""
        model = cls(client, gate=gate, local_path=local_path, **options)  # type: ignore[arg-type]
        try:
            await model.start(concert_id)
        except BaseException:  # cancelled (the app closing while it opens) or failed: stop what it started
            await asyncio.shield(model.aclose())
            raise
        return model

    @property
    def state(self) -> DoorState:
        return self._state

    # --- commands ---------------------------------------------------------------------------------

    async def start(self, concert_id: ConcertId | None = None) -> None:
        """List tonight's concerts, take ``concert_id`` (or the only one), start the sync/refresh task."""
        concerts: tuple[ConcertChoice, ...] = ()
        next_night: Day | None = None
        try:
            summaries = await self.client.list_door_concerts()
            concerts = concert_choices(summaries)
            if summaries:
                next_night = another_night(
                    summaries[0].concert.doors_at, summaries[0].timezone, self.client.clock.now()
                )
        except EncoreError as exc:  # offline at start: a given concert still works from the local snapshot
            log.warning("door: cannot list concerts (%s)", exc.message)
        self._publish(concerts=concerts, next_night=next_night)
        if concert_id is None and len(concerts) == 1:
            concert_id = concerts[0].id
        if concert_id is not None:
            await self.choose_concert(concert_id)
        self._tasks.start(self._periodic(), name="periodic")

    def request_scan(self, text: str) -> None:
        """For the scanner and camera adapters: queued, never dropped."""
        self._jobs.enqueue(lambda: self._scan(text))

    async def scan(self, text: str) -> Verdict | None:
        return await self._jobs.submit(lambda: self._scan(text))

    def ask_undo(self) -> None:
        """Undo pressed: ask first (nothing happens until ``request_undo``)."""
        if self._state.last_admit is not None:
            self._publish(confirming_undo=True)

    def cancel_undo(self) -> None:
        self._publish(confirming_undo=False)

    def request_undo(self) -> None:
        self._publish(confirming_undo=False)
        self._jobs.enqueue(self._undo)

    async def undo_last(self) -> Verdict | None:
        return await self._jobs.submit(self._undo)

    def request_choose_concert(self, concert_id: ConcertId) -> None:
        self._publish(choosing=concert_id)
        self._jobs.enqueue(lambda: self._choose(concert_id))

    async def choose_concert(self, concert_id: ConcertId) -> None:
        await self._jobs.submit(lambda: self._choose(concert_id))

    async def tick(self) -> None:
        """One round of the periodic work: probe the database while offline (refreshing the snapshot), refresh
        it while online when it is old, sync what is left in the journal."""
        station = self._station
        if station is None:
            return
        now = self.client.clock.now()
        due = self._refreshed_at is None or now - self._refreshed_at >= self.snapshot_every
        try:
            if not station.online or due:
                await station.refresh_snapshot()
                self._refreshed_at = now
            await station.settle()
            if station.online and await station.unsynced():
                await station.sync()
        except (EncoreError, TimeoutError):
            pass  # still offline: the station said so in the log once, and the screen shows it
        if station is self._station:
            self._publish(
                night=self._night(), next_night=self._next_night(), **await self._station_status(station)
            )

    async def aclose(self) -> None:
        await self._tasks.aclose()
        self._jobs.cancel_waiting()
        if self._station is not None:
            await self._station.aclose()
            self._station = None

    # --- the work ---------------------------------------------------------------------------------

    async def _scan(self, text: str) -> Verdict | None:
        text = text.strip() if isinstance(text, str) else ""
        if not text:
            return None
        station = self._station
        if station is None:
            return self._show(Tone.WARN, CHOOSE, CHOOSE_FIRST)
        if len(text) > MAX_TEXT:
            word, tone = WORDS[ScanResult.NOT_VALID]
            return self._show(tone, word, TOO_LONG, result=ScanResult.NOT_VALID)
        try:
            outcome = await station.scan(text)
        except StorageBusy as exc:
            return self._show(Tone.WARN, SCAN_AGAIN, plain(exc.message))
        except EncoreError as exc:  # the door itself may not scan (revoked device): staff must act
            return self._show(Tone.REFUSE, STOP, plain(exc.message))
        verdict = self._outcome(outcome)
        self._publish(**await self._station_status(station))
        return verdict

    async def _undo(self) -> Verdict | None:
        try:
            outcome = await self.client.undo_last_admit()
        except Conflict as exc:
            self._publish(notice=plain(exc.message), last_admit=None)
            return None
        except EncoreError as exc:
            self._publish(
                notice=UNDO_OFFLINE if exc.code == ErrorCode.STORAGE_UNAVAILABLE else plain(exc.message)
            )
            return None
        concert = self._state.concert
        concert_id = outcome.concert_id or (concert.id if concert else None)
        if concert_id is not None:
            self._admitted[concert_id] = max(0, self._admitted.get(concert_id, 0) - 1)
        self._publish(
            notice=reason_text(outcome, self.client.clock.now()),
            admitted=self._admitted.get(concert.id, 0) if concert else 0,
            verdict=None,
            last_admit=None,
        )
        return None

    async def _choose(self, concert_id: ConcertId) -> None:
        old, self._station = self._station, None
        if old is not None:
            await old.aclose()
        choice = next((c for c in self._state.concerts if c.id == concert_id), None)
        try:
            seat_map = await self.client.get_seat_map(concert_id)
        except EncoreError as exc:  # offline: the local snapshot still checks tickets
            log.warning("door: concert %s details unavailable (%s)", concert_id, exc.message)
            self._categories = {}
        else:
            self._categories = categories_by_place(seat_map)
            choice = chosen_concert(seat_map)
        if choice is None:
            choice = ConcertChoice(concert_id, f"Concert {concert_id}", "")
        station = await self.client.open_door_station(
            concert_id,
            self._state.gate,
            self.local_path,
            **self._station_options,  # type: ignore[arg-type]
        )
        self._station = station
        self._refreshed_at = None
        try:
            await station.refresh_snapshot()
            self._refreshed_at = self.client.clock.now()
        except (EncoreError, TimeoutError):
            pass  # offline: scans go by the snapshot this door already has
        if choice.doors_at is None:  # offline from the start: the venue's zone is in this door's snapshot
            age = await station.snapshot_age()
            if age is not None and age.timezone:
                choice = replace(choice, timezone=age.timezone)
        concerts = self._state.concerts
        if all(c.id != concert_id for c in concerts):
            concerts = (choice, *concerts)  # sales may have closed: tonight's concert stays choosable
        self._publish(
            concerts=concerts,
            concert=choice,
            night=self._night(choice),
            admitted=self._admitted.get(concert_id, 0),
            choosing=None if self._state.choosing == concert_id else self._state.choosing,
            verdict=None,
            notice=None,
            last_admit=None,
            confirming_undo=False,
            **await self._station_status(station, choice),
        )

    async def _station_status(
        self, station: DoorStation, concert: ConcertChoice | None = None
    ) -> dict[str, object]:
        concert = concert or self._state.concert
        return await station_status(station, concert.timezone if concert else self._venue_zone())

    async def _periodic(self) -> None:
        while True:
            await asyncio.sleep(self.tick_seconds)
            if not self._jobs:  # scans first: a probe may wait for a timeout
                # On the queue, like scans: a concert switch must not close the station under a running tick,
                # nor a scan run beside a snapshot refresh. A scan arriving meanwhile waits for the probe.
                await self._jobs.submit(self._tick_job)

    async def _tick_job(self) -> Verdict | None:
        await self.tick()
        return None

    # --- verdicts ---------------------------------------------------------------------------------

    def _outcome(self, outcome: ScanOutcome) -> Verdict:
        word, tone = WORDS[outcome.result]
        known = ((c.id, c.title, c.when) for c in self._state.concerts)
        verdict = self._show(
            tone,
            word,
            reason_text(outcome, self.client.clock.now(), known),
            result=outcome.result,
            reason_code=outcome.reason,
            place=place_text(outcome),
            # The chosen concert's categories: another concert's ticket (WRONG CONCERT) has its own.
            category=self._categories.get(outcome.place or "") if self._is_tonights(outcome) else None,
            offline=outcome.offline,
        )
        concert = self._state.concert
        if outcome.admitted and concert is not None:
            self._admitted[concert.id] = self._admitted.get(concert.id, 0) + 1
            self._publish(admitted=self._admitted[concert.id], last_admit=place_text(outcome))
        return verdict

    def _next_night(self) -> Day | None:
        """The listed concerts' night, None once it has come (a door set up ahead and left running)."""
        night = self._state.next_night
        return None if night is None else another_night(night.moment, night.zone, self.client.clock.now())

    def _night(self, concert: ConcertChoice | None = None) -> Day | None:
        """The chosen concert's night when it is not tonight (the counter names it)."""
        concert = concert or self._state.concert
        if concert is None or concert.doors_at is None:
            return None
        return another_night(concert.doors_at, concert.timezone, self.client.clock.now())

    def _venue_zone(self) -> str:
        """The venue's timezone: the chosen concert's, else the listed concerts' (before one is chosen, times
        showed in UTC and jumped to venue time after); UTC only when nothing is known (offline at start)."""
        concert = self._state.concert or next(iter(self._state.concerts), None)
        return concert.timezone if concert else "UTC"

    def _is_tonights(self, outcome: ScanOutcome) -> bool:
        concert = self._state.concert
        return concert is not None and outcome.concert_id == concert.id

    def _show(self, tone: Tone, word: Text, reason: Text, **details: object) -> Verdict:
        self._seq += 1
        verdict = Verdict(self._seq, tone, word, reason, **details)  # type: ignore[arg-type]
        at = self.client.clock.now().astimezone(ZoneInfo(self._venue_zone())).strftime("%H:%M:%S")
        recent = (RecentScan(at, word, tone, verdict.place), *self._state.recent)[:RECENT]
        self._publish(verdict=verdict, recent=recent, notice=None, confirming_undo=False)
        if self._clear is not None:
            self._clear.cancel()
        if self.verdict_seconds is not None:
            self._clear = self._tasks.start(self._back_to_ready(verdict.seq), name="ready")
        return verdict

    async def _back_to_ready(self, seq: int) -> None:
        assert self.verdict_seconds is not None
        await asyncio.sleep(self.verdict_seconds)
        current = self._state.verdict
        if current is not None and current.seq == seq:
            self._publish(verdict=None)

    def _publish(self, **changes: object) -> None:
        self._state = replace(self._state, **changes)  # type: ignore[arg-type]
        self.changed.emit(self._state)
