"""Venue times on the admin screens, offscreen, on a desktop set to another zone than the venue's: the concert
editor reads doors, start and sales window by the venue's clock (the stored UTC instant checked), a time the
venue's clock skips is refused by field and nothing is written, one the desktop's clock skips is kept; the
concerts, orders and devices screens show venue times with the zone's abbreviation and say their rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime

from admin.ui.audit_page import AuditPage
from admin.ui.concerts_page import INVALID, ConcertsPage, _set_wall, _wall
from admin.ui.devices_page import DevicesPage
from admin.ui.orders_page import OrdersPage
from admin.ui.window import AdminWindow
from admin.viewmodels.audit_log import AuditLogViewModel
from admin.viewmodels.concerts import ConcertsViewModel
from admin.viewmodels.navigation import ScreenKey
from admin.viewmodels.sign_in import SignInViewModel
from core.client.staff_local import LocalStaffClient
from core.domain.plan_spec import GridSection
from core.domain.staff import Role
from core.domain.venues import SectionKind
from core.services import venues
from tests.admin.signing_in import sign_in_through
from tests.builders import ROOT, build_stage, sell, signing_kiosk
from tests.dbstate import snapshot
from tests.support.desktop_zone import desktop_zone
from tests.support.staff_api import PASSWORD, make_staff


def _click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _window(qtbot: Any, qt_run: Any, ctx: Any) -> AdminWindow:
    shown = AdminWindow(SignInViewModel(LocalStaffClient.over(ctx)), "Demo database on this computer")
    qtbot.addWidget(shown)
    shown.resize(1366, 768)
    shown.show()
    manager = qt_run(make_staff(ctx, Role.MANAGER))
    sign_in_through(qtbot, shown, manager.email)
    return shown


def _concerts(qtbot: Any, window: AdminWindow, venue: str) -> ConcertsPage:
    assert window.shell is not None
    page = window.shell.show_screen(ScreenKey.CONCERTS)
    assert isinstance(page, ConcertsPage)
    qtbot.waitUntil(lambda: page.venue.findText(venue) >= 0 and not page.vm.busy)
    page.venue.setCurrentIndex(page.venue.findText(venue))
    qtbot.waitUntil(lambda: page.plan.count() == 1 and page.categories.rowCount() >= 1 and not page.vm.busy)
    page.title.setText("Winter Gala")
    page.artist.setText("The Quartet")
    for row in range(page.categories.rowCount()):
        page.categories.item(row, 1).setText("25")
    return page


def _walls(page: ConcertsPage, doors: datetime, start: datetime, opens: datetime, closes: datetime) -> None:
    for edit, wall in (
        (page.doors_at, doors),
        (page.starts_at, start),
        (page.sales_open_at, opens),
        (page.sales_close_at, closes),
    ):
        _set_wall(edit, wall)


@pytest.fixture
def new_york_desktop() -> Iterator[None]:
    with desktop_zone("America/New_York"):
        noon = QDateTime(QDate(2026, 12, 12), QTime(12, 0))
        assert noon.offsetFromUtc() == -5 * 3600, "Qt reads the desktop's zone as New York"
        yield


@pytest.fixture
def berlin_desktop() -> Iterator[None]:
    with desktop_zone("Europe/Berlin"):
        # Control: a desktop-zone time edit would move 02:30 on Berlin's spring-forward night to 03:30.
        assert QDateTime(QDate(2026, 3, 29), QTime(2, 30)).time() == QTime(3, 30)
        yield


def test_a_manager_in_new_york_sets_a_berlin_concert_and_reads_berlin_times(
    qtbot: Any, qt_run: Any, admin_ctx: Any, keyring_backend: Any, new_york_desktop: None, tmp_path: Path
) -> None:
    stage = qt_run(build_stage(admin_ctx, name="Encore Hall"))  # Europe/Berlin
    kiosk = qt_run(signing_kiosk(admin_ctx, "Kiosk foyer"))
    sold = qt_run(sell(admin_ctx, stage, kiosk, stage.seats[:2], "tz-1"))  # 18:00 UTC on 1 Dec: 19:00 CET
    window = _window(qtbot, qt_run, admin_ctx)
    page = _concerts(qtbot, window, "Encore Hall")
    assert page.zone_hint.text() == "Times are Europe/Berlin time, where the venue is."
    assert page.table.item(0, 1).text().endswith(" CET")

    # 02:30 on 29 March does not exist in Berlin (clocks go forward): refused by field, nothing written.
    _walls(page, datetime(2027, 3, 28, 2, 30), datetime(2027, 3, 28, 4, 0),
           datetime(2026, 12, 2, 10, 0), datetime(2027, 3, 28, 4, 0))  # fmt: skip
    before = qt_run(snapshot(admin_ctx))
    _click(qtbot, page.save)
    qtbot.waitUntil(lambda: page.vm.state.error_code == "value_invalid" and not page.vm.busy)
    assert page.vm.state.error_field == "doors_at"
    assert "28 Mar 2027 02:30 does not exist in Europe/Berlin" in page.message.text()
    assert page.doors_at.styleSheet() == INVALID
    assert qt_run(snapshot(admin_ctx)) == before

    # Doors 19:00, start 20:00 in Berlin: 18:00 and 19:00 UTC, whatever the desktop's clock says.
    _walls(page, datetime(2026, 12, 12, 19, 0), datetime(2026, 12, 12, 20, 0),
           datetime(2026, 12, 2, 10, 0), datetime(2026, 12, 12, 19, 30))  # fmt: skip
    _click(qtbot, page.save)
    qtbot.waitUntil(lambda: page.message.text() == "Winter Gala created as a draft." and not page.vm.busy)
    gala = page.vm.state.current
    assert gala is not None
    c = gala.concert
    assert (c.doors_at, c.starts_at, c.sales_open_at, c.sales_close_at) == (
        datetime(2026, 12, 12, 18, 0, tzinfo=UTC),
        datetime(2026, 12, 12, 19, 0, tzinfo=UTC),
        datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
        datetime(2026, 12, 12, 18, 30, tzinfo=UTC),
    )
    row = [page.table.item(r, 0).text() for r in range(page.table.rowCount())].index(
        "Winter Gala\nThe Quartet"
    )
    assert page.table.item(row, 1).text() == "12 Dec 2026\n20:00 CET"
    assert _wall(page.starts_at) == datetime(2026, 12, 12, 20, 0)  # the edit form, read back

    assert window.shell is not None
    orders_page = window.shell.show_screen(ScreenKey.ORDERS)
    assert isinstance(orders_page, OrdersPage)
    qtbot.waitUntil(lambda: orders_page.results.rowCount() == 1 and not orders_page.vm.busy)
    assert sold.created_at == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert orders_page.results.item(0, 2).text() == "2026-12-01 19:00 CET"
    assert orders_page.page_label.text().endswith("Times are Europe/Berlin time, where the venue is.")
    berlin_today = datetime.now(ZoneInfo("Europe/Berlin")).date()  # not New York's from 18:00 to midnight
    assert orders_page.last_day.date().toPython() == berlin_today
    assert orders_page.first_day.date().toPython() == berlin_today - timedelta(days=7)
    orders_page.results.selectRow(0)
    qtbot.waitUntil(lambda: orders_page.vm.state.order is not None and not orders_page.vm.busy)
    assert "sold 2026-12-01 19:00 CET" in orders_page.order_facts.text()
    assert window.grab().save(str(tmp_path / "orders.png"))  # looked at while writing this test

    devices_page = window.shell.show_screen(ScreenKey.DEVICES)
    assert isinstance(devices_page, DevicesPage)
    qtbot.waitUntil(lambda: devices_page.table.rowCount() >= 1 and not devices_page.vm.busy)
    assert devices_page.summary.text().endswith("Times are Europe/Berlin time, where the venue is.")
    seen = [devices_page.table.item(r, 4).text() for r in range(devices_page.table.rowCount())]
    assert all(s == "never" or s.endswith((" CET", " CEST")) for s in seen), seen
    qt_run(page.vm.aclose())


def test_a_time_the_desktops_clock_skips_is_kept_for_a_venue_that_has_it(
    qtbot: Any, qt_run: Any, admin_ctx: Any, keyring_backend: Any, berlin_desktop: None
) -> None:
    async def hudson() -> None:
        venue = await venues.create_venue(admin_ctx, ROOT, name="Hudson Hall", timezone="America/New_York")
        sections = [GridSection("Floor", SectionKind.STANDING, capacity=5)]
        await venues.create_plan_from_grid(admin_ctx, ROOT, venue.id, name="Main", sections=sections)

    qt_run(hudson())
    window = _window(qtbot, qt_run, admin_ctx)
    page = _concerts(qtbot, window, "Hudson Hall")
    # Sales open at 02:30 New York time on 29 March 2027, the night Berlin's clocks skip 02:00-03:00.
    _walls(page, datetime(2027, 4, 2, 19, 0), datetime(2027, 4, 2, 20, 0),
           datetime(2027, 3, 28, 2, 30), datetime(2027, 4, 2, 19, 0))  # fmt: skip
    assert _wall(page.sales_open_at) == datetime(2027, 3, 28, 2, 30)
    _click(qtbot, page.save)
    qtbot.waitUntil(lambda: page.message.text() == "Winter Gala created as a draft." and not page.vm.busy)
    gala = page.vm.state.current
    assert gala is not None
    assert gala.concert.sales_open_at == datetime(2027, 3, 28, 6, 30, tzinfo=UTC), "EDT is UTC-4"
    assert gala.concert.starts_at == datetime(2027, 4, 3, 0, 0, tzinfo=UTC)
    qt_run(page.vm.aclose())


def test_the_audit_screen_shows_entries_and_counts_days_by_the_venues_clock(
    qtbot: Any, qt_run: Any, admin_ctx: Any, keyring_backend: Any, new_york_desktop: None
) -> None:
    qt_run(build_stage(admin_ctx, name="Encore Hall"))  # Europe/Berlin; its creation is audited
    admin = qt_run(make_staff(admin_ctx, Role.ADMIN))
    session = qt_run(LocalStaffClient.over(admin_ctx).sign_in(admin.email, PASSWORD))
    page = AuditPage(AuditLogViewModel(session))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.table.rowCount() > 0 and not page.vm.busy, timeout=10_000)
    assert page.summary.text().endswith("Times are Europe/Berlin time, where the venue is.")
    assert all(page.table.item(r, 0).text().endswith(" CET") for r in range(page.table.rowCount()))
    berlin_today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    assert page.to_day.date().toPython() == berlin_today
    assert page.from_day.date().toPython() == berlin_today - timedelta(days=7)
    qt_run(page.vm.aclose())


def test_the_charts_time_axis_reads_the_venues_clock(new_york_desktop: None) -> None:
    """QDateTimeAxis labels by the desktop's clock: a point is placed where that clock reads the venue's time."""
    from admin.ui.charts import _when

    eight_pm_berlin = datetime(2026, 12, 12, 19, 0, tzinfo=UTC)
    assert _when(eight_pm_berlin, "Europe/Berlin").toString("HH:mm") == "20:00"
    assert _when(eight_pm_berlin, "").toString("HH:mm") == "14:00"  # control: the desktop's own clock


def test_a_new_concert_starts_from_the_venue_clock_not_utc(
    qtbot: Any, qt_run: Any, admin_ctx: Any, keyring_backend: Any
) -> None:
    """On a desktop in UTC at 11:30 on 4 Dec, it is already 00:30 on the 5th in Auckland and 03:30 on the 4th
    in Los Angeles: the form's defaults are those venues' wall clocks (the start on the venue's date + 30 at
    20:00, sales opening at the venue's next full hour), saved as the right UTC instants."""

    async def halls() -> Any:
        for name, zone in (("Harbour Hall", "Pacific/Auckland"), ("Sunset Hall", "America/Los_Angeles")):
            venue = await venues.create_venue(admin_ctx, ROOT, name=name, timezone=zone)
            grid = [GridSection("Floor", SectionKind.STANDING, capacity=5)]
            await venues.create_plan_from_grid(admin_ctx, ROOT, venue.id, name="Main", sections=grid)
        manager = await make_staff(admin_ctx, Role.MANAGER)
        return await LocalStaffClient.over(admin_ctx).sign_in(manager.email, PASSWORD)

    now = datetime(2026, 12, 4, 11, 30, tzinfo=UTC)
    with desktop_zone("UTC"):
        page = ConcertsPage(ConcertsViewModel(qt_run(halls()), now=lambda: now))
        qtbot.addWidget(page)
        page.resize(1366, 700)
        page.show()
        qtbot.waitUntil(
            lambda: page.venue.count() == 2 and page.categories.rowCount() == 1 and not page.vm.busy
        )
        page.venue.setCurrentIndex(page.venue.findText("Harbour Hall"))
        qtbot.waitUntil(lambda: page.vm.state.plans_venue == page.venue.currentData() and not page.vm.busy)
        assert page.zone_hint.text() == "Times are Pacific/Auckland time, where the venue is."
        assert (_wall(page.starts_at), _wall(page.doors_at), _wall(page.sales_open_at)) == (
            datetime(2027, 1, 4, 20, 0),
            datetime(2027, 1, 4, 19, 0),
            datetime(2026, 12, 5, 2, 0),  # 00:30 NZDT + 1 h, on the full hour (13:00 UTC)
        )

        # Another venue, another clock: the untouched defaults follow it.
        page.venue.setCurrentIndex(page.venue.findText("Sunset Hall"))
        qtbot.waitUntil(lambda: page.vm.state.plans_venue == page.venue.currentData() and not page.vm.busy)
        assert (_wall(page.starts_at), _wall(page.sales_open_at)) == (
            datetime(2027, 1, 3, 20, 0),
            datetime(2026, 12, 4, 5, 0),  # 03:30 PST + 1 h, on the full hour (13:00 UTC)
        )
        page.title.setText("Sunset Sessions")
        page.artist.setText("The Quartet")
        page.categories.item(0, 1).setText("25")
        _click(qtbot, page.save)
        qtbot.waitUntil(
            lambda: page.message.text() == "Sunset Sessions created as a draft." and not page.vm.busy
        )
        made = page.vm.state.current
        assert made is not None
        c = made.concert
        assert (c.starts_at, c.doors_at, c.sales_open_at, c.sales_close_at) == (
            datetime(2027, 1, 4, 4, 0, tzinfo=UTC),
            datetime(2027, 1, 4, 3, 0, tzinfo=UTC),
            datetime(2026, 12, 4, 13, 0, tzinfo=UTC),
            datetime(2027, 1, 4, 4, 0, tzinfo=UTC),
        )

        # A time the manager changed stays when the venue changes.
        page.vm.start_new()
        qtbot.waitUntil(lambda: page.save.text() == "Create concert")
        _set_wall(page.sales_open_at, datetime(2026, 12, 10, 9, 0))
        page.venue.setCurrentIndex(page.venue.findText("Harbour Hall"))
        qtbot.waitUntil(lambda: page.vm.state.plans_venue == page.venue.currentData() and not page.vm.busy)
        assert _wall(page.sales_open_at) == datetime(2026, 12, 10, 9, 0)
        assert _wall(page.starts_at) == datetime(2027, 1, 3, 20, 0)
        qt_run(page.vm.aclose())
