"""The kiosk paints its first frame before core's services load: in sales mode that frame is Welcome, in door mode
the Starting screen. What may not be loaded when it is painted is pinned here, in a fresh interpreter started as
`encore-kiosk` starts (tests/benchmarks/kiosk_app.py measures what that saves)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.startup import import_qt_free

ROOT = Path(__file__).resolve().parents[2]

NOT_AT_WELCOME = (
    # core's storage and client stack (SQLAlchemy alone is about 0.2 s): opened once Welcome is on screen
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "httpx",
    "cryptography",
    "core.db",
    "core.services",
    "core.client.local",
    "core.client.remote",
    "core.client.protocol",  # names every domain type; the view-models name it for the type checker only
    # tickets: the PDF, its QR code and fonts, and rasterising; needed when a ticket prints
    "core.tickets",
    "reportlab",
    "qrcode",
    "PIL",
    "pypdfium2",
    # Qt's printing and PDF modules: a system printer's (this kiosk prints to a folder)
    "kiosk.devices.print_qt",
    "PySide6.QtPrintSupport",
    "PySide6.QtPdf",
    # door mode: its window, scanner, camera, QR decoding and offline copy
    "kiosk.door_app",
    "kiosk.ui.door_screen",
    "kiosk.viewmodels.door",
    "kiosk.devices.camera",
    "kiosk.devices.scanner_hid",
    "core.client.door_station",
    "zxingcpp",
    "PySide6.QtMultimedia",
    # the sale's other screens: built once the kiosk has answered, before a buyer gets to them
    "kiosk.ui.screens.concerts",
    "kiosk.ui.screens.seats",
    "kiosk.ui.seat_map_widget",
    "kiosk.ui.screens.payment",
    "kiosk.ui.screens.printing",
)
NOT_IN_DOOR_FIRST_FRAME = (
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "core.db",
    "core.services",
    "core.client.local",
)

_WELCOME_PROBE = """
import asyncio, json, sys
watched = json.loads(sys.argv[1])
loaded = lambda: sorted(m for m in watched if m in sys.modules)
import kiosk.__main__  # the entry point, as `encore-kiosk` starts
import qasync
from PySide6.QtWidgets import QApplication
from core.config import Settings
from kiosk.app import open_client, welcome_first

app = QApplication([])
settings = Settings(database_url="sqlite+aiosqlite:///" + sys.argv[2], kiosk_lockdown=False,
                    kiosk_printer="folder:" + sys.argv[3])

async def main():
    sales = welcome_first(settings)
    window = sales.window
    image = window.grab().toImage()
    found = {"loaded": loaded(), "visible": window.isVisible(), "step": sales.flow.state.step.value,
             "screen": window.current_screen().objectName(),
             "colours": len({image.pixel(x, y) for x in range(0, image.width(), 9)
                             for y in range(0, image.height(), 9)})}
    open_client(settings)
    found["after_client"] = loaded()
    await sales.aclose()
    return found

print(json.dumps(qasync.run(main())))
"""

_DOOR_PROBE = """
import builtins, json, sys
watched = json.loads(sys.argv[1])
loaded = lambda: sorted(m for m in watched if m in sys.modules)
import kiosk.__main__  # the entry point, as `encore-kiosk --door` starts
from kiosk.app import first_frame, open_client
from PySide6.QtWidgets import QApplication
from core.config import Settings

app = QApplication([])
settings = Settings(database_url="sqlite+aiosqlite:///" + sys.argv[2], kiosk_lockdown=False, kiosk_mode="door")
window = first_frame(settings)
image = window.grab().toImage()
first = {"loaded": loaded(), "visible": window.isVisible(), "text": window.text(),
         "colours": len({image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)})}
hook = builtins.__import__
client = open_client(settings)
print(json.dumps({"first": first, "after_client": loaded(), "client": type(client).__name__,
                  "hook_restored": builtins.__import__ is hook}))
"""


def _probe(code: str, watched: tuple[str, ...], *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(watched), *args],
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_welcome_is_painted_before_core_tickets_printing_the_door_or_the_other_screens_load(
    tmp_path: Path,
) -> None:
    found = _probe(_WELCOME_PROBE, NOT_AT_WELCOME, str(tmp_path / "kiosk.sqlite3"), str(tmp_path))
    assert found["loaded"] == []
    assert found["visible"] is True
    assert (found["step"], found["screen"]) == ("welcome", "screen_welcome")
    assert found["colours"] > 2  # painted: the themed screen with its text and buttons, not an empty buffer
    # The client, built right after, brings the services stack: the probe sees what it watches for.
    assert set(found["after_client"]) >= {"sqlalchemy", "core.db", "core.services", "core.client.local"}


def test_the_doors_starting_screen_is_painted_before_sqlalchemy_or_the_services_load(tmp_path: Path) -> None:
    found = _probe(_DOOR_PROBE, NOT_IN_DOOR_FIRST_FRAME, str(tmp_path / "door.sqlite3"))
    first = found["first"]
    assert first["loaded"] == []
    assert first["visible"] is True
    assert first["text"].startswith("Starting")
    assert first["colours"] > 1  # painted: the text on the themed background, not an empty buffer
    assert found["client"] == "LocalClient"
    assert set(found["after_client"]) >= {"sqlalchemy", "core.db", "core.services", "core.client.local"}
    assert found["hook_restored"] is True


def test_only_qt_free_modules_bypass_the_qt_import_hook() -> None:
    with pytest.raises(ValueError, match="only Qt-free modules"):
        import_qt_free("kiosk.sales_app")
