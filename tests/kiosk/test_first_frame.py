"""The kiosk paints its first frame (the Starting screen) before core's services load: no SQLAlchemy, no
database driver, no services at that moment; they load when the client is built, without PySide6's import hook
(tests/benchmarks/kiosk_app.py measures what that saves)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.startup import import_core_module

ROOT = Path(__file__).resolve().parents[2]
NOT_IN_FIRST_FRAME = ("sqlalchemy", "aiosqlite", "asyncpg", "core.db", "core.services", "core.client.local")
_PROBE = """
import builtins, json, sys
watched = json.loads(sys.argv[1])
loaded = lambda: sorted(m for m in watched if m in sys.modules)
import kiosk.__main__  # the entry point, as `encore-kiosk` starts
from kiosk.app import first_frame, open_client
from PySide6.QtWidgets import QApplication
from core.config import Settings

app = QApplication([])
settings = Settings(database_url="sqlite+aiosqlite:///" + sys.argv[2], kiosk_lockdown=False)
window = first_frame(settings)
image = window.grab().toImage()
first = {"loaded": loaded(), "visible": window.isVisible(), "text": window.text(),
         "colours": len({image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)})}
hook = builtins.__import__
client = open_client(settings)
print(json.dumps({"first": first, "after_client": loaded(), "client": type(client).__name__,
                  "hook_restored": builtins.__import__ is hook}))
"""


def _probe(tmp_path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(NOT_IN_FIRST_FRAME), str(tmp_path / "kiosk.sqlite3")],
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_first_frame_is_painted_before_sqlalchemy_or_the_services_load(tmp_path: Path) -> None:
    found = _probe(tmp_path)
    first = found["first"]
    assert first["loaded"] == []
    assert first["visible"] is True
    assert first["text"].startswith("Starting")
    assert first["colours"] > 1  # painted: the text on the themed background, not an empty buffer
    # The client, built right after, brings the services stack: the probe sees what it watches for.
    assert found["client"] == "LocalClient"
    assert set(found["after_client"]) >= {"sqlalchemy", "core.db", "core.services", "core.client.local"}
    assert found["hook_restored"] is True


def test_only_cores_modules_bypass_the_qt_import_hook() -> None:
    with pytest.raises(ValueError, match="only core's Qt-free modules"):
        import_core_module("kiosk.sales_app")
