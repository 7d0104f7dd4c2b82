"""The Orders screen's view-model, without Qt, over the in-process staff client and real services: search and
pages, open an order, refund only ticked valid tickets, reprint into a file (its QR codes decoded back) and say
so when the file cannot be written, resend; refusals show the server's code and change nothing."""

from __future__ import annotations

from pathlib import Path

from admin.viewmodels.orders import OrdersViewModel, SearchForm
from core.client.staff_local import LocalStaffClient
from core.domain.orders import OrderStatus, TicketState
from core.domain.staff import Role
from core.domain.tickets import Layout
from core.services.context import ServiceContext
from core.tickets.qr import parse_text
from tests.builders import build_stage, decode_qr_texts, sell, signing_kiosk
from tests.dbstate import snapshot
from tests.support.staff_api import PASSWORD, make_staff


async def _vm(ctx: ServiceContext, role: Role, number: int) -> OrdersViewModel:
    member = await make_staff(ctx, role, number=number)
    session = await LocalStaffClient.over(ctx).sign_in(member.email, PASSWORD)
    return OrdersViewModel(session, page_size=2)


async def test_search_open_refund_reprint_and_resend(ctx: ServiceContext, tmp_path: Path) -> None:
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Kiosk foyer")
    sold = [await sell(ctx, stage, kiosk, stage.seats[2 * n : 2 * n + 2], f"vm-{n}") for n in range(3)]
    vm = await _vm(ctx, Role.MANAGER, 81)
    assert vm.state.may_refund

    await vm.search(SearchForm())
    assert vm.state.results is not None
    assert (vm.state.results.total, vm.state.results.pages) == (3, 2)
    await vm.go_to_page(1)
    assert [o.code for o in vm.state.results.orders] == [sold[0].code]
    await vm.go_to_page(2)  # there is no third page: nothing is asked
    assert vm.state.results.page == 1

    order = sold[0]
    await vm.open(order.code)
    assert vm.state.order is not None
    vm.choose([int(order.tickets[0].id), 999_999])  # a stranger id is never ticked
    assert vm.state.chosen == {int(order.tickets[0].id)}

    before = await snapshot(ctx)
    await vm.refund("", everything=False)
    assert vm.state.error_code == "reason_missing"
    await vm.search(SearchForm(code="K7"))
    assert vm.state.error_code == "search_invalid"
    assert await snapshot(ctx) == before

    await vm.refund("Seat broken", everything=False)
    assert vm.state.error == ""
    assert vm.state.notice.startswith("Refunded 1 ticket")
    assert vm.state.order.status is OrderStatus.PARTLY_REFUNDED
    assert vm.state.order.tickets[0].state is TicketState.VOID
    assert vm.state.chosen == frozenset()
    assert [o.status for o in vm.state.results.orders] == [OrderStatus.PARTLY_REFUNDED]  # the page re-read

    target = tmp_path / "copy.pdf"
    await vm.reprint(target, Layout.TICKET80)
    assert vm.state.saved == str(target)
    (text,) = decode_qr_texts(target.read_bytes())
    assert parse_text(text)[0].ticket_id == order.tickets[1].id
    assert vm.state.order.tickets[1].print_count == 1

    await vm.reprint(tmp_path / "no such folder" / "copy.pdf")
    assert vm.state.error_code == "save_failed"
    assert "could not be saved" in vm.state.error

    await vm.resend("guest@example.org")
    assert vm.state.notice.endswith("on their way to guest@example.org.")
    assert vm.state.order.mails[-1].to == "guest@example.org"
    await vm.aclose()


async def test_the_box_office_gets_no_refund_controls_and_is_refused(ctx: ServiceContext) -> None:
    stage = await build_stage(ctx)
    order = await sell(ctx, stage, stage.kiosk, stage.seats[:1], "vm-bo")
    vm = await _vm(ctx, Role.BOX_OFFICE, 82)
    assert not vm.state.may_refund
    await vm.open(order.code)
    assert vm.state.order is not None
    assert vm.state.order.total is None
    before = await snapshot(ctx)
    await vm.refund("not mine to give", everything=True)
    assert vm.state.error_code == "not_allowed"
    assert await snapshot(ctx) == before
    await vm.aclose()
