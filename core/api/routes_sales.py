"""Selling at a kiosk: hold, extend, release, pay and check out, print. Only selling devices."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from core.api.auth import CALLER, DEVICE_TOKEN, KIOSK, KIOSK_HOLD, Caller, api_state, client_address
from core.api.problems import DEVICE_PROBLEMS
from core.domain.api_bodies import (
    HoldPlacesRequest,
    HoldSectionRequest,
    PaymentBody,
    PayRequest,
    PrintRecord,
    UnlockRequest,
    UnlockResult,
    without_signatures,
)
from core.domain.errors import ErrorCode, InputError
from core.domain.holds import Hold
from core.domain.ids import ConcertId, HoldId, PlaceId, SectionId, TicketId
from core.domain.orders import Order
from core.domain.payments import PaymentInput, SimulatedCard, StaffPin, TerminalKind
from core.domain.tickets import Layout
from core.services import purchase, sales, staff, tickets


@post(
    "/v1/holds/places",
    status_code=201,
    tags=["sales"],
    guards=KIOSK_HOLD,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def hold_places(
    data: JSONBody[HoldPlacesRequest], caller: NamedDependency[Caller], state: State
) -> Hold:
    """Hold exactly these seats, all or none (the error names the seats someone else took)."""
    return await sales.hold_places(
        api_state(state).ctx,
        caller.actor,
        ConcertId(data.concert_id),
        [PlaceId(p) for p in data.place_ids],
        request_key=data.request_key,
    )


@post(
    "/v1/holds/best-available",
    status_code=201,
    tags=["sales"],
    guards=KIOSK_HOLD,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def hold_best_available(
    data: JSONBody[HoldSectionRequest], caller: NamedDependency[Caller], state: State
) -> Hold:
    return await sales.hold_best_available(
        api_state(state).ctx,
        caller.actor,
        ConcertId(data.concert_id),
        SectionId(data.section_id),
        data.quantity,
        request_key=data.request_key,
    )


@post(
    "/v1/holds/standing",
    status_code=201,
    tags=["sales"],
    guards=KIOSK_HOLD,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def hold_standing(
    data: JSONBody[HoldSectionRequest], caller: NamedDependency[Caller], state: State
) -> Hold:
    return await sales.hold_standing(
        api_state(state).ctx,
        caller.actor,
        ConcertId(data.concert_id),
        SectionId(data.section_id),
        data.quantity,
        request_key=data.request_key,
    )


@post(
    "/v1/holds/{hold_id:str}/extend",
    status_code=200,
    tags=["sales"],
    guards=KIOSK,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def extend_hold(hold_id: FromPath[str], caller: NamedDependency[Caller], state: State) -> Hold:
    return await sales.extend_hold(api_state(state).ctx, caller.actor, HoldId(hold_id))


@delete(
    "/v1/holds/{hold_id:str}",
    status_code=204,
    tags=["sales"],
    guards=KIOSK,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def release_hold(hold_id: FromPath[str], caller: NamedDependency[Caller], state: State) -> None:
    await sales.release_hold(api_state(state).ctx, caller.actor, HoldId(hold_id))


@post(
    "/v1/holds/{hold_id:str}/checkout",
    status_code=200,
    tags=["sales"],
    guards=KIOSK,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def checkout(
    hold_id: FromPath[str],
    data: JSONBody[PayRequest],
    caller: NamedDependency[Caller],
    request: Request[Any, Any, Any],
    state: State,
) -> Order:
    """Take the payment here (a staff PIN, or the demo card on a demo database) and sell the hold. The same
    idempotency key returns the same order; a refusal after the charge voids it (audited for staff)."""
    api = api_state(state)
    if data.payment.method is TerminalKind.ATTENDED:
        api.limiter.hit("pin", client_address(request))
    order = await purchase.pay_and_checkout(
        api.ctx,
        caller.actor,
        HoldId(hold_id),
        _payment_input(data.payment),
        idempotency_key=data.idempotency_key,
        buyer_email=data.buyer_email,
        language=data.language,
    )
    return without_signatures(order)


def _payment_input(body: PaymentBody) -> PaymentInput:
    if body.method is TerminalKind.ATTENDED:
        if not body.pin or body.staff_number is None:
            raise InputError(
                "payment.pin",
                "staff confirm this payment with their staff number and PIN.",
                code=ErrorCode.PAYMENT_INPUT_INVALID,
            )
        return StaffPin(body.staff_number, body.pin)
    if body.approve is None:
        raise InputError(
            "payment.approve",
            "say whether the simulated card approves.",
            code=ErrorCode.PAYMENT_INPUT_INVALID,
        )
    return SimulatedCard(body.approve)


@get(
    "/v1/orders/{order_code:str}/pdf",
    tags=["tickets"],
    guards=KIOSK,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
    media_type="application/pdf",
)
async def order_pdf(
    order_code: FromPath[str],
    caller: NamedDependency[Caller],
    state: State,
    layout: FromQuery[Layout] = Layout.TICKET80,
) -> Response[bytes]:
    """The order's tickets as one PDF: a kiosk may print its own orders for a while after the sale."""
    pdf = await tickets.render_order(api_state(state).ctx, caller.actor, order_code, layout)
    return Response(pdf, media_type="application/pdf")


@post(
    "/v1/prints",
    status_code=204,
    tags=["tickets"],
    guards=KIOSK,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def record_print(data: JSONBody[PrintRecord], caller: NamedDependency[Caller], state: State) -> None:
    await tickets.record_print(
        api_state(state).ctx,
        caller.actor,
        [TicketId(t) for t in data.ticket_ids],
        ok=data.ok,
        reason=data.reason,
    )


@post(
    "/v1/kiosk/unlock",
    status_code=200,
    tags=["sales"],
    guards=KIOSK,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def unlock(
    data: JSONBody[UnlockRequest],
    caller: NamedDependency[Caller],
    request: Request[Any, Any, Any],
    state: State,
) -> UnlockResult:
    """A staff member leaves the locked-down kiosk with their PIN (checked here, locked out after misses)."""
    api = api_state(state)
    api.limiter.hit("pin", client_address(request))
    person = await staff.unlock_with_pin(api.ctx, caller.actor, data.staff_number, data.pin)
    return UnlockResult(person.name)


ROUTES = [
    checkout,
    hold_places,
    hold_best_available,
    hold_standing,
    extend_hold,
    release_hold,
    order_pdf,
    record_print,
    unlock,
]
