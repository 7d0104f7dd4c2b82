"""The buyer's language through the API: a remote kiosk's German sale is a German ticket, its holds carry the
places as parts with the venue's names in other languages, and a bad language is refused, changing nothing; a
remote door gets each scan's place as parts too."""

from __future__ import annotations

import pytest

from core.db import names as names_db
from core.domain.devices import DeviceKind
from core.domain.errors import InputError, SeatsTaken
from core.domain.payments import StaffPin
from core.domain.places import PlaceName
from core.domain.staff import Role
from core.domain.tickets import Layout
from core.services import devices, sales, staff
from core.services import tickets as tickets_service
from tests.builders import ROOT, build_stage, sell, signing_kiosk
from tests.core.tickets.test_pdf import page_texts
from tests.dbstate import snapshot

PIN = "482913"
BO_NUMBER = 7


async def test_a_remote_german_sale_prints_german_and_names_places_as_parts(served, tmp_path) -> None:
    stage = await build_stage(served.ctx)
    await staff.create_staff(
        served.ctx,
        ROOT,
        email="bo@t.example",
        display_name="Bo",
        role=Role.BOX_OFFICE,
        pin=PIN,
        staff_number=BO_NUMBER,
    )

    async def name(conn) -> None:
        await names_db.put_section_names(conn, stage.concert.plan_id, {"Stalls": {"de": "Parkett"}})

    await served.ctx.db.write(name)
    kiosk = served.client(tmp_path, "kiosk")
    device = (await kiosk.enrol(DeviceKind.KIOSK, "kiosk")).device
    await devices.approve_device(served.ctx, ROOT, device.id)
    async with kiosk:
        await kiosk.enrol(DeviceKind.KIOSK, "kiosk")
        hold = await kiosk.hold_places(stage.id, stage.seats[:1], request_key="lang-1")
        (held,) = hold.places
        assert held.place is not None
        assert dict(held.place.section_names) == {"de": "Parkett"}

        before = await snapshot(served.ctx)
        with pytest.raises(InputError) as bad:
            await kiosk.pay_and_checkout(
                hold.id, StaffPin(BO_NUMBER, PIN), idempotency_key="pay-lang", language="Deutsch"
            )
        assert bad.value.code == "language_invalid"
        assert await snapshot(served.ctx) == before

        order = await kiosk.pay_and_checkout(
            hold.id, StaffPin(BO_NUMBER, PIN), idempotency_key="pay-lang", language="de"
        )
        assert order.language == "de"
        (text,) = page_texts(await kiosk.render_order(order.code, Layout.A4))
        assert "Parkett" in text
        assert "Einlass" in text
        assert "Doors" not in text

        await sales.hold_places(served.ctx, stage.other_kiosk, stage.id, stage.seats[1:2])
        with pytest.raises(SeatsTaken) as taken:
            await kiosk.hold_places(stage.id, stage.seats[1:2], request_key="lang-2")
        (place,) = taken.value.places  # the parts crossed the API with the error
        assert (place.section, place.row, place.seat) == ("Stalls", "A", 2)
        assert dict(place.section_names) == {"de": "Parkett"}


async def test_a_remote_door_gets_the_place_as_parts_online_and_in_its_snapshot(
    served, tmp_path, clock
) -> None:
    stage = await build_stage(served.ctx)

    async def name(conn) -> None:
        await names_db.put_section_names(conn, stage.concert.plan_id, {"Stalls": {"de": "Parkett"}})

    await served.ctx.db.write(name)
    kiosk = await signing_kiosk(served.ctx, "Signing kiosk")
    order = await sell(served.ctx, stage, kiosk, stage.seats[:1], "door-lang-1")
    (document,) = await tickets_service.order_documents(served.ctx, kiosk, order.code)
    door = served.client(tmp_path, "door")
    device = (await door.enrol(DeviceKind.DOOR, "door")).device
    await devices.approve_device(served.ctx, ROOT, device.id)
    clock.advance(7 * 24 * 3600)  # the concert night
    async with door:
        await door.enrol(DeviceKind.DOOR, "door")
        outcome = await door.scan(stage.id, "North", document.qr_text, "in")
        assert outcome.place_name == PlaceName("Stalls", "A", 1, (("de", "Parkett"),))
        station = await door.open_door_station(stage.id, "North", tmp_path / "door.sqlite3")
        async with station:
            (ticket,) = (await station.link.snapshot(stage.id)).tickets  # what refresh_snapshot stores
            assert ticket.place_name == PlaceName("Stalls", "A", 1, (("de", "Parkett"),))
