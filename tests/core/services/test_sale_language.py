"""The buyer's language on both engines: kept with the order, the tickets printed in it with the venue's names in
it; the words of core's errors kept as parts (places, message keys) so each app says them in its language."""

from __future__ import annotations

import pytest

from core.db import names as names_db
from core.domain.errors import InputError, SeatsTaken
from core.domain.payments import StaffPin
from core.domain.places import PlaceName
from core.domain.problems import from_problem, to_problem
from core.domain.staff import Role
from core.services import catalog, purchase, sales, staff, tickets
from core.services.context import ServiceContext
from core.tickets.pdf import Layout
from tests.builders import ROOT, Stage, build_stage
from tests.core.tickets.test_pdf import page_texts
from tests.dbstate import snapshot

PIN = "331759"
BO = 51
STALLS = {"de": "Parkett", "es": "Platea"}


@pytest.fixture
async def stage(ctx: ServiceContext) -> Stage:
    stage = await build_stage(ctx)
    await staff.create_staff(
        ctx, ROOT, email="bo@venue.test", display_name="Bo", role=Role.BOX_OFFICE, pin=PIN, staff_number=BO
    )

    async def name(conn) -> None:
        await names_db.put_section_names(conn, stage.concert.plan_id, {"Stalls": STALLS})
        await names_db.put_category_names(conn, stage.id, {"Stalls": {"de": "Parkett vorne"}})

    await ctx.db.write(name)
    return stage


async def _sell(ctx: ServiceContext, stage: Stage, language: str, key: str) -> str:
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    order = await purchase.pay_and_checkout(
        ctx, stage.kiosk, hold.id, StaffPin(BO, PIN), idempotency_key=key, language=language
    )
    assert order.language == language
    return order.code


@pytest.mark.parametrize("layout", list(Layout))
async def test_a_german_sale_prints_a_german_ticket(ctx, stage, layout):
    code = await _sell(ctx, stage, "de", "sale-de")
    (text,) = page_texts(await tickets.render_order(ctx, stage.kiosk, code, layout))
    text = text.replace("\xa0", " ")
    words = text.casefold()  # captions print in capitals
    for german in (
        "Parkett vorne",
        "Einlass",
        "Beginn",
        "45,00 €",
        "Bestellung",
        "Gilt für einen einmaligen",
    ):
        assert german.casefold() in words, german
    assert "Parkett" in text.replace("Parkett vorne", "")  # the section too, not only the category
    assert "Reihe" in text or "REIHE" in text
    for english in (
        "Stalls",
        "Doors",
        "Start",
        "Order",
        "Admit one",
        "Valid for one admission",
        "EUR",
        "Tue,",
    ):
        assert english.casefold() not in words, english


async def test_a_language_without_translations_prints_the_names_as_entered(ctx, stage):
    code = await _sell(ctx, stage, "es", "sale-es")
    (text,) = page_texts(await tickets.render_order(ctx, stage.kiosk, code, Layout.A4))
    text = text.replace("\xa0", " ")
    assert "Platea" in text  # the section has a Spanish name
    assert "Stalls" in text  # the category has none: its name as the venue entered it
    assert "Puertas" in text
    assert "45,00 €" in text


async def test_an_english_sale_stays_english_and_is_the_default(ctx, stage):
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    order = await purchase.pay_and_checkout(ctx, stage.kiosk, hold.id, StaffPin(BO, PIN), idempotency_key="k")
    assert order.language == "en"
    (text,) = page_texts(await tickets.render_order(ctx, stage.kiosk, order.code, Layout.A4))
    assert "Stalls" in text
    assert "Doors" in text
    assert "€45.00" in text
    assert "Parkett" not in text


@pytest.mark.parametrize("language", ["", "deutsch", "de DE", "x", "<script>", "de_" + "A" * 20])
async def test_a_bad_language_is_refused_and_changes_nothing(ctx, stage, language):
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    before = await snapshot(ctx)
    with pytest.raises(InputError) as info:
        await purchase.pay_and_checkout(
            ctx, stage.kiosk, hold.id, StaffPin(BO, PIN), idempotency_key="k", language=language
        )
    assert info.value.code == "language_invalid"
    assert await snapshot(ctx) == before


async def test_the_seat_map_and_the_hold_carry_the_names_in_other_languages(ctx, stage):
    seat_map = await catalog.get_seat_map(ctx, stage.id)
    stalls = next(s for s in seat_map.sections if s.name == "Stalls")
    assert dict(stalls.names) == STALLS
    category = next(c for c in seat_map.categories if c.name == "Stalls")
    assert dict(category.names) == {"de": "Parkett vorne"}
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    (held,) = hold.places
    assert held.place == PlaceName("Stalls", "A", 1, tuple(sorted(STALLS.items())))
    assert held.label == "Stalls, row A, seat 1"  # the English sentence stays, for logs and old apps
    assert dict(held.category_names) == {"de": "Parkett vorne"}


async def test_seats_taken_names_the_places_as_parts_and_they_cross_the_api(ctx, stage):
    await sales.hold_places(ctx, stage.other_kiosk, stage.id, stage.seats[:2])
    with pytest.raises(SeatsTaken) as info:
        await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    error = info.value
    assert error.message_key == "seats_taken"
    assert [p.seat for p in error.places] == [1, 2]
    assert dict(error.places[0].section_names) == STALLS
    assert error.message_args["places"] == error.places
    again = from_problem(to_problem(error))
    assert isinstance(again, SeatsTaken)
    assert again.places == error.places
    assert again.labels == error.labels
