"""The "Audit log" and "Exports" screens through a real encore-server on PostgreSQL (offscreen Qt).

An admin makes changes with the other screens' view-models (venue, staff, device approval, putting a concert on
sale; the concert itself through the same session) and finds an audit entry for each on the Audit log screen,
filtered by person, action and day. A concert's tickets export re-reads to the database's numbers; a large
audit export's progress bar moves through intermediate values while Qt keeps running, and Cancel leaves no file;
so do the Exports screen's bar for a large concert's orders and check-ins, whose files re-read to the database's
numbers. The sales report PDF is saved from the screen. Box office is refused by the server.
"""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt, QTimer
from sqlalchemy import func, insert, select

from admin.ui.audit_page import AuditPage
from admin.ui.exports_page import ExportsPage
from admin.viewmodels.audit_log import AuditLogViewModel
from admin.viewmodels.concerts import ConcertsViewModel
from admin.viewmodels.devices import DevicesViewModel
from admin.viewmodels.exports import ExportsState, ExportsViewModel
from admin.viewmodels.staff import NewStaffForm, StaffViewModel
from admin.viewmodels.venues import VenuesViewModel
from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.db.tables import audit_log, checkins, tickets
from core.domain.clock import SystemClock
from core.domain.concert_bodies import ConcertDetails
from core.domain.concert_spec import NewCategory
from core.domain.devices import DeviceKind
from core.domain.door import OfflineAdmit, Replay
from core.domain.errors import NotAllowed
from core.domain.ids import ConcertId
from core.domain.money import Money
from core.domain.orders import Order, Payment
from core.domain.payments import SimulatedCard
from core.domain.places import PlaceState
from core.domain.plan_spec import GridSection
from core.domain.reports import AuditQuery, ExportKind
from core.domain.staff import Role
from core.domain.venues import SectionKind
from core.ops import seed
from core.services import checkout, door, sales
from core.services import orders as orders_service
from tests.builders import build_stage, door_device
from tests.support import aio
from tests.support.context import open_context
from tests.support.kiosk_server import RemoteVenue, remote_venue
from tests.support.report_data import Truth, truth

BULK_ENTRIES = 6000
"""Audit entries added for the large export: six batches of the server's 1,000 rows."""
BIG_ORDERS = 2_100
"""Orders of the large concert: three batches of the server's 1,000 rows."""
BIG_ADMITS = 2_100
"""Tickets of the large concert admitted at the door (its check-ins): three batches too."""


def _today() -> date:
    """The venues' day (all of them are in Berlin), as the screen's date fields count days."""
    return datetime.now(ZoneInfo("Europe/Berlin")).date()


def _click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _account(role: Role) -> seed.DemoAccount:
    return next(a for a in seed.DEMO_ACCOUNTS if a.role is role)


