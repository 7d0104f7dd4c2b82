"""The admin app loads of the kiosk exactly the seat map's drawing (the one exception to "Kiosk and admin are
independent"), and with it none of the Qt modules the admin bundle leaves out: checked in a fresh interpreter,
which sees lazy and dynamic imports too (import-linter sees only the static ones, and cannot name PySide6's
submodules)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DRAWING = {
    "kiosk",
    "kiosk.ui",
    "kiosk.ui.seat_map_canvas",
    "kiosk.ui.seat_map_scene",
    "kiosk.ui.seat_map_labels",
    "kiosk.ui.seat_map_look",
    "kiosk.viewmodels",
    "kiosk.viewmodels.seat_map_source",
    "kiosk.viewmodels.words",
    "kiosk.viewmodels.i18n",
}
"""Every kiosk module the admin may load: pyproject.toml's "Seat map drawing is self-contained" sources."""
LEFT_OUT = ("PySide6.QtMultimedia", "PySide6.QtTextToSpeech", "PySide6.QtPdf")
"""Qt modules the admin bundle has none of (tests/stack/test_package.py)."""


def _loaded(module: str) -> set[str]:
    probe = (
        f"import json, sys; import {module}; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('kiosk', 'PySide6')))))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_admin_loads_only_the_seat_map_drawing_of_the_kiosk() -> None:
    loaded = _loaded("admin.app")
    assert {m for m in loaded if m.startswith("kiosk")} == DRAWING
    assert not [m for m in loaded if m.startswith(LEFT_OUT)]


def test_control_the_probe_sees_the_kiosk_seat_map_widget_drag_in_more() -> None:
    # The buyer's whole seat map (taps, speech, its panel's kiosk controls) reaches far beyond the drawing.
    loaded = _loaded("kiosk.ui.seat_map_widget")
    beyond = {m for m in loaded if m.startswith("kiosk")} - DRAWING
    assert {"kiosk.ui.seat_map_widget", "kiosk.ui.widgets", "kiosk.viewmodels.seat_map"} <= beyond
