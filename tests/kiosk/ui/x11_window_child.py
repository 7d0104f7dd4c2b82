"""Run by test_lockdown_x11 on a real X server: show a kiosk window as `make run` does (not locked down) and print
where X put it (JSON)."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

from kiosk.app_common import show


def main() -> None:
    app = QApplication(sys.argv)
    window = QLabel("kiosk")
    show(window)
    report: dict[str, object] = {}

    def measure() -> None:
        report["window"] = window.frameGeometry().getRect()
        report["inside"] = window.geometry().getRect()
        report["free"] = window.screen().availableGeometry().getRect()
        report["screen"] = window.screen().geometry().getRect()
        report["active"] = window.isActiveWindow()
        app.exit()

    QTimer.singleShot(1500, measure)  # time for X (and a window manager, if any) to map and place the window
    app.exec()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
