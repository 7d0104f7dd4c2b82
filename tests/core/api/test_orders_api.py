"""The Orders routes over the real app: the remote staff client's whole round (search, details, refund, reprint
PDF, resend) and the refusals the server makes when box-office and door credentials call the API directly
(each with its code, nothing changed); the box office gets orders without a price in them."""

from __future__ import annotations

import pytest

from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.domain.errors import InputError, NotFound
from core.domain.order_desk import OrderQuery
from core.domain.orders import OrderStatus, TicketState
from core.domain.staff import Role
from core.domain.tickets import Layout
from tests.builders import build_stage, decode_qr_texts, sell, signing_kiosk
from tests.dbstate import snapshot
from tests.support.staff_api import PASSWORD, bearer, make_staff, session_for


@pytest.fixture
async def order(served):
    stage = await build_stage(served.ctx)
    kiosk = await signing_kiosk(served.ctx, "Kiosk foyer")
    return stage, await sell(served.ctx, stage, kiosk, stage.seats[:3], "api-desk-1")


async def test_the_remote_staff_client_finds_refunds_reprints_and_resends(served, order):
    _, sold = order
    member = await make_staff(served.ctx, Role.MANAGER, number=71)
    async with RemoteStaffClient(
        Settings(server_url="http://encore.test"), transport=served.transport()
    ) as client:
        session = await client.sign_in(member.email, PASSWORD)
        page = await session.search_orders(OrderQuery(code=sold.code[:5]))
        assert [line.code for line in page.orders] == [sold.code]
        assert page.orders[0].total == sold.total
        details = await session.get_order(sold.code.lower())
        assert [t.serial for t in details.tickets] == [t.serial for t in sold.tickets]

        chosen = details.tickets[0].id
        refunded = await session.refund_order(sold.code, reason="Seat broken", ticket_ids=[chosen])
        assert refunded.status is OrderStatus.PARTLY_REFUNDED
        assert refunded.tickets[0].state is TicketState.VOID

        pdf = await session.reprint_order(sold.code, Layout.TICKET80)
        assert len(decode_qr_texts(pdf)) == 2  # the refunded ticket is not printed again
        again = await session.get_order(sold.code)
        assert [t.print_count for t in again.tickets] == [0, 1, 1]

        with pytest.raises(InputError) as no_address:
            await session.resend_order_mail(sold.code)  # sold without an address
        assert no_address.value.code == "email_invalid"
        mailed = await session.resend_order_mail(sold.code, to="guest@example.org")
        assert [m.to for m in mailed.mails] == ["guest@example.org"]

        before = await snapshot(served.ctx)
        for typed in ("NOPE/../x", "", "ZZZZZZZZ"):
            with pytest.raises((NotFound, InputError)) as refused:
                await session.get_order(typed)
            assert refused.value.code in {"order_not_found", "order_code_invalid"}
        assert await snapshot(served.ctx) == before
        await session.sign_out()


async def test_hidden_actions_are_refused_by_the_server(served, order):
    _, sold = order
    box_office = await make_staff(served.ctx, Role.BOX_OFFICE, number=72)
    door = await make_staff(served.ctx, Role.DOOR, number=73)
    async with served.http() as http:
        desk = bearer(await session_for(http, box_office))
        gate = bearer(await session_for(http, door))
        before = await snapshot(served.ctx)
        path = f"/v1/orders/{sold.code}"
        refusals = [
            (desk, "POST", f"{path}/refund", {"reason": "the box office may not"}),
            (gate, "POST", "/v1/orders/search", {}),
            (gate, "GET", path, None),
            (gate, "POST", f"{path}/reprint", {"layout": "a4"}),
            (gate, "POST", f"{path}/resend", {"to": "x@example.org"}),
        ]
        for headers, method, url, body in refusals:
            response = await http.request(method, url, json=body, headers=headers)
            assert response.status_code == 403, (url, response.text)
            assert response.json()["code"] == "not_allowed"
        response = await http.post("/v1/orders/search", json={}, headers={})
        assert response.status_code == 401
        assert await snapshot(served.ctx) == before

        found = (await http.post("/v1/orders/search", json={}, headers=desk)).json()
        assert [line["total"] for line in found["orders"]] == [None]
        details = (await http.get(path, headers=desk)).json()
        assert details["total"] is None
        assert {t["price"] for t in details["tickets"]} == {None}
        printed = await http.post(f"{path}/reprint", json={"layout": "a4"}, headers=desk)
        assert printed.status_code == 200
        assert printed.headers["content-type"] == "application/pdf"
        assert len(decode_qr_texts(printed.content)) == 3
