"""The "Orders" screen, offscreen, through a real encore-server on PostgreSQL: a kiosk sells, a manager finds the
order by e-mail, refunds one ticket with a reason here and the kiosk sees the place free; an empty reason is
refused with its code and nothing changes; the reprint is saved through the save dialog and its QR code decodes
back to the ticket still valid; the resent mail reaches a real SMTP server (aiosmtpd) with the tickets attached.
A box-office account sees the order without prices or refund controls, and the server refuses its refund."""

from __future__ import annotations

import dataclasses
import email
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from admin.ui.orders_page import OrdersPage
from admin.viewmodels.orders import OrdersViewModel
from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.db.tables import audit_log, mail_outbox
from core.domain.clock import SystemClock
from core.domain.devices import DeviceKind
from core.domain.payments import SimulatedCard
from core.domain.places import PlaceState
from core.domain.staff import Role
from core.mail.smtp import SmtpMailer
from core.ops import seed
from core.services import ServiceContext, mail
from core.tickets.qr import parse_text
from tests.builders import decode_qr_texts
from tests.dbstate import snapshot
from tests.support.api_server import trusting
from tests.support.context import open_context
from tests.support.kiosk_server import RemoteVenue, remote_venue

pytestmark = pytest.mark.postgres
BUYER = "guest.orders@example.org"


def _click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _account(role: Role) -> Any:
    return next(a for a in seed.DEMO_ACCOUNTS if a.role is role)


@pytest.fixture(scope="module")
def venue(
    pg_module_database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RemoteVenue, str]]:
    with remote_venue(pg_module_database_url, redis_url, tmp_path_factory.mktemp("orders")) as running:
        yield running, pg_module_database_url


@pytest.fixture
def db(venue: tuple[RemoteVenue, str], qt_run: Any) -> Iterator[Any]:
    """The server's database, read on the Qt loop (snapshots, the audit log, the mail worker)."""
    manager = open_context(venue[1], SystemClock())
    ctx = qt_run(manager.__aenter__())
    yield ctx
    qt_run(manager.__aexit__(None, None, None))


def _page(qtbot: Any, qt_run: Any, remote: RemoteVenue, role: Role) -> tuple[OrdersPage, RemoteStaffClient]:
    client = RemoteStaffClient(
        Settings(server_url=remote.server.url, server_ca_file=str(remote.server.ca_file))
    )
    account = _account(role)
    session = qt_run(client.sign_in(account.email, account.password))
    page = OrdersPage(OrdersViewModel(session))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitUntil(lambda: page.vm.state.results is not None and not page.vm.busy, timeout=10_000)
    return page, client


def _kiosk(qt_run: Any, remote: RemoteVenue) -> Any:
    kiosk = remote.client("kiosk_a")
    assert qt_run(kiosk.enrol(DeviceKind.KIOSK, "Kiosk A")).approved
    return kiosk


def _find(qtbot: Any, page: OrdersPage, code: str) -> None:
    page.code.clear()
    page.email.setText(BUYER.upper()[:12])  # the start of the address, in any case
    _click(qtbot, page.search)
    qtbot.waitUntil(lambda: not page.vm.busy and page.results.rowCount() >= 1, timeout=10_000)
    row = next(r for r in range(page.results.rowCount()) if page.results.item(r, 0).text() == code)
    page.results.selectRow(row)
    qtbot.waitUntil(
        lambda: page.vm.state.order is not None and page.vm.state.order.code == code, timeout=10_000
    )


async def _send_mail(db: Any, smtp: Settings) -> mail.MailRun:
    """The scheduler's mail job, as the venue's mail worker runs it: the server's database, a sender address."""
    worker = dataclasses.replace(db.settings, mail_from=smtp.mail_from)
    async with ServiceContext.open(worker, clock=SystemClock()) as ctx:
        return await mail.send_due_mail(ctx, SmtpMailer(smtp))


async def _mail_errors(conn: Any) -> list[str]:
    return [r.last_error for r in (await conn.execute(select(mail_outbox.c.last_error))).all()]


def _attachment(message: Message) -> bytes:
    for part in message.walk():
        if part.get_content_type() == "application/pdf":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload
    raise AssertionError("the mail has no PDF attached")


