"""The "Venues and seating plans" screen, offscreen: in the signed-in window over the in-process staff client
(create a venue, a grid plan, a bad CSV shows every error with its line and writes nothing, a good one draws;
choose a seat in the drawing and block it), and on its own through a real encore-server on PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from admin.ui.plan_preview import PlanPreview
from admin.ui.venues_page import VenuesPage
from admin.ui.window import AdminWindow
from admin.viewmodels.navigation import ScreenKey
from admin.viewmodels.plan_picture import place_of
from admin.viewmodels.sign_in import SignInViewModel
from admin.viewmodels.venues import GridForm, VenuesViewModel
from core.client.staff_local import LocalStaffClient
from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.domain.clock import SystemClock
from core.domain.staff import Role
from core.domain.venues import SeatMark, SectionKind
from kiosk.ui.seat_map_scene import Look
from tests.admin.signing_in import sign_in_through
from tests.dbstate import snapshot
from tests.support.api_server import encore_server
from tests.support.context import open_context
from tests.support.staff_api import PASSWORD, make_staff

SHIPPED_PLAN = Path(__file__).parents[3] / "resources" / "plans" / "small-club.csv"
GOOD_CSV = """section,kind,row,seat,x,y,flags,capacity
Stalls,seated,A,1,0,0,accessible,
Stalls,seated,A,2,1,0,companion,
Stalls,seated,B,1,0,1,restricted,
Stalls,seated,B,2,1,1,blocked=Press,
Floor,standing,,,,,,120
"""
BAD_CSV = """section,kind,row,seat,x,y,flags,capacity
Stalls,seated,A,1,0,0,wheelchair,
Stalls,seated,A,two,1,0,,
Floor,standing,,,,,,
"""


def _click_seat(qtbot: Any, preview: PlanPreview, item: Any) -> None:
    point = preview.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseClick(preview.viewport(), Qt.MouseButton.LeftButton, pos=point)


def _import(qtbot: Any, page: VenuesPage, path: Path, name: str) -> None:
    page.set_csv_file(path)
    page.csv_plan_name.setText(name)
    qtbot.mouseClick(page.import_file, Qt.MouseButton.LeftButton)


@pytest.fixture
def window(qtbot: Any, admin_ctx, keyring_backend) -> AdminWindow:
    shown = AdminWindow(SignInViewModel(LocalStaffClient.over(admin_ctx)), "Demo database on this computer")
    qtbot.addWidget(shown)
    shown.resize(1366, 768)
    shown.show()
    return shown


def test_a_manager_makes_plans_and_blocks_a_seat_in_the_window(
    qtbot: Any, qt_run: Any, admin_ctx, window: AdminWindow, tmp_path: Path
) -> None:
    manager = qt_run(make_staff(admin_ctx, Role.MANAGER))
    shell = sign_in_through(qtbot, window, manager.email)
    page = shell.show_screen(ScreenKey.VENUES)
    assert isinstance(page, VenuesPage)
    qtbot.waitUntil(lambda: page._loaded and not page.vm.busy)
    assert page.venue_list.count() == 0

    page.venue_name.setText("Encore Hall")
    qtbot.mouseClick(page.create_venue, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.venue_list.count() == 1 and not page.vm.busy)
    page.rows.setValue(4)
    page.seats_per_row.setValue(10)
    page.aisles.setText("5")
    qtbot.mouseClick(page.make_grid, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.preview.seat_items) == 40 and not page.vm.busy)
    assert page.message.text() == "Plan Main hall created: 40 places in 1 section(s)."

    # A plan of two sections: each added in turn, the standing one with its places only.
    assert not page.draft_list.isVisible()
    page.plan_name.setText("Season")
    page.section_name.setText("Stalls")
    page.rows.setValue(3)
    page.seats_per_row.setValue(6)
    page.aisles.setText("")
    qtbot.mouseClick(page.add_section, Qt.MouseButton.LeftButton)
    assert page.draft_list.isVisible()
    assert [page.draft_list.item(i).text() for i in range(page.draft_list.count())] == [
        "Stalls: 3 rows × 6 = 18 seats"
    ]
    assert page.section_name.text() == ""  # ready for the next one
    page.section_name.setText("Floor")
    page.section_kind.setCurrentIndex(page.section_kind.findData(SectionKind.STANDING))
    assert page.places.isVisible()
    assert not page.rows.isVisible()
    page.places.setValue(200)
    qtbot.mouseClick(page.add_section, Qt.MouseButton.LeftButton)
    assert page.draft_list.count() == 2
    assert page.make_grid.text() == "Create plan (2 sections)"
    qtbot.mouseClick(page.make_grid, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.preview.seat_items) == 18 and not page.vm.busy)
    assert page.summary.text() == "Encore Hall · Season: Stalls (18), Floor (200)"
    assert not page.draft_list.isVisible()
    assert page.make_grid.text() == "Create plan"

    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV)
    before = qt_run(snapshot(admin_ctx))
    _import(qtbot, page, bad, "Club")
    qtbot.waitUntil(lambda: page.problems.count() == 3)
    lines = [page.problems.item(i).text() for i in range(3)]
    assert [line.split(":")[0] for line in lines] == ["Line 2", "Line 3", "Line 4"]
    assert "wheelchair" in lines[0]
    assert page.message.text().startswith("The file was not imported; nothing was written.")
    assert page.vm.state.error_code == "plan_file_invalid"
    assert qt_run(snapshot(admin_ctx)) == before

    good = tmp_path / "club.csv"
    good.write_text(GOOD_CSV)
    _import(qtbot, page, good, "Club")
    qtbot.waitUntil(lambda: page.plan_list.count() == 3 and len(page.preview.seat_items) == 4)
    assert not page.problems.isVisible()
    layout = page.vm.state.layout
    assert layout is not None
    looks = {(s.row, s.number): page.preview.seats.drawn_look(place_of(s.id)) for s in layout.seats}
    assert looks[("B", 2)] is Look.TAKEN  # blocked: the seat map's not-for-sale look
    assert looks[("A", 1)] is Look.FREE  # test_plan_preview.py checks each mark's look

    a2 = next(s for s in layout.seats if (s.row, s.number) == ("A", 2))
    b1 = next(s for s in layout.seats if (s.row, s.number) == ("B", 1))
    _click_seat(qtbot, page.preview, page.preview.seat_items[b1.id])
    qtbot.waitUntil(lambda: page.vm.state.selected == {b1.id})
    assert page.apply_mark.text() == "Mark 1 seat(s)"
    page.mark_kind.setCurrentIndex(page.mark_kind.findData(SeatMark.BLOCKED))
    page.reason.setText("Sound desk")
    qtbot.mouseClick(page.apply_mark, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.vm.state.selected and not page.vm.busy)
    after = {s.id: s for s in page.vm.state.layout.seats}
    assert after[b1.id].blocked == "Sound desk"
    assert page.preview.seats.drawn_look(place_of(b1.id)) is Look.TAKEN

    # A companion seat cannot also be a wheelchair place: the server's sentence shows, nothing changes.
    _click_seat(qtbot, page.preview, page.preview.seat_items[a2.id])
    qtbot.waitUntil(lambda: page.vm.state.selected == {a2.id})
    page.mark_kind.setCurrentIndex(page.mark_kind.findData(SeatMark.ACCESSIBLE))
    before = qt_run(snapshot(admin_ctx))
    qtbot.mouseClick(page.apply_mark, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.vm.state.error_code == "seat_flags_conflict" and not page.vm.busy)
    assert "wheelchair place and a companion seat" in page.message.text()
    assert qt_run(snapshot(admin_ctx)) == before


@pytest.mark.postgres
def test_the_screen_through_a_real_encore_server(
    qtbot: Any, qt_run: Any, pg_database_url: str, tmp_path: Path
) -> None:
    async def manager() -> str:
        async with open_context(pg_database_url, SystemClock()) as ctx:
            return (await make_staff(ctx, Role.MANAGER)).email

    email = qt_run(manager())
    with encore_server(pg_database_url, tmp_path / "server") as server:
        client = RemoteStaffClient(Settings(server_url=server.url, server_ca_file=str(server.ca_file)))
        session = qt_run(client.sign_in(email, PASSWORD))
        page = VenuesPage(VenuesViewModel(session))
        qtbot.addWidget(page)
        page.resize(1366, 700)
        page.show()
        qtbot.waitUntil(lambda: page._loaded and not page.vm.busy, timeout=10_000)
        page.venue_name.setText("Server Hall")
        qtbot.mouseClick(page.create_venue, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.venue_list.count() == 1 and not page.vm.busy, timeout=10_000)
        bad = tmp_path / "bad.csv"
        bad.write_text(BAD_CSV)
        _import(qtbot, page, bad, "Club")
        qtbot.waitUntil(lambda: page.problems.count() == 3, timeout=10_000)
        # The plan file the project ships (resources/plans/small-club.csv): 30 gallery seats, a floor of 250.
        _import(qtbot, page, SHIPPED_PLAN, "Club")
        qtbot.waitUntil(lambda: len(page.preview.seat_items) == 30 and not page.vm.busy, timeout=10_000)
        assert page.plan_list.item(0).text() == "Club  ·  280 places"
        assert not page.problems.isVisible()
        qt_run(page.vm.aclose())
        qt_run(client.aclose())


def test_dragging_a_box_chooses_every_seat_in_it_and_ctrl_click_adds_one(
    qtbot: Any, qt_run: Any, admin_ctx
) -> None:
    async def open_page() -> VenuesViewModel:
        member = await make_staff(admin_ctx, Role.MANAGER)
        session = await LocalStaffClient.over(admin_ctx).sign_in(member.email, PASSWORD)
        vm = VenuesViewModel(session)
        await vm.create_venue("Hall", "UTC")
        await vm.create_grid_plan(GridForm("Main", "Stalls", 3, 6))
        return vm

    vm = qt_run(open_page())
    page = VenuesPage(vm)
    page._loaded = True  # already read above
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    assert vm.state.layout is not None
    seat = {(s.row, s.number): s for s in vm.state.layout.seats}
    view = page.preview

    def rect(row: str, number: int) -> QRectF:
        return view.seat_items[seat[(row, number)].id].sceneBoundingRect()  # redrawn after each choice

    def at(row: str, number: int) -> QPoint:
        return view.mapFromScene(rect(row, number).center())

    # From the gap after B3 back to the gap before A1 (seats are 32 units wide, 40 apart): a press off any seat.
    start = view.mapFromScene(rect("B", 3).bottomRight() + QPointF(2.5, 2.5))
    end = view.mapFromScene(rect("A", 1).topLeft() - QPointF(2.5, 2.5))
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 11):
        point = start + (end - start) * (step / 10)
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            QPointF(point),
            view.viewport().mapToGlobal(QPointF(point)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(view.viewport(), move)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    boxed = {seat[(r, n)].id for r in "AB" for n in (1, 2, 3)}
    qtbot.waitUntil(lambda: vm.state.selected == boxed, timeout=2000)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, at("C", 6)
    )
    qtbot.waitUntil(lambda: vm.state.selected == boxed | {seat[("C", 6)].id})
    assert page.apply_mark.text() == "Mark 7 seat(s)"
    qt_run(vm.aclose())
