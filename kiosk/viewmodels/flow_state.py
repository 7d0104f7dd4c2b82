"""The sale flow's immutable state: which screen the buyer is on and everything that screen shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core.domain.catalog import ConcertSummary
from core.domain.holds import Hold
from core.domain.orders import Order
from kiosk.viewmodels.i18n import Text
from kiosk.viewmodels.printing import PrintPhase

__all__ = ["Countdown", "EnrolmentInfo", "FlowState", "Notice", "PrintPhase", "Step", "Tone"]


class Step(StrEnum):
    STARTING = "starting"
    """Connecting to the database; nothing to touch yet."""
    ENROLMENT = "enrolment"
    """This machine is not approved yet: show its key fingerprint and "waiting for approval"."""
    WELCOME = "welcome"
    CONCERTS = "concerts"
    SEATS = "seats"
    REVIEW = "review"
    EMAIL = "email"
    """Typing the address the tickets go to, on the kiosk's own keyboard (the hold keeps counting down)."""
    PAYMENT = "payment"
    PRINTING = "printing"
    DONE = "done"
    OUT_OF_SERVICE = "out_of_service"


class Tone(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Notice:
    """A sentence for the buyer about what just happened; `code` is the core error code (or our own)."""

    code: str
    text: Text
    tone: Tone = Tone.INFO


@dataclass(frozen=True, slots=True)
class Countdown:
    """The hold's clock as the buyer sees it."""

    seconds_left: int
    expires_at: datetime
    warning: bool
    """Less than WARN_SECONDS left: the screen says so (and speaks it) and offers more time."""
    extensions_left: int

    @property
    def can_extend(self) -> bool:
        return self.extensions_left > 0


@dataclass(frozen=True, slots=True)
class EnrolmentInfo:
    device_name: str
    fingerprint: str
    status: str
    """pending | approved | revoked"""
    device_id: int = 0


@dataclass(frozen=True, slots=True)
class FlowState:
    step: Step = Step.STARTING
    busy: bool = False
    """A command is running: show progress, ignore repeated taps."""
    notice: Notice | None = None
    concerts: tuple[ConcertSummary, ...] = ()
    concert: ConcertSummary | None = None
    hold: Hold | None = None
    offered: bool = False
    """On SEATS: ``hold`` is best available's pick, shown on the map for the buyer to accept or change."""
    countdown: Countdown | None = None
    terminal: str = ""
    """The payment terminal's kind: attended (staff PIN) or demo (simulated approve/decline)."""
    email: str = ""
    email_error: Text | None = None
    """The address typed on the e-mail screen is not one: shown by the field until the field changes."""
    order: Order | None = None
    print_phase: PrintPhase = PrintPhase.IDLE
    print_error: Text | None = None
    can_reprint: bool = False
    mailed_to: str = ""
    printed_to: str = ""
    """Where the tickets went when that is a place a person can look (a folder of PDFs in the demo)."""
    idle_seconds_left: int | None = None
    """Not None: "Are you still there?" is showing, with this many seconds before the kiosk starts over."""
    live: bool = True
    """Live seat updates work; False shows a small "updates paused" indicator (the kiosk keeps selling)."""
    demo: bool = False
    enrolment: EnrolmentInfo | None = None
    venue_name: str = ""
    language: str = "en"
    buyer: int = 0
    """Counts the buyers: a new number when the kiosk starts over, so the screen settings a buyer chose
    (speech, contrast, text size) go back to the kiosk's defaults for the next one."""
    spoken: Text | None = field(default=None, compare=False)
    """What the screen says about itself when speech is on: where the buyer is and what they can do."""
