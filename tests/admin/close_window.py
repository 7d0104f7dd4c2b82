"""`python -m tests.admin.close_window`: encore-admin as a user runs it (its own QApplication and qasync loop),
with the window closed by its title bar's X once it shows; the exit code is the app's."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from admin.__main__ import main


def close_when_shown(app: QApplication) -> None:
    shown = [w for w in app.topLevelWidgets() if w.isVisible() and w.windowTitle()]
    if shown:
        for window in shown:
            window.close()
    else:
        QTimer.singleShot(100, lambda: close_when_shown(app))


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    QTimer.singleShot(500, lambda: close_when_shown(app))
    sys.exit(main(sys.argv[1:]))
