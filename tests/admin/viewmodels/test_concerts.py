"""The concerts screen's view-model, without Qt, over the in-process staff client and real services: create a
concert, edit it, put it on sale, close sales, cancel it after a question that names the orders and tickets it
refunds; refusals show the server's code and field and write nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from admin.viewmodels.concerts import CategoryRow, ConcertForm, ConcertsViewModel, parse_price
from core.client.staff_local import LocalStaffClient
from core.domain.concerts import ConcertStatus
from core.domain.ids import ConcertId
from core.domain.orders import OrderStatus
from core.domain.plan_spec import GridSection
from core.domain.staff import Role
from core.domain.venues import SectionKind
from core.services import orders, venues
from core.services.context import ServiceContext
from tests.builders import ROOT, build_stage, sell
from tests.dbstate import snapshot
from tests.support.staff_api import PASSWORD, make_staff

ROWS = (
    CategoryRow("Front", "55", "#c0392b", "Stalls"),
    CategoryRow("Floor", "25,50", "#2471a3", "Floor"),
)


async def _vm(ctx: ServiceContext, role: Role = Role.MANAGER) -> ConcertsViewModel:
    member = await make_staff(ctx, role)
    session = await LocalStaffClient.over(ctx).sign_in(member.email, PASSWORD)
    return ConcertsViewModel(session)


async def _hall(ctx: ServiceContext):  # type: ignore[no-untyped-def]
    venue = await venues.create_venue(ctx, ROOT, name="Encore Hall", timezone="Europe/Berlin")
    sections = [
        GridSection("Stalls", SectionKind.SEATED, rows=2, seats_per_row=3),
        GridSection("Floor", SectionKind.STANDING, capacity=5, origin_y=4),
    ]
    plan = await venues.create_plan_from_grid(ctx, ROOT, venue.id, name="Main", sections=sections)
    return venue, plan


def _form(ctx: ServiceContext, venue, plan, **changes) -> ConcertForm:  # type: ignore[no-untyped-def]
    start = datetime(2026, 12, 24, 20, 0) + timedelta(days=1)  # the venue's wall clock, after the test clock
    values = {
        "title": "Winter Gala",
        "artist": "The Quartet",
        "venue_id": venue.id,
        "plan_id": plan.id,
        "currency": "EUR",
        "doors_at": start - timedelta(minutes=90),
        "starts_at": start,
        "sales_open_at": start - timedelta(days=20),
        "sales_close_at": start,
        "categories": ROWS,
        "max_per_order": 6,
        "hold_minutes": 10,
        "reentry_allowed": True,
    }
    values.update(changes)
    return ConcertForm(**values)  # type: ignore[arg-type]


def test_prices_are_read_as_people_write_them() -> None:
    assert [parse_price(t) for t in ("45", "45.5", "45,50", " 0.05 ")] == [4500, 4550, 4550, 5]
    for bad in ("", "abc", "-3", "4.555", "1e3"):
        with pytest.raises(ValueError, match=r"45\.00"):
            parse_price(bad)


async def test_a_manager_creates_edits_and_sells_a_concert(ctx: ServiceContext) -> None:
    venue, plan = await _hall(ctx)
    vm = await _vm(ctx)
    await vm.load()
    assert vm.state.concerts == ()
    assert [v.name for v in vm.state.venues] == ["Encore Hall"]
    await vm.load_plans(venue.id)
    assert [p.name for p in vm.state.plans] == ["Main"]

    saved = await vm.save(_form(ctx, venue, plan))
    assert saved is not None
    assert vm.state.notice == "Winter Gala created as a draft."
    row = vm.state.current
    assert row is not None
    assert row.concert.starts_at.isoformat() == "2026-12-25T19:00:00+00:00", "Berlin's 20:00 in winter"
    assert (row.concert.hold_seconds, row.concert.max_per_order, row.concert.reentry_allowed) == (
        600,
        6,
        True,
    )
    assert {(c.name, c.price.minor) for c in row.categories} == {("Front", 5500), ("Floor", 2550)}
    assert vm.state.editing == row

    await vm.save(_form(ctx, venue, plan, title="Winter Gala II", concert_id=saved.id))
    assert vm.state.notice == "Winter Gala II saved."
    await vm.put_on_sale()
    assert vm.state.current is not None
    assert vm.state.current.concert.status is ConcertStatus.ON_SALE
    assert vm.state.notice == "Winter Gala II is on sale."
    await vm.close_sales()
    assert vm.state.current is not None
    assert vm.state.current.concert.status is ConcertStatus.SALES_CLOSED
    await vm.close_sales()
    assert (vm.state.error_code, vm.state.error) == (
        "sales_already_closed",
        "Sales for Winter Gala II are already closed.",
    )


async def test_bad_input_names_its_code_and_field_and_writes_nothing(ctx: ServiceContext) -> None:
    venue, plan = await _hall(ctx)
    vm = await _vm(ctx)
    await vm.load()
    before = await snapshot(ctx)
    good = _form(ctx, venue, plan)
    cases = [
        (
            _form(ctx, venue, plan, doors_at=good.starts_at + timedelta(minutes=5)),
            "doors_after_start",
            "doors_at",
        ),
        (_form(ctx, venue, plan, sales_close_at=good.sales_open_at), "sales_window_empty", "sales_close_at"),
        (_form(ctx, venue, plan, hold_minutes=40), "hold_seconds_invalid", "hold_seconds"),
        (_form(ctx, venue, plan, max_per_order=0), "max_per_order_invalid", "max_per_order"),
        (
            _form(ctx, venue, plan, categories=(ROWS[0], CategoryRow("Floor", "25", "blue", "Floor"))),
            "colour_invalid",
            "categories[1].colour",
        ),
        (
            _form(ctx, venue, plan, categories=(ROWS[0], CategoryRow("Floor", "twenty", "#000000", "Floor"))),
            "price_invalid",
            "categories[1].price_minor",
        ),
        (_form(ctx, venue, plan, plan_id=None), "invalid_input", "plan_id"),
    ]
    for form, code, field in cases:
        assert await vm.save(form) is None
        assert (vm.state.error_code, vm.state.error_field) == (code, field)
        assert vm.state.error
    assert await snapshot(ctx) == before


async def test_cancelling_asks_with_the_counts_and_asks_again_when_they_change(ctx: ServiceContext) -> None:
    stage = await build_stage(ctx)
    first = await sell(ctx, stage, stage.kiosk, stage.seats[:2], "order-1")
    vm = await _vm(ctx)
    await vm.load()
    vm.select(ConcertId(stage.id))
    await vm.ask_cancel()
    assert vm.state.question is not None
    assert vm.state.question.text == (
        "Cancel Night Music? 1 order(s) with 2 ticket(s) will be refunded in full, "
        "and the concert cannot be put on sale again."
    )
    second = await sell(
        ctx, stage, stage.kiosk, stage.seats[2:5], "order-2"
    )  # a sale while the dialog is open
    before = await snapshot(ctx)
    await vm.confirm_cancel("Band ill")
    assert vm.state.error_code == "cancel_counts_changed"
    assert await snapshot(ctx) == before
    assert vm.state.question is not None
    assert (vm.state.question.orders, vm.state.question.tickets) == (2, 5)

    await vm.confirm_cancel("Band ill")
    assert vm.state.error == ""
    assert vm.state.question is None
    assert vm.state.notice == "Night Music cancelled; 2 order(s) with 5 ticket(s) refunded."
    assert vm.state.current is not None
    assert (vm.state.current.concert.status, vm.state.current.tickets) == (ConcertStatus.CANCELLED, 0)
    for order in (first, second):
        assert (await orders.find_order(ctx, ROOT, order.code)).status is OrderStatus.REFUNDED


async def test_box_office_sees_the_refusal_and_nothing_changes(ctx: ServiceContext) -> None:
    vm = await _vm(ctx, Role.BOX_OFFICE)
    before = await snapshot(ctx)
    await vm.load()
    assert vm.state.error_code == "not_allowed"
    assert vm.state.concerts == ()
    assert await snapshot(ctx) == before
