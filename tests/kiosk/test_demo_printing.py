"""`make run`'s kiosk on the demo database, with no printer set: the tickets go into a folder of PDFs, and the
buyer is told where."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from core.client.local import LocalClient
from core.domain.places import PlaceState
from kiosk.devices.printing import demo_folder
from kiosk.sales_app import SalesApp
from kiosk.ui.speech import QtSpeaker
from kiosk.viewmodels.flow_state import Step
from tests.builders import decode_qr_texts
from tests.kiosk.ui.test_screens import find, on_screen


def test_a_demo_kiosk_with_no_printer_set_saves_pdfs_in_a_folder_and_says_where(qtbot, qt_run, kiosk_ctx):
    settings = replace(kiosk_ctx.settings, kiosk_lockdown=False, kiosk_printer="")  # make run's defaults
    folder = demo_folder(settings)
    assert (
        str(folder.parent) in settings.resolved_database_url()
    )  # beside this test's database, not the user's
    app = SalesApp(LocalClient.over(kiosk_ctx), settings, speaker=QtSpeaker("mock"))
    qt_run(app.start())
    flow, window = app.flow, app.window
    qtbot.waitUntil(lambda: flow.state.step is Step.WELCOME, timeout=10_000)
    window.resize(1920, 1080)

    qtbot.mouseClick(find(window, "buy_tickets"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.CONCERTS) and not flow.state.busy)
    flow.request_choose_concert(flow.state.concerts[0].concert.id)
    qtbot.waitUntil(lambda: on_screen(window, Step.SEATS) and not flow.state.busy, timeout=10_000)
    model = flow.seat_map
    model.toggle(next(p.id for p in model.seats if p.row and model.state_of(p.id) is PlaceState.FREE))
    qtbot.mouseClick(find(window, "continue"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.REVIEW) and not flow.state.busy, timeout=10_000)
    qtbot.mouseClick(find(window, "pay"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.PAYMENT) and not flow.state.busy)
    qtbot.mouseClick(find(window, "demo_approve"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.DONE), timeout=20_000)

    assert str(folder) in find(window, "take_tickets").text()
    pdfs = list(folder.glob("*.pdf"))
    assert len(pdfs) == 1
    assert len(decode_qr_texts(pdfs[0].read_bytes())) == 1
    qt_run(app.aclose())
