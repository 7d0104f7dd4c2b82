"""Concerts through both staff clients (over the real app, and in process): list, create, edit, put on sale,
close sales, cancel with a refund of every order; each change audited; bad input refused with its code and
nothing written; box-office and door credentials calling the API directly are refused and change nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from core.client.protocol import StaffSession
from core.client.staff_local import LocalStaffClient
from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.db.tables import audit_log, places, refunds
from core.domain.concert_bodies import ConcertDetails
from core.domain.concert_spec import NewCategory
from core.domain.concerts import ConcertStatus
from core.domain.errors import Conflict, InputError, NotAllowed
from core.domain.orders import OrderStatus, TicketState
from core.domain.plan_spec import GridSection
from core.domain.staff import Role
from core.domain.venues import SectionKind
from core.services import orders
from tests.builders import ROOT, build_stage, sell
from tests.dbstate import snapshot
from tests.support.staff_api import PASSWORD, bearer, make_staff, session_for

CONCERT_ACTIONS = (
    "concert_created",
    "concert_changed",
    "concert_on_sale",
    "sales_closed",
    "concert_cancelled",
)


@asynccontextmanager
async def _session(
    served, kind: str, role: Role = Role.MANAGER, number: int = 41
) -> AsyncIterator[StaffSession]:
    member = await make_staff(served.ctx, role, number=number)
    if kind == "remote":
        client: RemoteStaffClient | LocalStaffClient = RemoteStaffClient(
            Settings(server_url="http://encore.test"), transport=served.transport()
        )
    else:
        client = LocalStaffClient.over(served.ctx)
    try:
        yield await client.sign_in(member.email, PASSWORD)
    finally:
        await client.aclose()


def _details(served, **changes: Any) -> ConcertDetails:
    now = served.ctx.clock.now()
    start = now + timedelta(days=10)
    base = ConcertDetails(
        title="Spring Gala",
        artist="The Quartet",
        doors_at=start - timedelta(hours=1),
        starts_at=start,
        sales_open_at=now,
        sales_close_at=start,
        categories=[
            NewCategory("Front", 5500, "#c0392b", sections=("Stalls",)),
            NewCategory("Floor", 2500, "#2471a3", sections=("Floor",)),
        ],
        max_per_order=6,
        hold_seconds=600,
        max_extensions=12,
        reentry_allowed=True,
    )
    return dataclasses.replace(base, **changes)


async def _venue_and_plan(session: StaffSession):  # type: ignore[no-untyped-def]
    venue = await session.create_venue(name="Encore Hall", timezone="Europe/Berlin")
    sections = [
        GridSection("Stalls", SectionKind.SEATED, rows=2, seats_per_row=3),
        GridSection("Floor", SectionKind.STANDING, capacity=5, origin_y=4),
    ]
    plan = await session.create_plan_from_grid(venue.id, name="Main", sections=sections)
    return venue, plan


async def _actions(ctx, actor: str) -> list[tuple[str, str]]:
    async def work(conn):  # type: ignore[no-untyped-def]
        query = select(audit_log.c.action, audit_log.c.subject).where(audit_log.c.actor == actor)
        rows = await conn.execute(query.order_by(audit_log.c.id))
        return [tuple(r) for r in rows if r.action in CONCERT_ACTIONS]

    return await ctx.db.read(work)


@pytest.mark.parametrize("kind", ["remote", "local"])
async def test_a_manager_creates_edits_sells_and_closes_a_concert(served, kind: str) -> None:
    async with _session(served, kind) as session:
        venue, plan = await _venue_and_plan(session)
        concert = await session.create_concert(venue.id, plan.id, currency="EUR", details=_details(served))
        assert concert.status is ConcertStatus.DRAFT
        assert (concert.max_per_order, concert.hold_seconds, concert.reentry_allowed) == (6, 600, True)

        [row] = await session.list_concerts()
        assert (row.concert, row.venue_name, row.orders, row.tickets) == (concert, "Encore Hall", 0, 0)
        assert {(c.name, c.price.minor, c.colour) for c in row.categories} == {
            ("Front", 5500, "#c0392b"),
            ("Floor", 2500, "#2471a3"),
        }

        # A draft takes new prices and colours (one category for both sections now).
        one = [NewCategory("All", 3000, "#1E8449", sections=("Stalls", "Floor"))]
        edited = await session.update_concert(
            concert.id, _details(served, title="Spring Gala II", categories=one)
        )
        assert edited.title == "Spring Gala II"
        [row] = await session.list_concerts()
        assert [(c.name, c.price.minor, c.colour) for c in row.categories] == [("All", 3000, "#1e8449")]
        assert [(p.name, p.sections) for p in row.prices] == [("All", ("Stalls", "Floor"))]

        on_sale = await session.put_on_sale(concert.id)
        assert on_sale.status is ConcertStatus.ON_SALE
        # On sale, the title and rules change but the prices may not.
        later = await session.update_concert(
            concert.id, _details(served, title="Spring Gala III", max_per_order=4, categories=one)
        )
        assert (later.title, later.max_per_order) == ("Spring Gala III", 4)
        before = await snapshot(served.ctx)
        with pytest.raises(Conflict) as locked:
            await session.update_concert(concert.id, _details(served))
        assert locked.value.code == "prices_locked"
        assert await snapshot(served.ctx) == before

        closed = await session.close_sales(concert.id)
        assert closed.status is ConcertStatus.SALES_CLOSED
        with pytest.raises(Conflict) as again:
            await session.close_sales(concert.id)
        assert again.value.code == "sales_already_closed"
        assert (await session.put_on_sale(concert.id)).status is ConcertStatus.ON_SALE

    subject = f"concert:{concert.id}"
    assert await _actions(served.ctx, f"staff:{session.staff.id}") == [
        ("concert_created", subject),
        ("concert_changed", subject),
        ("concert_on_sale", subject),
        ("concert_changed", subject),
        ("sales_closed", subject),
        ("concert_on_sale", subject),
    ]


BAD = [
    ({"doors_at_after_start": True}, "doors_after_start"),
    ({"sales_close_at_before_open": True}, "sales_window_empty"),
    ({"max_per_order": 0}, "max_per_order_invalid"),
    ({"hold_seconds": 30}, "hold_seconds_invalid"),
    ({"categories": [NewCategory("All", 100, "red", sections=("Stalls", "Floor"))]}, "colour_invalid"),
    ({"categories": [NewCategory("All", 100, "#ff0000", sections=("Stalls",))]}, "section_unpriced"),
    ({"categories": []}, "categories_missing"),
    ({"title": "  "}, "title_invalid"),
]


def _bad(served, spec: dict[str, Any]) -> ConcertDetails:
    good = _details(served)
    if spec.pop("doors_at_after_start", False):
        spec["doors_at"] = good.starts_at + timedelta(minutes=1)
    if spec.pop("sales_close_at_before_open", False):
        spec["sales_close_at"] = good.sales_open_at
    return dataclasses.replace(good, **spec)


@pytest.mark.parametrize("kind", ["remote", "local"])
async def test_bad_concert_input_is_refused_with_its_code_and_writes_nothing(served, kind: str) -> None:
    async with _session(served, kind) as session:
        venue, plan = await _venue_and_plan(session)
        draft = await session.create_concert(venue.id, plan.id, currency="EUR", details=_details(served))
        before = await snapshot(served.ctx)
        for spec, code in BAD:
            details = _bad(served, dict(spec))
            with pytest.raises(InputError) as created:
                await session.create_concert(venue.id, plan.id, currency="EUR", details=details)
            with pytest.raises(InputError) as updated:
                await session.update_concert(draft.id, details)
            assert (created.value.code, updated.value.code) == (code, code), spec
        with pytest.raises(InputError) as currency:
            await session.create_concert(venue.id, plan.id, currency="eur", details=_details(served))
        assert currency.value.code == "currency_invalid"
        with pytest.raises(InputError) as reason:
            await session.cancel_concert(draft.id, reason=" ", orders=0, tickets=0)
        assert reason.value.code == "reason_missing"
        assert await snapshot(served.ctx) == before


async def _sold(served):  # type: ignore[no-untyped-def]
    """A concert on sale with two orders: three tickets, then one."""
    stage = await build_stage(served.ctx)
    first = await sell(served.ctx, stage, stage.kiosk, stage.seats[:3], "order-1")
    second = await sell(served.ctx, stage, stage.kiosk, stage.seats[3:4], "order-2")
    return stage, first, second


async def _sold_places(ctx, concert_id) -> int:  # type: ignore[no-untyped-def]
    async def work(conn):  # type: ignore[no-untyped-def]
        query = select(places.c.id).where(places.c.concert_id == concert_id, places.c.state == "sold")
        return len((await conn.execute(query)).all())

    return await ctx.db.read(work)


@pytest.mark.parametrize("kind", ["remote", "local"])
async def test_cancelling_refunds_every_order_once_the_confirmed_counts_hold(served, kind: str) -> None:
    stage, first, second = await _sold(served)
    # One ticket of the first order was refunded at the desk already: it is neither counted nor refunded again.
    await orders.refund_tickets(
        served.ctx, stage.manager, first.code, reason="Changed plans", ticket_ids=[first.tickets[0].id]
    )
    async with _session(served, kind) as session:
        [row] = await session.list_concerts()
        assert (row.orders, row.tickets) == (2, 3)

        before = await snapshot(served.ctx)
        with pytest.raises(Conflict) as changed:
            await session.cancel_concert(stage.id, reason="Band ill", orders=2, tickets=4)
        assert changed.value.code == "cancel_counts_changed"
        assert "2 orders with 3 tickets" in changed.value.message
        assert await snapshot(served.ctx) == before

        cancelled = await session.cancel_concert(stage.id, reason="Band ill", orders=2, tickets=3)
        assert cancelled.status is ConcertStatus.CANCELLED
        [row] = await session.list_concerts()
        assert (row.concert.status, row.orders, row.tickets) == (ConcertStatus.CANCELLED, 0, 0)
        with pytest.raises(Conflict) as twice:
            await session.cancel_concert(stage.id, reason="Band ill", orders=0, tickets=0)
        assert twice.value.code == "concert_cancelled"
        with pytest.raises(Conflict) as reopen:
            await session.put_on_sale(stage.id)
        assert reopen.value.code == "concert_cancelled"

    for code in (first.code, second.code):
        order = await orders.find_order(served.ctx, ROOT, code)
        assert order.status is OrderStatus.REFUNDED
        assert {t.state for t in order.tickets} == {TicketState.VOID}
    assert await _sold_places(served.ctx, stage.id) == 0

    async def refund_reasons(conn):  # type: ignore[no-untyped-def]
        return sorted(r for (r,) in await conn.execute(select(refunds.c.reason)))

    assert await served.ctx.db.read(refund_reasons) == ["Band ill"] * 3 + ["Changed plans"]
    actor = f"staff:{session.staff.id}"

    async def audited(conn):  # type: ignore[no-untyped-def]
        query = select(audit_log.c.action, audit_log.c.subject, audit_log.c.details)
        rows = await conn.execute(query.where(audit_log.c.actor == actor).order_by(audit_log.c.id))
        return [(a, s, d) for a, s, d in rows if a in ("refund", "concert_cancelled")]

    entries = await served.ctx.db.read(audited)
    assert [(a, s) for a, s, _ in entries] == [
        ("refund", f"order:{first.code}"),
        ("refund", f"order:{second.code}"),
        ("concert_cancelled", f"concert:{stage.id}"),
    ]
    summary = entries[-1][2]
    assert (summary["orders_refunded"], summary["tickets_refunded"], summary["amount_minor"]) == (
        2,
        3,
        3 * 4500,
    )


@pytest.mark.parametrize("role", [Role.BOX_OFFICE, Role.DOOR])
async def test_box_office_and_door_credentials_are_refused_on_every_concert_route(served, role: Role) -> None:
    stage, _first, _second = await _sold(served)
    member = await make_staff(served.ctx, role, number=43)
    details = {
        "title": "X",
        "artist": "Y",
        "doors_at": "2030-01-01T19:00:00+00:00",
        "starts_at": "2030-01-01T20:00:00+00:00",
        "sales_open_at": "2029-12-01T10:00:00+00:00",
        "sales_close_at": "2030-01-01T20:00:00+00:00",
        "categories": [
            {"name": "All", "price_minor": 100, "colour": "#ff0000", "sections": ["Stalls", "Floor"]}
        ],
    }
    new = {
        "venue_id": stage.concert.venue_id,
        "plan_id": stage.concert.plan_id,
        "currency": "EUR",
        "details": details,
    }
    calls = [
        ("GET", "/v1/concerts", None),
        ("POST", "/v1/concerts", new),
        ("PUT", f"/v1/concerts/{stage.id}", details),
        ("POST", f"/v1/concerts/{stage.id}/put-on-sale", None),
        ("POST", f"/v1/concerts/{stage.id}/close-sales", None),
        ("POST", f"/v1/concerts/{stage.id}/cancel", {"reason": "No", "orders": 2, "tickets": 4}),
    ]
    async with served.http() as http:
        token = await session_for(http, member)
        before = await snapshot(served.ctx)
        for method, path, body in calls:
            response = await http.request(method, path, json=body, headers=bearer(token))
            assert response.status_code == 403, (path, response.text)
            assert response.json()["code"] == "not_allowed", path
        for method, path, body in calls:
            assert (await http.request(method, path, json=body)).status_code == 401, path
        assert await snapshot(served.ctx) == before


async def test_a_manager_without_refunds_cannot_cancel_a_sold_concert_through_the_remote_client(
    served,
) -> None:
    """Box office may refund but not manage the catalogue; the remote client raises the same NotAllowed."""
    stage, _first, _second = await _sold(served)
    async with _session(served, "remote", Role.BOX_OFFICE) as clerk:
        before = await snapshot(served.ctx)
        with pytest.raises(NotAllowed) as info:
            await clerk.cancel_concert(stage.id, reason="No", orders=2, tickets=4)
        assert info.value.code == "not_allowed"
        assert await snapshot(served.ctx) == before
