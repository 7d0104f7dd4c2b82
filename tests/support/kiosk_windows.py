"""Finding and placing the kiosk's real windows in Qt tests: the visible widget by name, a window on its screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from tests.support.screens import LANDSCAPE, fill_screen


def find(window: QWidget, name: str) -> Any:
    """The visible widget with this objectName (screens are built once, so names repeat across hidden screens)."""
    matches = [w for w in window.findChildren(QWidget, name) if w.isVisible()]
    assert len(matches) == 1, f"{len(matches)} visible widgets named {name!r}"
    return matches[0]


def make_window(qtbot: Any, flow: Any, size: tuple[int, int] = LANDSCAPE, **kwargs: Any) -> Any:
    """The kiosk's main window over ``flow``, filling the real screen of ``size``, shown and active."""
    from kiosk.ui.main_window import MainWindow

    window = MainWindow(flow, **kwargs)
    # A language left switched on would translate the next test's screens: back to English at the end.
    qtbot.addWidget(window, before_close_func=lambda w: w.languages.close())
    fill_screen(window, size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # focus (and so speech) follows only in the active window
    return window


def settle() -> None:
    """Let layouts settle: they do in passes (a size, then the scroll ranges and the reflows that follow it,
    some deferred to the next pass on purpose), so a fixed number of passes, enough for the deepest chain."""
    for _ in range(12):
        QApplication.processEvents()


def on_window(widget: QWidget) -> QRect:
    """Where ``widget`` is in its window's coordinates."""
    return QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())


def unseen(widget: QWidget) -> str:
    """Why a buyer cannot see all of ``widget`` without scrolling ('' when they can): hidden, outside the window,
    or clipped by a parent (a scroll area's viewport, a squeezed layout)."""
    if not widget.isVisible():
        return "hidden"
    window = widget.window()
    rect = on_window(widget)
    if not window.rect().contains(rect):
        return f"at {rect.getRect()}, outside the {window.width()}x{window.height()} window"
    shown = widget.visibleRegion().boundingRect()
    if shown != widget.rect():
        return f"only {shown.getRect()} of its {widget.width()}x{widget.height()} is shown"
    return ""


def cut_words(root: QWidget) -> list[str]:
    """The visible labels under ``root`` whose words do not fit their label (a line cut off at the side, or a
    wrapped text given fewer lines than it needs), each as 'name: text (why)'."""
    cut = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or not label.text():  # (a picture, such as a legend's swatch, has no text)
            continue
        name = label.objectName() or label.text()[:24]
        if label.wordWrap():
            need = label.heightForWidth(label.width())
            if need > label.height():
                cut.append(f"{name}: {label.text()!r} needs {need} px of height, has {label.height()}")
        elif label.sizeHint().width() > label.width():
            cut.append(f"{name}: {label.text()!r} needs {label.sizeHint().width()} px, has {label.width()}")
    return cut
