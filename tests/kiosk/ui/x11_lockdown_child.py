"""Run by test_lockdown_x11 on a bare X server: lock a kiosk window down and print where X put it (JSON)."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

from kiosk.ui.lockdown import Lockdown


def main() -> None:
    app = QApplication(sys.argv)
    window = QLabel("kiosk")
    window.resize(900, 692)  # a window's own first size, as the kiosk's main window asks for
    Lockdown(window).engage()
    report: dict[str, object] = {}

    def measure() -> None:
        report["window"] = window.frameGeometry().getRect()
        report["screen"] = window.screen().geometry().getRect()
        report["active"] = window.isActiveWindow()
        app.exit()

    QTimer.singleShot(1500, measure)  # time for X to map and configure the window (no window manager answers)
    app.exec()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
