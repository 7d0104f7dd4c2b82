"""Garbage from a screen or a network gets a typed error with a stable code, the same on both engines, and
changes nothing."""

from __future__ import annotations

import asyncio

import pytest

from core.domain.errors import HoldExpired, InputError, NotFound
from core.domain.ids import ConcertId, PlaceId, SectionId
from core.domain.money import Money
from core.domain.orders import Payment
from core.domain.staff import Role
from core.services import checkout, orders, sales, staff
from tests.builders import ROOT, build_stage
from tests.dbstate import snapshot

BAD_IDS = [2**70, -1, 0, "12", 1.5, True, None]


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
async def test_bad_ids_are_refused_alike_on_both_engines(ctx, bad):
    stage = await build_stage(ctx)
    before = await snapshot(ctx)
    calls = [
        lambda: sales.hold_places(ctx, stage.kiosk, stage.id, [bad]),
        lambda: sales.hold_places(ctx, stage.kiosk, bad, [stage.seats[0]]),
        lambda: sales.hold_standing(ctx, stage.kiosk, stage.id, bad, 1),
        lambda: sales.hold_best_available(ctx, stage.kiosk, bad, stage.seated, 1),
    ]
    for call in calls:
        with pytest.raises(InputError) as err:
            await call()
        assert err.value.code == "id_invalid"
    assert await snapshot(ctx) == before


@pytest.mark.parametrize("bad", ["", "x" * 40, "'; DROP TABLE holds; --", 12, None], ids=repr)
async def test_malformed_hold_ids_are_simply_not_found(ctx, bad):
    stage = await build_stage(ctx)
    before = await snapshot(ctx)
    for call in (sales.extend_hold, sales.release_hold):
        with pytest.raises(NotFound) as err:
            await call(ctx, stage.kiosk, bad)
        assert err.value.code == "hold_not_found"
    with pytest.raises(NotFound):
        await checkout.checkout_hold(
            ctx, stage.kiosk, bad, idempotency_key="k", payment=Payment("card", "r", Money(1, "EUR"))
        )
    assert await snapshot(ctx) == before


async def test_control_characters_are_refused_before_the_database(ctx):
    stage = await build_stage(ctx)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    before = await snapshot(ctx)
    pay = Money(4500, "EUR")
    cases = [
        (
            checkout.checkout_hold(
                ctx, stage.kiosk, hold.id, idempotency_key="k\x00", payment=Payment("card", "r", pay)
            ),
            "idempotency_key_invalid",
        ),
        (
            checkout.checkout_hold(
                ctx, stage.kiosk, hold.id, idempotency_key="k", payment=Payment("card", "T\x00", pay)
            ),
            "payment_invalid",
        ),
        (
            checkout.checkout_hold(
                ctx,
                stage.kiosk,
                hold.id,
                idempotency_key="k",
                payment=Payment("card", "r", pay),
                buyer_email="fan\x00@example.org",
            ),
            "email_invalid",
        ),
        (
            staff.create_staff(
                ctx,
                ROOT,
                email="eve@example.org",
                display_name="Eve\x00",
                role=Role.BOX_OFFICE,
                password="long enough password",
                pin="1234",
            ),
            "display_name_invalid",
        ),
        (orders.find_order(ctx, stage.manager, "AB\x00CDEFG"), "order_code_invalid"),
        (
            sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[1:2], request_key="r\x07"),
            "request_key_invalid",
        ),
    ]
    for coro, code in cases:
        with pytest.raises(InputError) as err:
            await coro
        assert err.value.code == code
        assert "\x00" not in err.value.message
    assert await snapshot(ctx) == before


async def test_the_same_hold_request_twice_gives_one_hold(ctx):
    stage = await build_stage(ctx)
    first = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2], request_key="tap-1")
    again = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2], request_key="tap-1")
    assert again.id == first.id
    assert again.places == first.places
    standing = await asyncio.gather(
        *(
            sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2, request_key="tap-2")
            for _ in range(4)
        )
    )
    assert len({h.id for h in standing}) == 1
    await sales.release_hold(ctx, stage.kiosk, first.id)
    with pytest.raises(HoldExpired) as err:
        await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2], request_key="tap-1")
    assert err.value.code == "hold_released"


async def test_unknown_section_and_concert(ctx):
    stage = await build_stage(ctx)
    before = await snapshot(ctx)
    with pytest.raises(InputError) as err:
        await sales.hold_standing(ctx, stage.kiosk, stage.id, SectionId(987_654), 1)
    assert err.value.code == "section_not_in_concert"
    with pytest.raises(NotFound) as missing:
        await sales.hold_standing(ctx, stage.kiosk, ConcertId(987_654), stage.standing, 1)
    assert missing.value.code == "concert_not_found"
    with pytest.raises(InputError) as strangers:
        await sales.hold_places(ctx, stage.kiosk, stage.id, [PlaceId(987_654)])
    assert strangers.value.code == "place_not_in_concert"
    assert await snapshot(ctx) == before
