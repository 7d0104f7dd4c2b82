"""The Qt test machinery itself: a coroutine runs on the Qt loop, services answer there, PySide6 is sound."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel

from core.services import catalog


def test_services_answer_on_the_qt_loop(qtbot, qt_run, kiosk_ctx):
    on_sale = qt_run(catalog.list_on_sale(kiosk_ctx))
    assert len(on_sale) == 4
    assert all(item.available > 0 for item in on_sale)


def test_void_calls_do_not_leak_references_to_none(qtbot):
    """Canary for PySide6 6.12.0 on CPython 3.11, where each void call took a reference from None (crash)."""
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(100_000):
        label.setText("x")
    assert sys.getrefcount(None) >= before - 100