@pytest.fixture(scope="module")
def venue(
    pg_module_database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    with remote_venue(pg_module_database_url, redis_url, tmp_path_factory.mktemp("reports")) as running:
        yield running, pg_module_database_url


def _staff_client(remote: RemoteVenue) -> RemoteStaffClient:
    return RemoteStaffClient(
        Settings(server_url=remote.server.url, server_ca_file=str(remote.server.ca_file))
    )


def _rows(page: AuditPage) -> list[tuple[str, str, str]]:
    return [
        (page.table.item(r, 1).text(), page.table.item(r, 2).text(), page.table.item(r, 3).text())
        for r in range(page.table.rowCount())
    ]


def _choose(combo: Any, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


@pytest.mark.postgres
def test_every_admin_change_made_on_the_other_screens_is_on_the_audit_screen(
    qtbot: Any, qt_run: Any, venue: tuple[RemoteVenue, str], tmp_path: Path
) -> None:
    remote, _ = venue
    admin = _account(Role.ADMIN)
    client = _staff_client(remote)
    session = qt_run(client.sign_in(admin.email, admin.password))
    me = session.staff

    venues_vm = VenuesViewModel(session)
    qt_run(venues_vm.create_venue("Audit Hall", "Europe/Berlin"))
    assert not venues_vm.state.error, venues_vm.state.error
    made_venue = next(v for v in qt_run(session.list_venues()) if v.name == "Audit Hall")
    plan = qt_run(
        session.create_plan_from_grid(
            made_venue.id,
            name="Main",
            sections=[GridSection("Stalls", SectionKind.SEATED, rows=2, seats_per_row=4)],
        )
    )
    now = datetime.now(UTC)
    details = ConcertDetails(
        title="Audited Night",
        artist="The Loggers",
        doors_at=now + timedelta(days=9),
        starts_at=now + timedelta(days=9, hours=1),
        sales_open_at=now,
        sales_close_at=now + timedelta(days=9),
        categories=[NewCategory("All", 2000, "#2471a3", sections=("Stalls",))],
    )
    concert = qt_run(session.create_concert(made_venue.id, plan.id, currency="EUR", details=details))
    concerts_vm = ConcertsViewModel(session)
    qt_run(concerts_vm.load())
    concerts_vm.select(concert.id)
    qt_run(concerts_vm.put_on_sale())
    assert not concerts_vm.state.error, concerts_vm.state.error

    staff_vm = StaffViewModel(session)
    qt_run(staff_vm.load())
    qt_run(
        staff_vm.create(
            NewStaffForm("auditor@encore.demo", "Audrey Auditor", Role.MANAGER, "a-long-password-1")
        )
    )
    assert not staff_vm.state.error, staff_vm.state.error
    created = next(s for s in qt_run(session.list_staff()) if s.email == "auditor@encore.demo")

    kiosk = remote.client("kiosk_a").__class__(
        Settings(
            server_url=remote.server.url,
            server_ca_file=str(remote.server.ca_file),
            device_key_ref=f"file:{tmp_path / 'audit_kiosk.key'}",
            demo_mode=True,
        )
    )
    pending = qt_run(kiosk.enrol(DeviceKind.KIOSK, "Kiosk audited"))
    devices_vm = DevicesViewModel(session)
    qt_run(devices_vm.load())
    devices_vm.select(pending.device.id)
    qt_run(devices_vm.approve())
    assert not devices_vm.state.error, devices_vm.state.error

    page = AuditPage(AuditLogViewModel(session))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitUntil(
        lambda: page.person.count() > 1 and not page.vm.busy and page.table.rowCount() > 0, timeout=10_000
    )
    _choose(page.person, int(me.id))
    expected = {
        "venue_created": f"venue:{made_venue.id}",
        "concert_created": f"concert:{concert.id}",
        "concert_on_sale": f"concert:{concert.id}",
        "staff_created": f"staff:{created.id}",
        "device_approved": f"device:{pending.device.id}",
    }
    for action, subject in expected.items():
        _choose(page.action, action)
        _click(qtbot, page.apply)
        qtbot.waitUntil(
            lambda a=action: page.vm.state.filter.action == a and not page.vm.state.busy, timeout=10_000
        )
        assert (me.name, action.replace("_", " ").capitalize(), subject) in _rows(page), action
        assert all(row[0] == me.name for row in _rows(page))
        assert page.table.item(0, 0).text().endswith((" CET", " CEST")), "by the venues' clock, named"

    # by day: today has them, a period that ended yesterday has none
    _choose(page.action, "venue_created")
    page.use_from.setChecked(True)
    page.from_day.setDate(_today())
    _click(qtbot, page.apply)
    qtbot.waitUntil(
        lambda: page.vm.state.filter.first_day == _today() and not page.vm.state.busy, timeout=10_000
    )
    assert _rows(page)
    page.use_from.setChecked(False)
    page.use_to.setChecked(True)
    page.to_day.setDate(_today() - timedelta(days=1))
    _click(qtbot, page.apply)
    qtbot.waitUntil(
        lambda: page.vm.state.filter.last_day is not None and not page.vm.state.busy, timeout=10_000
    )
    assert page.table.rowCount() == 0
    assert page.summary.text() == (
        "No entries match these filters. Times are Europe/Berlin time, where the venue is."
    )

    for vm in (venues_vm, concerts_vm, staff_vm, devices_vm, page.vm):
        qt_run(vm.aclose())
    qt_run(kiosk.aclose())
    qt_run(client.aclose())


class _LoopTurns:
    """Counts turns of Qt's loop (a zero-interval timer fires once per turn): "the window kept answering while
    the rows came in" measured in turns, not time (CI once got a whole export within one 20 ms tick)."""

    def __init__(self) -> None:
        self.count = 0
        self._timer = QTimer()
        self._timer.timeout.connect(self._tick)
        self._timer.start(0)

    def _tick(self) -> None:
        self.count += 1

    def stop(self) -> None:
        self._timer.stop()


Page = TypeVar("Page", ExportsPage, AuditPage)


def _saving_page(
    qtbot: Any, qt_run: Any, remote: RemoteVenue, tmp_path: Path, role: Role, make: Callable[[Any], Page]
) -> tuple[Page, Any]:
    """A screen that saves files (``make`` builds it from a session) for a signed-in member of ``role``,
    shown at a laptop's size and saving into tmp_path; and the staff client to close."""
    member = _account(role)
    client = _staff_client(remote)
    session = qt_run(client.sign_in(member.email, member.password))
    page = make(session)
    page.choose_file = lambda suggested, _kinds: tmp_path / suggested
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    return page, client


def _exports_page(qtbot: Any, qt_run: Any, remote: RemoteVenue, tmp_path: Path) -> tuple[ExportsPage, Any]:
    """The Exports screen of a signed-in manager, its concerts listed."""
    page, client = _saving_page(
        qtbot, qt_run, remote, tmp_path, Role.MANAGER, lambda session: ExportsPage(ExportsViewModel(session))
    )
    qtbot.waitUntil(lambda: page.table.rowCount() > 0 and not page.vm.busy, timeout=10_000)
    return page, client


@pytest.mark.postgres
def test_a_tickets_export_re_reads_to_the_database_and_the_report_is_saved(
    qtbot: Any, qt_run: Any, venue: tuple[RemoteVenue, str], tmp_path: Path
) -> None:
    remote, database_url = venue
    kiosk = remote.client("kiosk_b")
    assert qt_run(kiosk.enrol(DeviceKind.KIOSK, "Kiosk B")).approved
    seat_map = qt_run(kiosk.get_seat_map(remote.tonight))
    free = [p.id for p in seat_map.places if p.state is PlaceState.FREE][:5]
    for n, chunk in enumerate((free[:3], free[3:])):
        hold = qt_run(kiosk.hold_places(remote.tonight, chunk, request_key=f"exports-{n}"))
        qt_run(kiosk.pay_and_checkout(hold.id, SimulatedCard(True), idempotency_key=f"exports-{n}"))
    page, client = _exports_page(qtbot, qt_run, remote, tmp_path)
    page.vm.select(remote.tonight)
    _click(qtbot, page.csv_buttons[ExportKind.TICKETS])
    qtbot.waitUntil(lambda: page.vm.state.saved is not None and not page.vm.state.running, timeout=20_000)
    saved = tmp_path / f"concert-{remote.tonight}-tickets.csv"
    assert page.vm.state.saved == saved
    rows = list(csv.DictReader(io.StringIO(saved.read_text())))

    async def truth() -> tuple[int, int]:
        async with open_context(database_url, SystemClock()) as ctx:

            async def work(conn):  # type: ignore[no-untyped-def]
                found = select(func.count(), func.sum(tickets.c.price_minor)).where(
                    tickets.c.concert_id == remote.tonight
                )
                return tuple((await conn.execute(found)).one())

            return await ctx.db.read(work)

    count, gross = qt_run(truth())
    assert len(rows) == count >= 5
    assert sum(int(r["price_minor"]) for r in rows) == gross
    assert page.message.text() == f"Saved {count:,} tickets to {saved.name}."
    assert not list(tmp_path.glob("*.part"))

    _click(qtbot, page.report)
    report = tmp_path / f"sales-report-{remote.tonight}.pdf"
    qtbot.waitUntil(lambda: page.vm.state.saved == report and not page.vm.state.running, timeout=20_000)
    assert report.read_bytes().startswith(b"%PDF-")
    qt_run(page.vm.aclose())
    qt_run(client.aclose())
    qt_run(kiosk.aclose())


def _bulk_audit(database_url: str, qt_run: Any) -> None:
    async def add() -> None:
        async with open_context(database_url, SystemClock()) as ctx:

            async def work(conn):  # type: ignore[no-untyped-def]
                at = datetime.now(UTC)
                rows = [dict(at=at, actor="system:bulk", action="bulk_note", subject=f"note:{i}", details={"n": i})
                        for i in range(BULK_ENTRIES)]  # fmt: skip
                await conn.execute(insert(audit_log), rows)

            await ctx.db.write(work)

    qt_run(add())


@pytest.mark.postgres
def test_a_large_audit_export_moves_its_progress_bar_and_can_be_cancelled(
    qtbot: Any, qt_run: Any, venue: tuple[RemoteVenue, str], tmp_path: Path
) -> None:
    remote, database_url = venue
    _bulk_audit(database_url, qt_run)
    page, client = _saving_page(
        qtbot, qt_run, remote, tmp_path, Role.ADMIN, lambda session: AuditPage(AuditLogViewModel(session))
    )
    qtbot.waitUntil(lambda: page.action.findData("bulk_note") >= 0 and not page.vm.busy, timeout=10_000)
    _choose(page.action, "bulk_note")
    _click(qtbot, page.apply)
    qtbot.waitUntil(lambda: page.vm.state.total == BULK_ENTRIES and not page.vm.state.busy, timeout=10_000)

    seen: list[tuple[int, int, int]] = []
    turns = _LoopTurns()
    page.vm.changed.connect(
        lambda s: (
            seen.append((page.progress.value(), page.progress.maximum(), turns.count))
            if s.exporting
            else None
        )
    )
    _click(qtbot, page.export)
    qtbot.waitUntil(lambda: not page.vm.state.exporting and page.vm.state.notice != "", timeout=30_000)
    turns.stop()
    target = tmp_path / "audit-log.csv"
    assert page.vm.state.notice == f"Saved {BULK_ENTRIES:,} entries to audit-log.csv."
    assert len(list(csv.DictReader(io.StringIO(target.read_text())))) == BULK_ENTRIES
    middle = [(value, at) for value, top, at in seen if top == BULK_ENTRIES and 0 < value < BULK_ENTRIES]
    assert len({value for value, _ in middle}) >= 3, seen  # it moved through the batches, not nothing-to-done
    assert middle[-1][1] > middle[0][1], seen  # Qt's loop turned while the rows were coming in

    # Cancel as soon as the first rows are in: no file, no part file, and the screen says so.
    target.unlink()

    def cancel_midway(state: Any) -> None:
        if state.exporting and state.rows_done > 0:
            page.vm.cancel_export()

    page.vm.changed.connect(cancel_midway)
    _click(qtbot, page.export)
    qtbot.waitUntil(
        lambda: not page.vm.state.exporting and "cancelled" in page.vm.state.notice, timeout=30_000
    )
    page.vm.changed.disconnect(cancel_midway)
    assert not target.exists()
    assert not list(tmp_path.glob("*.part"))
    assert page.message.text() == "The export was cancelled; no file was saved."
    qt_run(page.vm.aclose())
    qt_run(client.aclose())


async def _big_concert(remote: RemoteVenue, database_url: str) -> tuple[ConcertId, Truth, dict[str, int]]:
    """A concert sold through the real services beside the server (signed with its key): BIG_ORDERS orders of two
    standing tickets (one ticket refunded), BIG_ADMITS tickets admitted by a door's replayed admits at two gates.
    Its numbers as the database holds them (and the check-ins per gate)."""
    key = remote.server.signing_key_ref
    async with open_context(database_url, SystemClock(), ticket_signing_key_ref=key) as ctx:
        stage = await build_stage(ctx, standing=2 * BIG_ORDERS, max_per_order=2, name="Export Arena")

        async def sell_two(n: int) -> Order:
            hold = await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2)
            payment = Payment("card", f"big-{n}", Money(hold.total.minor, "EUR"))
            return await checkout.checkout_hold(
                ctx, stage.kiosk, hold.id, idempotency_key=f"big-{n}", payment=payment
            )

        sold: list[Order] = []
        for start in range(0, BIG_ORDERS, 8):  # a few kiosks' worth at a time
            sold += await asyncio.gather(*(sell_two(n) for n in range(start, min(start + 8, BIG_ORDERS))))
        first = sold[0]
        await orders_service.refund_tickets(
            ctx, stage.manager, first.code, reason="could not come", ticket_ids=[first.tickets[1].id]
        )
        gate = await door_device(ctx, "Export Arena door")
        admitted = [t.id for order in sold for t in order.tickets if t.id != first.tickets[1].id][:BIG_ADMITS]
        at = datetime.now(UTC)
        admits = [
            OfflineAdmit(uuid.uuid4().hex, t, ("North", "South")[i % 2], at) for i, t in enumerate(admitted)
        ]
        for start in range(0, len(admits), door.MAX_REPLAY):
            replayed = await door.replay_offline_admits(ctx, gate, admits[start : start + door.MAX_REPLAY])
            assert set(replayed) == {Replay.RECORDED}

        async def per_gate(conn):  # type: ignore[no-untyped-def]
            c = checkins.c
            found = await conn.execute(
                select(c.gate, func.count()).where(c.concert_id == stage.id).group_by(c.gate)
            )
            return {name: int(n) for name, n in found.all()}

        return stage.id, await truth(ctx, stage.id), await ctx.db.read(per_gate)


@pytest.mark.postgres
def test_a_large_concert_export_moves_the_bar_and_re_reads_to_the_database(
    qtbot: Any, qt_run: Any, venue: tuple[RemoteVenue, str], tmp_path: Path
) -> None:
    """Orders and check-ins of a concert large enough that each export leaves the server in several batches of
    1,000 rows: the Exports screen's bar moves through intermediate values to the end while Qt's loop keeps
    turning, and the saved files re-read to the database's numbers."""
    remote, database_url = venue
    concert_id, expected, gates = aio.run(_big_concert(remote, database_url))
    assert (expected.orders, expected.checkin_rows) == (BIG_ORDERS, BIG_ADMITS)
    page, client = _exports_page(qtbot, qt_run, remote, tmp_path)
    page.vm.select(concert_id)
    assert not page.progress_box.isVisible()

    turns = _LoopTurns()

    def save(kind: ExportKind, total: int) -> list[dict[str, str]]:
        """Click the button, watch the bar while the rows come in; the rows of the saved file."""
        seen: list[tuple[int, int, int, bool, str]] = []

        def watch(state: ExportsState) -> None:
            if state.running:
                bar = page.progress
                shown = page.progress_box.isVisible()
                seen.append((bar.value(), bar.maximum(), turns.count, shown, page.progress_text.text()))

        page.vm.changed.connect(watch)
        _click(qtbot, page.csv_buttons[kind])
        target = tmp_path / f"concert-{concert_id}-{kind.value}.csv"
        qtbot.waitUntil(lambda: page.vm.state.saved == target and not page.vm.state.running, timeout=60_000)
        page.vm.changed.disconnect(watch)
        counted = [(value, at) for value, top, at, _, _ in seen if top == total]
        values = [value for value, _ in counted]
        assert values == sorted(values), seen  # it only moves forward
        middle = [(value, at) for value, at in counted if 0 < value < total]
        assert len({value for value, _ in middle}) >= 3, seen  # through the batches, not nothing-to-done
        assert middle[-1][1] > middle[0][1], seen  # Qt's loop turned while the rows were coming in
        assert values[-1] == total, seen  # and to the end
        assert all(shown for *_, shown, _ in seen), seen
        assert f"of {total:,} rows" in seen[-1][4], seen
        assert not page.progress_box.isVisible()
        assert not list(tmp_path.glob("*.part"))
        return list(csv.DictReader(io.StringIO(target.read_text())))

    rows = save(ExportKind.ORDERS, expected.orders)
    assert page.message.text() == f"Saved {expected.orders:,} orders to concert-{concert_id}-orders.csv."
    assert len(rows) == expected.orders
    assert sum(int(r["tickets"]) for r in rows) == expected.tickets == 2 * BIG_ORDERS
    assert sum(int(r["total_minor"]) for r in rows) == expected.gross_minor
    assert sum(int(r["refunded_minor"]) for r in rows) == expected.refunded_minor > 0
    assert Counter(r["status"] for r in rows) == {"paid": BIG_ORDERS - 1, "partly_refunded": 1}
    assert len({r["order_code"] for r in rows}) == expected.orders

    rows = save(ExportKind.CHECKINS, expected.checkin_rows)
    turns.stop()
    assert (
        page.message.text()
        == f"Saved {expected.checkin_rows:,} check-ins to concert-{concert_id}-checkins.csv."
    )
    assert len(rows) == expected.checkin_rows
    assert len({r["ticket_serial"] for r in rows}) == expected.admitted == BIG_ADMITS
    assert Counter(r["gate"] for r in rows) == gates == {"North": BIG_ADMITS // 2, "South": BIG_ADMITS // 2}
    assert {(r["direction"], r["device"], r["offline"]) for r in rows} == {
        ("in", "Export Arena door", "true")
    }
    qt_run(page.vm.aclose())
    qt_run(client.aclose())


@pytest.mark.postgres
def test_box_office_is_refused_the_audit_log_and_exports_by_the_server(
    qt_run: Any, venue: tuple[RemoteVenue, str]
) -> None:
    remote, _ = venue
    box = _account(Role.BOX_OFFICE)
    client = _staff_client(remote)
    session = qt_run(client.sign_in(box.email, box.password))
    with pytest.raises(NotAllowed, match="audit log"):
        qt_run(session.search_audit(AuditQuery()))

    async def export() -> None:
        async with session.export_concert(remote.tonight, ExportKind.ORDERS):
            raise AssertionError("the server sent an export to box office")

    with pytest.raises(NotAllowed, match="see reports"):
        qt_run(export())
    with pytest.raises(NotAllowed):
        qt_run(session.sales_report_pdf(remote.tonight))
    qt_run(client.aclose())
