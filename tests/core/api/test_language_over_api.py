"""The buyer's language through the API: a remote kiosk's German sale is a German ticket, its holds carry the
places as parts with the venue's names in other languages, and a bad language is refused, changing nothing."""

from __future__ import annotations

import pytest

from core.db import names as names_db
from core.domain.devices import DeviceKind
from core.domain.errors import InputError, SeatsTaken
from core.domain.payments import StaffPin
from core.domain.staff import Role
from core.domain.tickets import Layout
from core.services import devices, sales, staff
from tests.builders import ROOT, build_stage
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
