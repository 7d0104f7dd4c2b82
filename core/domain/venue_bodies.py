"""The venue server API's request bodies for venues and seating plans, shared by server and client."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.plan_spec import GridSection
from core.domain.venues import SeatMark

PLAN_FILE_MAX_BYTES = 4 * 1024 * 1024
"""A plan file's request may be this large (a 20,000-seat arena's CSV is about 700 KB); others take 64 KiB."""


@dataclass(frozen=True, slots=True)
class NewVenueRequest:
    name: str
    timezone: str
    """An IANA name such as Europe/Berlin: concert times are shown in it."""


@dataclass(frozen=True, slots=True)
class GridPlanRequest:
    name: str
    sections: list[GridSection]


@dataclass(frozen=True, slots=True)
class CsvPlanRequest:
    name: str
    csv_text: str
    """The file's text (UTF-8); its format is in core.domain.plan_csv."""
    source: str = "plan.csv"
    """The file's name, as the errors and the audit log name it."""


@dataclass(frozen=True, slots=True)
class MarkSeatsRequest:
    seat_ids: list[int]
    mark: SeatMark
    on: bool = True
    """False takes the mark off."""
    reason: str = ""
    """Why the seats are blocked ('Sound desk'); only for mark 'blocked' with on."""
