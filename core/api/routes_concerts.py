"""Concerts over the API: the admin app's "Concerts" screen (list, create, edit, put on sale, close, cancel).

Each route acts as the staff member the session belongs to; the services check the permissions (catalogue, and
refunds for a cancellation) and audit every change, so the API adds no rule of its own.
"""

from __future__ import annotations

from litestar import Response, get, post, put, route
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.enums import HttpMethod
from litestar.params import FromPath, JSONBody

from core.api.auth import STAFF, STAFF_SESSION, WHO, api_state
from core.api.problems import STAFF_PROBLEMS
from core.domain.concert_bodies import (
    CancelConcertRequest,
    ConcertDetails,
    ConcertOverview,
    NewConcertRequest,
)
from core.domain.concerts import Concert
from core.domain.ids import ConcertId, PlanId, VenueId
from core.domain.staff import StaffActor
from core.services import concert_admin, concerts


@get(
    "/v1/concerts",
    responses=STAFF_PROBLEMS,
    tags=["concerts"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
)
async def list_concerts(who: NamedDependency[StaffActor], state: State) -> list[ConcertOverview]:
    """Every concert, any status, the next to start first, with prices and sales (managers and admins)."""
    return await concert_admin.list_concerts(api_state(state).ctx, who)


@post(
    "/v1/concerts",
    status_code=201,
    responses=STAFF_PROBLEMS,
    tags=["concerts"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
)
async def create_concert(
    data: JSONBody[NewConcertRequest], who: NamedDependency[StaffActor], state: State
) -> Concert:
    """A new concert as a draft: times, sales window, price categories with colours, per-order maximum, hold
    duration and re-entry, each checked (a bad one is refused with its code and nothing is written)."""
    return await concert_admin.create_concert(
        api_state(state).ctx, who, VenueId(data.venue_id), PlanId(data.plan_id), data.currency, data.details
    )


@put(
    "/v1/concerts/{concert_id:int}",
    responses=STAFF_PROBLEMS,
    tags=["concerts"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
)
async def update_concert(
    concert_id: FromPath[int], data: JSONBody[ConcertDetails], who: NamedDependency[StaffActor], state: State
) -> Concert:
    """Change a concert that is not cancelled; its prices only while it is a draft (prices_locked)."""
    return await concert_admin.update_concert(api_state(state).ctx, who, ConcertId(concert_id), data)


@post(
    "/v1/concerts/{concert_id:int}/put-on-sale",
    status_code=200,
    responses=STAFF_PROBLEMS,
    tags=["concerts"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
)
async def put_on_sale(concert_id: FromPath[int], who: NamedDependency[StaffActor], state: State) -> Concert:
    """A draft goes on sale (its places are made); a concert whose sales were closed reopens."""
    return await concerts.put_on_sale(api_state(state).ctx, who, ConcertId(concert_id))


@post(
    "/v1/concerts/{concert_id:int}/close-sales",
    status_code=200,
    responses=STAFF_PROBLEMS,
    tags=["concerts"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
)
async def close_sales(concert_id: FromPath[int], who: NamedDependency[StaffActor], state: State) -> Concert:
    """No more sales; sold tickets stay valid."""
    return await concerts.close_sales(api_state(state).ctx, who, ConcertId(concert_id))


@post(
    "/v1/concerts/{concert_id:int}/cancel",
    status_code=200,
    responses=STAFF_PROBLEMS,
    tags=["concerts"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
)
async def cancel_concert(
    concert_id: FromPath[int],
    data: JSONBody[CancelConcertRequest],
    who: NamedDependency[StaffActor],
    state: State,
) -> Concert:
    """Cancel and refund every order, if the confirmed numbers still hold (cancel_counts_changed)."""
    return await concert_admin.cancel_concert_refunding(
        api_state(state).ctx,
        who,
        ConcertId(concert_id),
        reason=data.reason,
        expect_orders=data.orders,
        expect_tickets=data.tickets,
    )


@route("/v1/concerts", http_method=[HttpMethod.OPTIONS], include_in_schema=False, sync_to_thread=False)
def concerts_options() -> Response[None]:
    """Both methods of /v1/concerts (see routes_staff.staff_options: Litestar lists only the first handler's)."""
    return Response(None, status_code=204, headers={"Allow": "GET, OPTIONS, POST"})


ROUTES = [
    concerts_options,
    list_concerts,
    create_concert,
    update_concert,
    put_on_sale,
    close_sales,
    cancel_concert,
]
