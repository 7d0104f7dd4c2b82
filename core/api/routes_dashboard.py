"""The admin app's dashboard and door monitor over the API: current concerts, their places (for live counts),
sales over time, check-ins by gate, device health, and settling offline door conflicts.

Each route acts as the session's staff member; the services check the role (door staff reach the monitor's
reads only) and audit the one change, so the API adds no rule of its own.
"""

from __future__ import annotations

from litestar import get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from core.api.auth import STAFF, STAFF_SESSION, WHO, api_state
from core.api.problems import STAFF_PROBLEMS
from core.domain.catalog import ConcertSummary, SeatMap
from core.domain.dashboard import CheckinActivity, DeviceStatusRow, ResolveConflictRequest, SalesSeries
from core.domain.door import CheckinConflict
from core.domain.ids import ConcertId
from core.domain.staff import StaffActor
from core.services import dashboard, door

_ROUTE = {
    "tags": ["dashboard"],
    "guards": STAFF,
    "dependencies": WHO,
    "security": STAFF_SESSION,
    "responses": STAFF_PROBLEMS,
}


@get("/v1/dashboard/concerts", **_ROUTE)  # type: ignore[arg-type]
async def current_concerts(who: NamedDependency[StaffActor], state: State) -> list[ConcertSummary]:
    """Today's and the next concerts, soonest first (door staff too: the monitor's chooser)."""
    return await dashboard.list_current_concerts(api_state(state).ctx, who)


@get("/v1/dashboard/concerts/{concert_id:int}/places", **_ROUTE)  # type: ignore[arg-type]
async def places(concert_id: FromPath[int], who: NamedDependency[StaffActor], state: State) -> SeatMap:
    """Every place with its state now (managers and admins): the truth behind the live counts."""
    return await dashboard.get_places(api_state(state).ctx, who, ConcertId(concert_id))


@get("/v1/dashboard/concerts/{concert_id:int}/sales", **_ROUTE)  # type: ignore[arg-type]
async def sales(concert_id: FromPath[int], who: NamedDependency[StaffActor], state: State) -> SalesSeries:
    """Tickets sold over time, cumulative (managers and admins)."""
    return await dashboard.sales_over_time(api_state(state).ctx, who, ConcertId(concert_id))


@get("/v1/dashboard/concerts/{concert_id:int}/checkins", **_ROUTE)  # type: ignore[arg-type]
async def checkins(
    concert_id: FromPath[int], who: NamedDependency[StaffActor], state: State, minutes: FromQuery[int] = 30
) -> CheckinActivity:
    """Admitted, inside, the rate, entries by gate and by minute (door staff, managers, admins)."""
    return await dashboard.checkin_activity(api_state(state).ctx, who, ConcertId(concert_id), minutes=minutes)


@get("/v1/dashboard/devices", **_ROUTE)  # type: ignore[arg-type]
async def device_health(who: NamedDependency[StaffActor], state: State) -> list[DeviceStatusRow]:
    """Kiosks and doors with their latest health report and when each last signed in."""
    return await dashboard.device_health(api_state(state).ctx, who)


@get("/v1/checkin-conflicts", **_ROUTE)  # type: ignore[arg-type]
async def conflicts(
    who: NamedDependency[StaffActor], state: State, concert_id: FromQuery[int | None] = None
) -> list[CheckinConflict]:
    """Open offline door conflicts, of one concert or all (managers and admins)."""
    chosen = None if concert_id is None else ConcertId(concert_id)
    return await door.list_conflicts(api_state(state).ctx, who, chosen)


@post("/v1/checkin-conflicts/{conflict_id:int}/resolve", status_code=204, **_ROUTE)  # type: ignore[arg-type]
async def resolve(
    conflict_id: FromPath[int],
    data: JSONBody[ResolveConflictRequest],
    who: NamedDependency[StaffActor],
    state: State,
) -> None:
    """Settle one conflict with what was found (audited); resolved already: checkin_conflict_resolved."""
    await dashboard.resolve_conflict(api_state(state).ctx, who, conflict_id, data.resolution, data.note)


ROUTES = [current_concerts, places, sales, checkins, device_health, conflicts, resolve]
