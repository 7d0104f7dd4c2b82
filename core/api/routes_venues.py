"""Venues and seating plans over the API: the admin app's "Venues and seating plans" screen.

Each route acts as the staff member the session belongs to; the service checks the catalogue permission and
audits every change, so the API adds no rule of its own. A plan file's route takes a larger body than the rest.
"""

from __future__ import annotations

from litestar import Response, get, post, route
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.enums import HttpMethod
from litestar.params import FromPath, JSONBody

from core.api.auth import STAFF, STAFF_SESSION, WHO, api_state
from core.api.problems import STAFF_PROBLEMS
from core.domain.ids import PlanId, SeatId, VenueId
from core.domain.staff import StaffActor
from core.domain.venue_bodies import (
    PLAN_FILE_MAX_BYTES,
    CsvPlanRequest,
    GridPlanRequest,
    MarkSeatsRequest,
    NewVenueRequest,
)
from core.domain.venues import PlanLayout, SeatingPlan, Venue
from core.services import venues


@get(
    "/v1/venues",
    responses=STAFF_PROBLEMS,
    tags=["venues"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
)
async def list_venues(who: NamedDependency[StaffActor], state: State) -> list[Venue]:
    """Every venue by name (managers and admins)."""
    return list(await venues.list_venues(api_state(state).ctx, who))


@post(
    "/v1/venues",
    status_code=201,
    responses=STAFF_PROBLEMS,
    tags=["venues"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
)
async def create_venue(
    data: JSONBody[NewVenueRequest], who: NamedDependency[StaffActor], state: State
) -> Venue:
    """A new venue with its time zone (managers and admins)."""
    return await venues.create_venue(api_state(state).ctx, who, name=data.name, timezone=data.timezone)


@get(
    "/v1/venues/{venue_id:int}/plans",
    responses=STAFF_PROBLEMS,
    tags=["venues"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
)
async def list_plans(
    venue_id: FromPath[int], who: NamedDependency[StaffActor], state: State
) -> list[SeatingPlan]:
    """The venue's seating plans by name, with their sections."""
    return list(await venues.list_plans(api_state(state).ctx, who, VenueId(venue_id)))


@post(
    "/v1/venues/{venue_id:int}/plans/grid",
    status_code=201,
    responses=STAFF_PROBLEMS,
    tags=["venues"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
)
async def create_plan_from_grid(
    venue_id: FromPath[int], data: JSONBody[GridPlanRequest], who: NamedDependency[StaffActor], state: State
) -> SeatingPlan:
    """A plan laid out by the grid generator: rows, seats per row, numbering, aisles, gaps, curved rows."""
    return await venues.create_plan_from_grid(
        api_state(state).ctx, who, VenueId(venue_id), name=data.name, sections=data.sections
    )


@post(
    "/v1/venues/{venue_id:int}/plans/csv",
    status_code=201,
    responses=STAFF_PROBLEMS,
    request_max_body_size=PLAN_FILE_MAX_BYTES,
    tags=["venues"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
)
async def import_plan_csv(
    venue_id: FromPath[int], data: JSONBody[CsvPlanRequest], who: NamedDependency[StaffActor], state: State
) -> SeatingPlan:
    """A plan from a CSV file; a bad file is refused with every problem and its line (plan_file_invalid)."""
    return await venues.import_plan_csv(
        api_state(state).ctx,
        who,
        VenueId(venue_id),
        name=data.name,
        csv_text=data.csv_text,
        source=data.source,
    )


@get(
    "/v1/plans/{plan_id:int}",
    responses=STAFF_PROBLEMS,
    tags=["venues"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
)
async def get_plan_layout(
    plan_id: FromPath[int], who: NamedDependency[StaffActor], state: State
) -> PlanLayout:
    """The plan with every seat and its marks, to draw it."""
    return await venues.get_plan_layout(api_state(state).ctx, who, PlanId(plan_id))


@post(
    "/v1/plans/{plan_id:int}/marks",
    status_code=200,
    responses=STAFF_PROBLEMS,
    tags=["venues"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
)
async def mark_seats(
    plan_id: FromPath[int], data: JSONBody[MarkSeatsRequest], who: NamedDependency[StaffActor], state: State
) -> PlanLayout:
    """Mark or unmark seats (accessible, companion, restricted view, blocked with a reason); the plan after."""
    return await venues.mark_seats(
        api_state(state).ctx,
        who,
        PlanId(plan_id),
        [SeatId(i) for i in data.seat_ids],
        data.mark,
        on=data.on,
        reason=data.reason,
    )


@route("/v1/venues", http_method=[HttpMethod.OPTIONS], include_in_schema=False, sync_to_thread=False)
def venues_options() -> Response[None]:
    """Both methods of /v1/venues (see routes_staff.staff_options: Litestar lists only the first handler's)."""
    return Response(None, status_code=204, headers={"Allow": "GET, OPTIONS, POST"})


ROUTES = [
    venues_options,
    list_venues,
    create_venue,
    list_plans,
    create_plan_from_grid,
    import_plan_csv,
    get_plan_layout,
    mark_seats,
]
