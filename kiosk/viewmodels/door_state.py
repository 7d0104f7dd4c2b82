"""The door's state snapshots: tonight's concerts, the verdict on screen, recent scans, the whole DoorState."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.domain.checkin import ScanResult
from core.domain.ids import ConcertId
from core.domain.scan_reasons import ScanReason
from kiosk.viewmodels.door_words import Day, Tone
from kiosk.viewmodels.i18n import Text
from kiosk.viewmodels.words import LocalName, PlaceText

__all__ = ["ConcertChoice", "DoorState", "RecentScan", "Verdict"]


@dataclass(frozen=True, slots=True)
class ConcertChoice:
    id: ConcertId
    title: str
    when: Text | str
    """The doors time in the venue's timezone, e.g. 'Fri 12 Jun, doors 19:30' ('' when unknown)."""
    timezone: str = "UTC"
    doors_at: datetime | None = None
    """None: unknown (offline at start); the door then takes it for tonight's."""


@dataclass(frozen=True, slots=True)
class Verdict:
    seq: int
    """Grows with every verdict: the screen plays a sound once per new verdict."""
    tone: Tone
    word: Text
    reason: Text
    result: ScanResult | None = None
    reason_code: ScanReason | None = None
    """Why (core's reason code); None for the door's own answers (choose a concert, scan again, stop)."""
    place: PlaceText | None = None
    """In the door's language (str() it)."""
    category: LocalName | None = None
    offline: bool = False
    """Checked by signature against the local snapshot, not against the database."""


@dataclass(frozen=True, slots=True)
class RecentScan:
    at: str
    word: Text
    tone: Tone
    place: PlaceText | None


@dataclass(frozen=True, slots=True)
class DoorState:
    gate: str
    concerts: tuple[ConcertChoice, ...] = ()
    concert: ConcertChoice | None = None
    next_night: Day | None = None
    """No concert tonight: ``concerts`` are the next concert night's, this its date ('Thu 10 Dec'); None: tonight's."""
    night: Day | None = None
    """The chosen concert's night when it is not tonight (a door set up ahead): the counter names it; None:
    tonight's, or no concert."""
    verdict: Verdict | None = None
    """None: calm, "Ready — scan a ticket"."""
    online: bool = True
    unsynced: int = 0
    offline_list: Text | None = None
    """Offline: how old the list the door checks by is (None while online)."""
    list_too_old: bool = False
    """Offline with a list past its maximum age (or none): every scan says CHECK BY HAND."""
    admitted: int = 0
    """Admitted at this door for the chosen concert since the door opened, less undone admits."""
    recent: tuple[RecentScan, ...] = ()
    busy: bool = False
    queued: int = 0
    notice: Text | None = None
    """What the last undo (or a failure around it) did."""
    choosing: ConcertId | None = None
    """A concert staff picked that the door is switching to (the chooser shows it meanwhile)."""
    last_admit: PlaceText | None = None
    """The place of this door's last admit, which Undo would take back; None: nothing to undo."""
    confirming_undo: bool = False
    """Staff pressed Undo: the door asks before it takes the admit back (a guest may already be inside)."""

    @property
    def needs_concert(self) -> bool:
        return self.concert is None
