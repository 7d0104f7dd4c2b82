"""Orders over the API, for the admin app's "Orders" screen: search, details, refund, reprint to PDF, resend.

Each route acts as the session's staff member; the services check the permissions (a box-office account finds
orders and reprints, never refunds, and gets no prices) and audit every change, so the API adds no rule of its own.
The reprint's PDF is rendered here, on the server; the app only saves it.
"""

from __future__ import annotations

from litestar import Response, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from core.api.auth import STAFF, STAFF_SESSION, WHO, api_state
from core.api.problems import STAFF_PROBLEMS
from core.domain.order_desk import (
    OrderDetails,
    OrderPage,
    OrderQuery,
    RefundRequest,
    ReprintRequest,
    ResendRequest,
)
from core.domain.staff import StaffActor
from core.services import order_desk

_ROUTE = {
    "tags": ["orders"],
    "guards": STAFF,
    "dependencies": WHO,
    "security": STAFF_SESSION,
    "responses": STAFF_PROBLEMS,
}


@post("/v1/orders/search", status_code=200, **_ROUTE)  # type: ignore[arg-type]
async def search_orders(
    data: JSONBody[OrderQuery], who: NamedDependency[StaffActor], state: State
) -> OrderPage:
    """Orders by code (or its start), e-mail (or its start) and the days sold, the latest first, one page."""
    return await order_desk.search_orders(api_state(state).ctx, who, data)


@get("/v1/orders/{order_code:str}", **_ROUTE)  # type: ignore[arg-type]
async def order_details(
    order_code: FromPath[str], who: NamedDependency[StaffActor], state: State
) -> OrderDetails:
    """One order with its tickets, prints, check-ins, refunds and mails."""
    return await order_desk.order_details(api_state(state).ctx, who, order_code)


@post("/v1/orders/{order_code:str}/refund", status_code=200, **_ROUTE)  # type: ignore[arg-type]
async def refund_order(
    order_code: FromPath[str],
    data: JSONBody[RefundRequest],
    who: NamedDependency[StaffActor],
    state: State,
) -> OrderDetails:
    """Refund every valid ticket (ticket_ids null) or the chosen ones, with a reason; the places come free."""
    return await order_desk.refund_order(
        api_state(state).ctx, who, order_code, reason=data.reason, ticket_ids=data.ticket_ids
    )


@post(
    "/v1/orders/{order_code:str}/reprint",
    status_code=200,
    media_type="application/pdf",
    **_ROUTE,  # type: ignore[arg-type]
)
async def reprint_order(
    order_code: FromPath[str],
    data: JSONBody[ReprintRequest],
    who: NamedDependency[StaffActor],
    state: State,
) -> Response[bytes]:
    """The order's valid tickets as one PDF; counted as a print of each and audited."""
    pdf = await order_desk.reprint_order(api_state(state).ctx, who, order_code, data.layout)
    return Response(pdf, media_type="application/pdf")


@post("/v1/orders/{order_code:str}/resend", status_code=200, **_ROUTE)  # type: ignore[arg-type]
async def resend_order_mail(
    order_code: FromPath[str],
    data: JSONBody[ResendRequest],
    who: NamedDependency[StaffActor],
    state: State,
) -> OrderDetails:
    """Queue the tickets' mail again (to the buyer, or to ``to``): the mail outbox sends it."""
    return await order_desk.resend_order_mail(api_state(state).ctx, who, order_code, to=data.to)


ROUTES = [search_orders, order_details, refund_order, reprint_order, resend_order_mail]
