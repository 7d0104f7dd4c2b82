"""The Concerts screen's list beside its editor, offscreen in the admin's style: at 1366x768 and 1920x1080 the
demo concerts' titles and artists read whole (each line of a cell fits its column), and the split between list
and editor is where the manager last dragged it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from admin.ui.concert_table import ConcertTable
from admin.ui.concerts_page import ConcertsPage
from admin.ui.theme import apply_theme
from admin.ui.window import AdminWindow
from admin.viewmodels.concerts import ConcertsViewModel
from admin.viewmodels.navigation import ScreenKey
from admin.viewmodels.sign_in import SignInViewModel
from core.client.staff_local import LocalStaffClient
from core.domain.concert_spec import NewCategory
from core.domain.staff import Role
from core.ops.seed import CONCERTS
from core.services import concerts
from tests.admin.signing_in import sign_in_through
from tests.builders import ROOT, build_stage
from tests.support.staff_api import PASSWORD, make_staff

LONG = ("Midnight Orchestra", "Lena Vos & the Night Band")
"""The longest title and artist on the admin screenshots."""
PADDING = 16
"""QTableWidget::item { padding: 0 8px } in the admin's style."""


@pytest.fixture
def admin_style(qapp: Any) -> Iterator[None]:
    before = qapp.styleSheet()
    apply_theme(qapp)  # the admin's fonts and paddings, as the app shows them
    yield
    qapp.setStyleSheet(before)


async def _demo_concerts(ctx: Any) -> Any:
    stage = await build_stage(ctx, name="Encore Hall")
    for n, (title, artist) in enumerate((*((t, a) for t, a, _, _ in CONCERTS), LONG)):
        await concerts.create_concert(
            ctx,
            ROOT,
            venue_id=stage.concert.venue_id,
            plan_id=stage.concert.plan_id,
            title=title,
            artist=artist,
            doors_at=stage.concert.doors_at + timedelta(days=n + 1),
            starts_at=stage.concert.starts_at + timedelta(days=n + 1),
            sales_open_at=stage.concert.sales_open_at,
            sales_close_at=stage.concert.starts_at + timedelta(days=n + 1),
            currency="EUR",
            categories=[NewCategory("All", 2500, "#c0392b", sections=("Stalls", "Floor"))],
        )
    return await make_staff(ctx, Role.MANAGER)


def _unfit(table: ConcertTable) -> list[str]:
    """The lines of the Concert column wider than the column (they would be elided)."""
    fm = table.fontMetrics()
    width = table.columnWidth(0)
    lines = [line for row in range(table.rowCount()) for line in table.item(row, 0).text().split("\n")]
    return [f"{line!r}: {fm.horizontalAdvance(line) + PADDING} px > {width} px" for line in lines
            if fm.horizontalAdvance(line) + PADDING > width]  # fmt: skip


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_demo_titles_read_whole_beside_the_editor(
    qtbot: Any, qt_run: Any, admin_ctx: Any, keyring_backend: Any, admin_style: None, size: tuple[int, int]
) -> None:
    manager = qt_run(_demo_concerts(admin_ctx))
    window = AdminWindow(SignInViewModel(LocalStaffClient.over(admin_ctx)), "Demo database on this computer")
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    shell = sign_in_through(qtbot, window, manager.email)
    page = shell.show_screen(ScreenKey.CONCERTS)
    assert isinstance(page, ConcertsPage)
    qtbot.waitUntil(lambda: page.table.rowCount() == len(CONCERTS) + 2 and not page.vm.busy)
    qtbot.waitUntil(lambda: page.table.columnWidth(0) > 60)  # laid out
    table = page.table
    texts = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "Midnight Orchestra\nLena Vos & the Night Band" in texts
    assert _unfit(table) == []
    assert table.sizeHintForColumn(0) <= table.columnWidth(0), "the delegate needs more than the column has"
    # The editor is all there beside it (it scrolls down, never sideways).
    assert page.side_scroll.width() >= page.side_scroll.widget().minimumSizeHint().width()
    assert table.item(0, 0).toolTip() == f"{texts[0].replace(chr(10), ' — ')}"


def test_the_list_would_be_cut_at_its_old_width(qtbot: Any, admin_style: None) -> None:
    """Control: the check above does fail where a column is too narrow (the one-line list had 128 px)."""
    table = ConcertTable()
    qtbot.addWidget(table)
    table.setRowCount(1)
    from PySide6.QtWidgets import QTableWidgetItem

    table.setItem(0, 0, QTableWidgetItem(f"{LONG[0]} — {LONG[1]}"))
    table.resize(600, 300)
    table.show()
    table.horizontalHeader().setSectionResizeMode(0, table.horizontalHeader().ResizeMode.Fixed)
    table.setColumnWidth(0, 128)
    assert _unfit(table) != []


def test_the_split_is_where_the_manager_left_it(
    qtbot: Any, qt_run: Any, admin_ctx: Any, keyring_backend: Any, admin_style: None
) -> None:
    manager = qt_run(make_staff(admin_ctx, Role.MANAGER))
    session = qt_run(LocalStaffClient.over(admin_ctx).sign_in(manager.email, PASSWORD))

    def opened() -> ConcertsPage:
        page = ConcertsPage(ConcertsViewModel(session))
        qtbot.addWidget(page)
        page.resize(1146, 700)
        page.show()
        qtbot.waitUntil(lambda: page.splitter.sizes()[0] > 0)
        return page

    first = opened()
    list_width, side_width = first.splitter.sizes()
    assert list_width > side_width, "the list takes the room the editor does not need"
    first.splitter.moveSplitter(list_width - 50, 1)  # what a drag of the handle calls
    qtbot.waitUntil(lambda: first.splitter.sizes()[1] == side_width + 50)
    qt_run(first.vm.aclose())
    first.close()

    again = opened()
    qtbot.waitUntil(lambda: again.splitter.sizes() == first.splitter.sizes())
    qt_run(again.vm.aclose())
