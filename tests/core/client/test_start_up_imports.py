"""A sales kiosk's start-up loads no more than its first screen needs: the PDF, QR drawing, keyring, SMTP and
door modules load on first use (tests/benchmarks/kiosk_app.py measures what that saves)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
NOT_AT_START = (
    "reportlab",
    "qrcode",
    "PIL",
    "keyring",
    "aiosmtplib",
    "core.tickets.pdf",
    "core.mail.smtp",
    "core.client.door_station",
    "core.db.door_local",
)
_PROBE = """
import json, sys
watched = json.loads(sys.argv[1])
loaded = lambda: sorted(m for m in watched if m in sys.modules)
import core.client.local, core.client.remote
at_start = loaded()
from core.client import DoorStation
from core.mail import SmtpMailer
from core.tickets.qr import qr_version
version = qr_version("ENCORE")
print(json.dumps({"at_start": at_start, "after_use": loaded(), "door": DoorStation.__module__,
                  "smtp": SmtpMailer.__module__, "qr": version}))
"""


def _probe() -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(NOT_AT_START)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_clients_load_without_pdf_qr_keyring_smtp_or_door_modules() -> None:
    found = _probe()
    assert found["at_start"] == []
    # Each still loads when it is used, under the names the apps and tests import.
    assert found["door"] == "core.client.door_station"
    assert found["smtp"] == "core.mail.smtp"
    assert found["qr"] == 1
    assert set(found["after_use"]) >= {
        "core.client.door_station",
        "core.db.door_local",
        "aiosmtplib",
        "qrcode",
    }
