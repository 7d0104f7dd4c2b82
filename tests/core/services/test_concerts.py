"""Concerts on both engines: create with prices, put on sale (places expanded), close, cancel, errors."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import places, price_categories, seats
from core.domain.clock import ManualClock
from core.domain.concert_spec import NewCategory
from core.domain.concerts import ConcertStatus
from core.domain.errors import Conflict, InputError, NotAllowed, NotFound
from core.domain.ids import ConcertId, PlanId, VenueId
from core.domain.staff import Role, StaffActor
from core.domain.venues import SeatingPlan, Venue
from core.services import concerts
from core.services.context import ServiceContext
from tests.core.services.admin_support import audit_entries, make_actor, make_venue_and_plan, snapshot

CATEGORIES = (
    NewCategory("Stalls", 4500, "#C0392B", sections=("Stalls",)),
    NewCategory("Floor", 3500, "#b9770e", sections=("Floor",)),
    NewCategory("Wheelchair", 2000, "#6c3483", seats=(("Stalls", "A", 1),)),
)


def _fields(clock: ManualClock, venue: Venue, plan: SeatingPlan, **overrides: Any) -> dict[str, Any]:
    now = clock.now()
    starts = now + timedelta(days=10)
    fields: dict[str, Any] = {
        "venue_id": venue.id,
        "plan_id": plan.id,
        "title": "Night Music",
        "artist": "The Band",
        "doors_at": starts - timedelta(hours=1),
        "starts_at": starts,
        "sales_open_at": now,
        "sales_close_at": starts,
        "currency": "EUR",
        "categories": CATEGORIES,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
async def setup(ctx: ServiceContext, clock: ManualClock) -> tuple[StaffActor, Venue, SeatingPlan]:
    manager = await make_actor(ctx, Role.MANAGER)
    venue, plan = await make_venue_and_plan(ctx)
    return manager, venue, plan


async def test_create_concert_is_a_draft_with_prices(
    ctx: ServiceContext, clock: ManualClock, setup: Any
) -> None:
    manager, venue, plan = setup
    concert = await concerts.create_concert(ctx, manager, **_fields(clock, venue, plan), max_extensions=12)
    assert concert.status is ConcertStatus.DRAFT
    assert (concert.currency, concert.max_extensions, concert.hold_seconds) == ("EUR", 12, 300)
    assert await concerts.get_concert(ctx, concert.id) == concert

    async def cats(conn: AsyncConnection) -> list[tuple[str, int, str]]:
        rows = await conn.execute(
            select(
                price_categories.c.name, price_categories.c.price_minor, price_categories.c.colour
            ).order_by(price_categories.c.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]

    assert await ctx.db.read(cats) == [
        ("Stalls", 4500, "#c0392b"),
        ("Floor", 3500, "#b9770e"),
        ("Wheelchair", 2000, "#6c3483"),
    ]
    _, action, subject, details = (await audit_entries(ctx))[-1]
    assert (action, subject) == ("concert_created", f"concert:{concert.id}")
    assert details["prices"] == {"Stalls": 4500, "Floor": 3500, "Wheelchair": 2000}


BAD_INPUTS = [
    ({"title": " "}, "title_invalid"),
    ({"currency": "eur"}, "currency_invalid"),
    ({"hold_seconds": 59}, "hold_seconds_invalid"),
    ({"max_extensions": 9}, "max_extensions_invalid"),
    ({"max_per_order": 51}, "max_per_order_invalid"),
    (
        {"categories": (NewCategory("All", 100, "#000000", sections=("Stalls", "Balcony", "Floor")),)},
        "section_unknown",
    ),
    ({"categories": (NewCategory("All", 100, "#000000", sections=("Stalls",)),)}, "section_unpriced"),
    (
        {"categories": (*CATEGORIES, NewCategory("X", 1, "#000000", seats=(("Stalls", "Z", 1),)))},
        "seat_unknown",
    ),
    (
        {"categories": (*CATEGORIES, NewCategory("X", 1, "#000000", seats=(("Floor", "A", 1),)))},
        "seat_unknown",
    ),
]


@pytest.mark.parametrize(("overrides", "code"), BAD_INPUTS)
async def test_create_concert_input_errors_change_nothing(
    ctx: ServiceContext, clock: ManualClock, setup: Any, overrides: dict[str, Any], code: str
) -> None:
    manager, venue, plan = setup
    before = await snapshot(ctx)
    with pytest.raises(InputError) as info:
        await concerts.create_concert(ctx, manager, **_fields(clock, venue, plan, **overrides))
    assert info.value.code == code
    assert await snapshot(ctx) == before


async def test_plan_must_belong_to_the_venue(ctx: ServiceContext, clock: ManualClock, setup: Any) -> None:
    manager, venue, plan = setup
    other, _ = await make_venue_and_plan(ctx, "Other Hall")
    before = await snapshot(ctx)
    with pytest.raises(InputError) as wrong:
        await concerts.create_concert(ctx, manager, **_fields(clock, other, plan))
    assert wrong.value.code == "plan_not_in_venue"
    with pytest.raises(NotFound) as no_plan:
        await concerts.create_concert(ctx, manager, **_fields(clock, venue, replace(plan, id=PlanId(999))))
    assert no_plan.value.code == "plan_not_found"
    with pytest.raises(NotFound) as no_venue:
        await concerts.create_concert(ctx, manager, **_fields(clock, replace(venue, id=VenueId(999)), plan))
    assert no_venue.value.code == "venue_not_found"
    assert await snapshot(ctx) == before


async def test_box_office_cannot_create_a_concert(
    ctx: ServiceContext, clock: ManualClock, setup: Any
) -> None:
    _, venue, plan = setup
    clerk = await make_actor(ctx, Role.BOX_OFFICE)
    before = await snapshot(ctx)
    with pytest.raises(NotAllowed) as info:
        await concerts.create_concert(ctx, clerk, **_fields(clock, venue, plan))
    assert info.value.code == "not_allowed"
    assert await snapshot(ctx) == before


async def _places(conn: AsyncConnection) -> list[tuple[Any, ...]]:
    rows = await conn.execute(
        select(places.c.seat_id, seats.c.row_label, seats.c.number, price_categories.c.name, places.c.state)
        .outerjoin(seats, seats.c.id == places.c.seat_id)
        .join(price_categories, price_categories.c.id == places.c.category_id)
        .order_by(places.c.id)
    )
    return [tuple(r) for r in rows]


async def test_put_on_sale_expands_places(ctx: ServiceContext, clock: ManualClock, setup: Any) -> None:
    manager, venue, plan = setup
    draft = await concerts.create_concert(ctx, manager, **_fields(clock, venue, plan))
    concert = await concerts.put_on_sale(ctx, manager, draft.id)
    assert concert.status is ConcertStatus.ON_SALE
    rows = await ctx.db.read(_places)
    seated = [r for r in rows if r[0] is not None]
    standing = [r for r in rows if r[0] is None]
    assert len(seated) == 12
    assert len(standing) == 10
    assert {r[4] for r in rows} == {"free"}
    assert {r[3] for r in standing} == {"Floor"}
    by_seat = {(r[1], r[2]): r[3] for r in seated}
    assert by_seat.pop(("A", 1)) == "Wheelchair", "a seat override wins over its section's category"
    assert set(by_seat.values()) == {"Stalls"}
    _, action, _, details = (await audit_entries(ctx))[-1]
    assert (action, details["places_created"]) == ("concert_on_sale", 22)

    before = await snapshot(ctx)
    with pytest.raises(Conflict) as again:
        await concerts.put_on_sale(ctx, manager, draft.id)
    assert again.value.code == "already_on_sale"
    assert await snapshot(ctx) == before


async def test_close_reopen_and_cancel(ctx: ServiceContext, clock: ManualClock, setup: Any) -> None:
    manager, venue, plan = setup
    draft = await concerts.create_concert(ctx, manager, **_fields(clock, venue, plan))
    before = await snapshot(ctx)
    with pytest.raises(Conflict) as not_on_sale:
        await concerts.close_sales(ctx, manager, draft.id)
    assert not_on_sale.value.code == "not_on_sale"
    assert await snapshot(ctx) == before

    await concerts.put_on_sale(ctx, manager, draft.id)
    closed = await concerts.close_sales(ctx, manager, draft.id)
    assert closed.status is ConcertStatus.SALES_CLOSED
    before = await snapshot(ctx)
    with pytest.raises(Conflict) as twice:
        await concerts.close_sales(ctx, manager, draft.id)
    assert twice.value.code == "sales_already_closed"
    assert await snapshot(ctx) == before

    reopened = await concerts.put_on_sale(ctx, manager, draft.id)
    assert reopened.status is ConcertStatus.ON_SALE
    assert (await snapshot(ctx))["places"] == 22, "reopening does not expand the places again"

    cancelled = await concerts.cancel_concert(ctx, manager, draft.id)
    assert cancelled.status is ConcertStatus.CANCELLED
    before = await snapshot(ctx)
    for attempt in (concerts.cancel_concert, concerts.put_on_sale, concerts.close_sales):
        with pytest.raises(Conflict) as info:
            await attempt(ctx, manager, draft.id)
        assert info.value.code == "concert_cancelled"
    assert await snapshot(ctx) == before
    actions = [a for _, a, _, _ in await audit_entries(ctx)]
    assert actions[-4:] == ["concert_on_sale", "sales_closed", "concert_on_sale", "concert_cancelled"]


async def test_unknown_concert(ctx: ServiceContext, setup: Any) -> None:
    manager, _, _ = setup
    before = await snapshot(ctx)
    with pytest.raises(NotFound) as info:
        await concerts.get_concert(ctx, ConcertId(4242))
    assert info.value.code == "concert_not_found"
    for attempt in (concerts.put_on_sale, concerts.close_sales, concerts.cancel_concert):
        with pytest.raises(NotFound) as missing:
            await attempt(ctx, manager, ConcertId(4242))
        assert missing.value.code == "concert_not_found"
    assert await snapshot(ctx) == before


async def test_door_staff_cannot_put_on_sale(ctx: ServiceContext, clock: ManualClock, setup: Any) -> None:
    manager, venue, plan = setup
    door = await make_actor(ctx, Role.DOOR)
    draft = await concerts.create_concert(ctx, manager, **_fields(clock, venue, plan))
    before = await snapshot(ctx)
    with pytest.raises(NotAllowed):
        await concerts.put_on_sale(ctx, door, draft.id)
    assert await snapshot(ctx) == before
