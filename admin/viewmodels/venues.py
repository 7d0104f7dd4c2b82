"""The "Venues and seating plans" screen, Qt-free: venues, their plans, a plan's seats to draw and mark.

The widget binds to ``changed`` (a VenuesState each time) and calls the ``request_*`` commands, which start a
task this view-model keeps. Every refusal shows the server's sentence; a bad plan file lists every problem with
its line, and nothing was written.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TypeVar

from psygnal import Signal

from admin.viewmodels.tasks import TaskOwner
from core.client.protocol import StaffSession
from core.domain.errors import EncoreError, FileProblem, PlanFileError
from core.domain.ids import PlanId, SeatId, VenueId
from core.domain.plan_spec import SEAT_PITCH, GridSection, grid_to_specs
from core.domain.venues import Numbering, PlanLayout, SeatingPlan, SeatMark, SectionKind, Venue

__all__ = [
    "GridForm",
    "VenuesState",
    "VenuesViewModel",
    "describe_section",
    "parse_numbers",
    "place_behind",
    "seat_counts",
]

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GridForm:
    """What the grid generator's form holds, as typed: one section (seated, or standing with its places).
    A plan of several sections adds each in turn (``add_section``) before creating it."""

    plan_name: str
    section_name: str
    rows: int
    seats_per_row: int
    numbering: Numbering = Numbering.LEFT_TO_RIGHT
    aisles: str = ""
    """Seat numbers an aisle follows, e.g. '6, 14'."""
    gaps: str = ""
    """Rows a cross aisle follows, e.g. '5'."""
    curve_radius: float = 0
    """0 keeps the rows straight."""
    kind: SectionKind = SectionKind.SEATED
    places: int = 0
    """A standing section's capacity (rows, seats and the rest are not used)."""


SECTION_SPACING = 3 * SEAT_PITCH
"""Room between one section's back row and the next section's front, in the drawing."""


def _section_from(form: GridForm) -> GridSection:
    """The form's section, not yet placed; raises ValueError with the form's sentence."""
    if form.kind is SectionKind.STANDING:
        return GridSection(form.section_name, SectionKind.STANDING, capacity=form.places)
    return GridSection(
        form.section_name,
        SectionKind.SEATED,
        rows=form.rows,
        seats_per_row=form.seats_per_row,
        numbering=form.numbering,
        aisle_after=parse_numbers("Aisles after seats", form.aisles),
        gap_after_rows=parse_numbers("Gaps after rows", form.gaps),
        curve_radius=form.curve_radius,
    )


def place_behind(placed: tuple[GridSection, ...], section: GridSection) -> GridSection:
    """``section`` centred left to right and behind the seated sections already placed, clear of their back
    rows (a curved section's ends come forward, so its reach forward is measured, not guessed). Assumes both
    are valid (grid_to_specs said so)."""
    if section.kind is SectionKind.STANDING:
        return section
    (spec,) = grid_to_specs([section])
    xs, ys = [s.x for s in spec.seats], [s.y for s in spec.seats]
    origin_x = section.origin_x - (min(xs) + max(xs)) / 2
    seats_before = [seat for part in grid_to_specs(placed) for seat in part.seats] if placed else []
    if not seats_before:
        return replace(section, origin_x=origin_x, origin_y=section.origin_y - min(ys))
    back = max(seat.y for seat in seats_before)
    return replace(section, origin_x=origin_x, origin_y=section.origin_y - min(ys) + back + SECTION_SPACING)


def _sections(n: int) -> str:
    return "1 section" if n == 1 else f"{n} sections"


def describe_section(section: GridSection) -> str:
    """One line for the list of sections added so far."""
    if section.kind is SectionKind.STANDING:
        return f"{section.name}: standing, {section.capacity:,} places"
    seats = section.rows * section.seats_per_row
    curve = ", curved" if section.curve_radius else ""
    return f"{section.name}: {section.rows} rows × {section.seats_per_row} = {seats:,} seats{curve}"