def test_refund_reprint_and_resend_from_the_orders_screen(
    qtbot: Any, qt_run: Any, venue: tuple[RemoteVenue, str], db: Any, tmp_path: Path, start_smtp: Any
) -> None:
    remote, _ = venue
    kiosk = _kiosk(qt_run, remote)
    seat_map = qt_run(kiosk.get_seat_map(remote.tonight))
    two = [p.id for p in seat_map.places if p.state is PlaceState.FREE and p.number is not None][:2]
    hold = qt_run(kiosk.hold_places(remote.tonight, two, request_key="orders-page-1"))
    sold = qt_run(
        kiosk.pay_and_checkout(
            hold.id, SimulatedCard(True), idempotency_key="orders-page-1", buyer_email=BUYER
        )
    )
    free_before = qt_run(kiosk.get_availability(remote.tonight)).total

    page, client = _page(qtbot, qt_run, remote, Role.MANAGER)
    _find(qtbot, page, sold.code)
    assert page.tickets.rowCount() == 2
    assert page.refund_box.isVisible()
    assert page.tickets.item(0, 4).text() == "25.00 EUR"

    before = qt_run(snapshot(db))
    _click(qtbot, page.refund_all)  # no reason typed
    qtbot.waitUntil(lambda: page.vm.state.error_code == "reason_missing" and not page.vm.busy)
    assert page.message.objectName() == "error"
    assert "(reason_missing)" in page.message.text()
    assert qt_run(snapshot(db)) == before

    refunded, kept = sold.tickets
    page.tickets.item(0, 0).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: page.vm.state.chosen == {int(refunded.id)})
    page.reason.setText("Guest ill")
    _click(qtbot, page.refund_chosen)  # a refund cannot be undone: first a question, nothing changes yet
    qtbot.waitUntil(lambda: page.refund_dialog is not None and page.refund_dialog.isVisible())
    assert page.refund_dialog is not None
    question = page.refund_dialog.text.text()
    assert question.startswith(f"Refund 1 ticket(s) of order {sold.code} (25.00 EUR) because: Guest ill?")
    _click(qtbot, page.refund_dialog.keep)
    qtbot.waitUntil(lambda: page.refund_dialog is None and page.vm.state.question is None)
    assert qt_run(snapshot(db)) == before
    _click(qtbot, page.refund_chosen)
    qtbot.waitUntil(lambda: page.refund_dialog is not None and page.refund_dialog.isVisible())
    assert page.refund_dialog is not None
    _click(qtbot, page.refund_dialog.confirm)
    qtbot.waitUntil(lambda: page.vm.state.notice.startswith("Refunded 1 ticket"), timeout=10_000)
    assert page.tickets.item(0, 5).text() == "Refunded"
    assert page.tickets.item(0, 5).toolTip() == "Refunded: Guest ill"
    assert page.results.item(page.results.currentRow(), 5).text() == "Partly refunded"
    assert qt_run(kiosk.get_availability(remote.tonight)).total == free_before + 1
    places = {p.id: p.state for p in qt_run(kiosk.get_seat_map(remote.tonight)).places}
    assert places[refunded.place_id] is PlaceState.FREE
    assert places[kept.place_id] is PlaceState.SOLD

    _click(qtbot, page.reprint)
    qtbot.waitUntil(lambda: page.save_dialog is not None and page.save_dialog.isVisible())
    target = tmp_path / "reprint.pdf"
    assert page.save_dialog is not None
    page.save_dialog.selectFile(str(target))
    page.save_dialog.accept()
    qtbot.waitUntil(lambda: page.vm.state.saved == str(target) and not page.vm.busy, timeout=20_000)
    (text,) = decode_qr_texts(target.read_bytes())  # the refunded ticket is not printed again
    assert parse_text(text)[0].ticket_id == kept.id
    assert page.tickets.item(1, 6).text() == "1"

    smtp = start_smtp()
    qt_run(_send_mail(db, smtp.settings))  # the mail queued with the sale goes first
    smtp.recorder.envelopes.clear()
    _click(qtbot, page.resend)
    qtbot.waitUntil(lambda: page.vm.state.notice.endswith(f"on their way to {BUYER}."), timeout=10_000)
    assert "waiting to be sent" in page.mails.text()
    run = qt_run(_send_mail(db, smtp.settings))
    assert run.sent >= 1, qt_run(db.db.read(_mail_errors))
    delivered = [e for e in smtp.recorder.envelopes if BUYER in e.rcpt_tos]
    assert len(delivered) == 1
    attached = _attachment(email.message_from_bytes(delivered[0].content))
    assert [parse_text(t)[0].ticket_id for t in decode_qr_texts(attached)] == [kept.id]

    async def actions(conn: Any) -> list[str]:
        stmt = select(audit_log.c.action).where(audit_log.c.subject == f"order:{sold.code}")
        return [r.action for r in (await conn.execute(stmt)).all()]

    assert qt_run(db.db.read(actions)) == ["refund", "tickets_reprinted", "tickets_mail_resent"]
    qt_run(page.vm.aclose())
    qt_run(client.aclose())
    qt_run(kiosk.aclose())


def test_the_box_office_sees_no_prices_and_the_server_refuses_its_refund(
    qtbot: Any, qt_run: Any, venue: tuple[RemoteVenue, str], db: Any
) -> None:
    remote, _ = venue
    kiosk = _kiosk(qt_run, remote)
    seat_map = qt_run(kiosk.get_seat_map(remote.tonight))
    one = [next(p.id for p in seat_map.places if p.state is PlaceState.FREE and p.number is not None)]
    hold = qt_run(kiosk.hold_places(remote.tonight, one, request_key="orders-page-2"))
    sold = qt_run(
        kiosk.pay_and_checkout(
            hold.id, SimulatedCard(True), idempotency_key="orders-page-2", buyer_email=BUYER
        )
    )

    page, client = _page(qtbot, qt_run, remote, Role.BOX_OFFICE)
    _find(qtbot, page, sold.code)
    assert not page.refund_box.isVisible()
    assert page.tickets.isColumnHidden(4)  # price
    assert page.tickets.isColumnHidden(0)  # the refund tick
    assert page.results.isColumnHidden(6)  # total
    assert page.reprint.isEnabled()

    account = _account(Role.BOX_OFFICE)
    with httpx.Client(base_url=remote.server.url, verify=trusting(remote.server.ca_file)) as http:
        token = http.post("/v1/auth/sign-in", json={"email": account.email, "password": account.password})
        headers = {"authorization": f"Bearer {token.json()['session_token']}"}
        before = _unchanged(qt_run(snapshot(db)))
        refused = http.post(
            f"/v1/orders/{sold.code}/refund", json={"reason": "not mine to give"}, headers=headers
        )
        shown = http.get(f"/v1/orders/{sold.code}", headers=headers).json()
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_allowed"
    assert shown["total"] is None
    assert _unchanged(qt_run(snapshot(db))) == before
    qt_run(page.vm.aclose())
    qt_run(client.aclose())
    qt_run(kiosk.aclose())


def _unchanged(tables: dict[str, Any]) -> dict[str, Any]:
    """Every table but the sessions: each request slides its session's last use, which changes no order."""
    return {name: rows for name, rows in tables.items() if name != "staff_sessions"}