@dataclass(frozen=True, slots=True)
class VenuesState:
    venues: tuple[Venue, ...] = ()
    venue_id: VenueId | None = None
    """The venue whose plans are listed."""
    plans: tuple[SeatingPlan, ...] = ()
    layout: PlanLayout | None = None
    """The plan drawn in the preview, with every seat."""
    selected: frozenset[SeatId] = field(default_factory=frozenset)
    """Seats chosen in the preview, to mark."""
    busy: bool = False
    error: str = ""
    """The last refusal in the server's words; empty when there is none."""
    error_code: str = ""
    file_problems: tuple[FileProblem, ...] = ()
    """A refused plan file's problems, each with its line."""
    notice: str = ""
    """What the last command did, in a sentence."""
    draft: tuple[GridSection, ...] = ()
    """Sections added to the grid generator's next plan, placed one behind the other; empty: the form's one."""

    @property
    def venue(self) -> Venue | None:
        return next((v for v in self.venues if v.id == self.venue_id), None)


def parse_numbers(field_name: str, text: str) -> tuple[int, ...]:
    """'6, 14' -> (6, 14); raises ValueError with a sentence for the form."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise ValueError(f"{field_name}: write whole numbers separated by commas, such as 6, 14.")
    return tuple(int(p) for p in parts)


class VenuesViewModel:
    changed = Signal(VenuesState)

    def __init__(self, session: StaffSession) -> None:
        self._session = session
        self._tasks = TaskOwner("venues")
        self.state = VenuesState()

    # --- state -----------------------------------------------------------------------------------------

    def _set(self, **changes: object) -> None:
        self.state = replace(self.state, **changes)  # type: ignore[arg-type]
        self.changed.emit(self.state)

    async def _run(self, call: Callable[[], Awaitable[T]]) -> T | None:
        """One server call with the screen busy; a refusal becomes the state's error (nothing else changes)."""
        self._set(busy=True, error="", error_code="", file_problems=(), notice="")
        try:
            return await call()
        except PlanFileError as exc:
            self._set(error=exc.message, error_code=exc.code, file_problems=exc.problems)
        except EncoreError as exc:
            self._set(error=exc.message, error_code=exc.code)
        finally:
            self._set(busy=False)
        return None

    # --- commands --------------------------------------------------------------------------------------

    async def load(self) -> None:
        venues = await self._run(self._session.list_venues)
        if venues is None:
            return
        self._set(venues=tuple(venues))
        current = self.state.venue_id if self.state.venue else None
        if current is None and venues:
            current = venues[0].id
        if current is not None:
            await self.select_venue(current)

    async def select_venue(self, venue_id: VenueId) -> None:
        plans = await self._run(lambda: self._session.list_plans(venue_id))
        if plans is None:
            return
        self._set(venue_id=venue_id, plans=tuple(plans), layout=None, selected=frozenset())
        if plans:
            await self.select_plan(plans[0].id)

    async def select_plan(self, plan_id: PlanId) -> None:
        layout = await self._run(lambda: self._session.get_plan_layout(plan_id))
        if layout is not None:
            self._set(layout=layout, selected=frozenset())

    async def create_venue(self, name: str, timezone: str) -> None:
        venue = await self._run(lambda: self._session.create_venue(name=name, timezone=timezone))
        if venue is None:
            return
        venues = tuple(sorted((*self.state.venues, venue), key=lambda v: v.name))
        self._set(venues=venues, notice=f"Venue {venue.name} created.")
        await self.select_venue(venue.id)
        self._set(notice=f"Venue {venue.name} created.")

    def add_section(self, form: GridForm) -> None:
        """Add the form's section to the next plan (checked here as the server would, so a wrong one is told
        at once with the server's sentence and code); the plan is made by ``create_grid_plan``."""
        try:
            section = _section_from(form)
            grid_to_specs([*self.state.draft, section])
        except ValueError as exc:
            self._set(error=str(exc), error_code="invalid_input", file_problems=(), notice="")
            return
        except EncoreError as exc:
            self._set(error=exc.message, error_code=exc.code, file_problems=(), notice="")
            return
        draft = (*self.state.draft, place_behind(self.state.draft, section))
        self._set(
            draft=draft,
            error="",
            error_code="",
            file_problems=(),
            notice=f"{section.name.strip()} added: {_sections(len(draft))} so far. Add another, or create the plan.",
        )

    def remove_section(self, index: int) -> None:
        draft = self.state.draft
        if not 0 <= index < len(draft):
            return
        kept: tuple[GridSection, ...] = ()
        for section in draft[:index] + draft[index + 1 :]:  # the ones behind move up
            kept = (*kept, place_behind(kept, replace(section, origin_x=0, origin_y=0)))
        self._set(draft=kept, notice=f"{draft[index].name} removed.", error="", error_code="")

    async def create_grid_plan(self, form: GridForm) -> None:
        """The plan from the sections added so far, or from the form's one section when none was added."""
        venue_id = self._need_venue()
        if venue_id is None:
            return
        sections: tuple[GridSection, ...] = self.state.draft
        if not sections:
            try:
                sections = (_section_from(form),)
            except ValueError as exc:
                self._set(error=str(exc), error_code="invalid_input", file_problems=(), notice="")
                return
        plan = await self._run(
            lambda: self._session.create_plan_from_grid(
                venue_id, name=form.plan_name, sections=list(sections)
            )
        )
        if plan is not None:
            self._set(draft=())
        await self._added(plan)

    async def import_csv(self, name: str, csv_text: str, source: str) -> None:
        venue_id = self._need_venue()
        if venue_id is None:
            return
        plan = await self._run(
            lambda: self._session.import_plan_csv(venue_id, name=name, csv_text=csv_text, source=source)
        )
        await self._added(plan)

    async def mark(self, mark: SeatMark, *, on: bool = True, reason: str = "") -> None:
        layout, chosen = self.state.layout, sorted(self.state.selected)
        if layout is None or not chosen:
            self._set(error="Choose seats in the plan first (click them, or drag a box around them).")
            return
        plan_id = layout.plan.id
        marked = await self._run(
            lambda: self._session.mark_seats(plan_id, chosen, mark, on=on, reason=reason)
        )
        if marked is not None:
            verb = "marked" if on else "unmarked"
            self._set(
                layout=marked, selected=frozenset(), notice=f"{len(chosen)} seat(s) {verb}: {mark.value}."
            )

    def select_seats(self, seat_ids: Iterable[SeatId], *, add: bool = False) -> None:
        """The preview's choice (sync: no server call). ``add`` toggles into the current choice."""
        ids = frozenset(seat_ids)
        chosen = self.state.selected ^ ids if add else ids
        self._set(selected=chosen, error="")

    async def _added(self, plan: SeatingPlan | None) -> None:
        if plan is None:
            return
        plans = tuple(sorted((*self.state.plans, plan), key=lambda p: p.name))
        seats = sum(s.capacity for s in plan.sections)
        self._set(plans=plans)
        await self.select_plan(plan.id)
        self._set(notice=f"Plan {plan.name} created: {seats:,} places in {len(plan.sections)} section(s).")

    def _need_venue(self) -> VenueId | None:
        if self.state.venue_id is None:
            self._set(error="Create or choose a venue first.", error_code="", notice="")
        return self.state.venue_id

    # --- for widgets: start a kept task ----------------------------------------------------------------

    def request_load(self) -> None:
        self._tasks.start(self.load())

    def request_select_venue(self, venue_id: VenueId) -> None:
        self._tasks.start(self.select_venue(venue_id))

    def request_select_plan(self, plan_id: PlanId) -> None:
        self._tasks.start(self.select_plan(plan_id))

    def request_create_venue(self, name: str, timezone: str) -> None:
        self._tasks.start(self.create_venue(name, timezone))

    def request_add_section(self, form: GridForm) -> None:
        self.add_section(form)

    def request_grid_plan(self, form: GridForm) -> None:
        self._tasks.start(self.create_grid_plan(form))

    def request_import_csv(self, name: str, csv_text: str, source: str) -> None:
        self._tasks.start(self.import_csv(name, csv_text, source))

    def request_mark(self, mark: SeatMark, *, on: bool = True, reason: str = "") -> None:
        self._tasks.start(self.mark(mark, on=on, reason=reason))

    @property
    def busy(self) -> bool:
        return self._tasks.busy

    def close(self) -> None:
        """The screen went away (sign-out): cancel the calls still running."""
        self._tasks.cancel()

    async def aclose(self) -> None:
        await self._tasks.aclose()


def seat_counts(layout: PlanLayout) -> dict[str, int]:
    """How many seats carry each mark, for the legend."""
    return {
        "seats": len(layout.seats),
        "accessible": sum(1 for s in layout.seats if s.accessible),
        "companion": sum(1 for s in layout.seats if s.companion),
        "restricted_view": sum(1 for s in layout.seats if s.restricted_view),
        "blocked": sum(1 for s in layout.seats if s.blocked),
    }
