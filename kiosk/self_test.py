"""`encore-kiosk --self-test`: what a technician runs on a newly installed kiosk (or CI on a fresh bundle).

It opens Encore the way the kiosk does (the embedded database, or the venue server when ``server_url`` is set),
renders a ticket, starts the speech engine and looks for the configured printer, then prints one line and exits
0 when all of it works (1 when something does not, and the line says what). It needs no screen: it runs
offscreen. Nothing is sold and nothing is printed on paper.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from core.config import Settings

SELF_TEST_TIMEOUT_S = 20.0


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


async def _database(settings: Settings) -> Check:
    from kiosk.app import open_client

    where = f"server {settings.server_url}" if settings.server_url else "embedded database"
    async with open_client(settings) as client:
        concerts = await client.list_on_sale()
    return Check("database", True, f"{where}, {len(concerts)} concert(s) on sale")


async def _ticket(settings: Settings) -> Check:
    from core.client.sample_ticket import render_sample_ticket

    pdf = await asyncio.to_thread(render_sample_ticket)
    if not pdf.startswith(b"%PDF"):
        return Check("ticket", False, "the renderer made no PDF")
    return Check("ticket", True, f"80 mm ticket PDF, {len(pdf) // 1024} KiB")


def _speech(settings: Settings) -> Check:
    from kiosk.ui.speech import open_engine

    name, _engine = open_engine()
    if not name:
        return Check("speech", False, "no speech engine starts: install speech-dispatcher and espeak-ng")
    if name == "mock":
        return Check(
            "speech", True, "silent (Qt's mock engine: install speech-dispatcher and espeak-ng to speak)"
        )
    return Check("speech", True, f"engine {name}")


def _printer(settings: Settings) -> Check:
    from PySide6.QtPrintSupport import QPrinterInfo

    scheme, _, target = settings.kiosk_printer.partition(":")
    if scheme == "folder":
        folder = Path(target)
        folder.mkdir(parents=True, exist_ok=True)
        writable = os.access(folder, os.W_OK)
        return Check("printer", writable, f"PDF folder {folder}" + ("" if writable else " is not writable"))
    names = QPrinterInfo.availablePrinterNames()
    if scheme == "printer":
        found = target.strip() in names
        detail = f"printer {target.strip()!r}" + (
            "" if found else f" not found (have: {', '.join(names) or 'none'})"
        )
        return Check("printer", found, detail)
    default = QPrinterInfo.defaultPrinterName()
    if default:
        return Check("printer", True, f"default printer {default!r}")
    return Check("printer", False, "no default printer: set one in CUPS, or kiosk_printer = 'printer:<name>'")


async def _guarded(name: str, work: Callable[[], Awaitable[Check]]) -> Check:
    try:
        async with asyncio.timeout(SELF_TEST_TIMEOUT_S):
            return await work()
    except TimeoutError:
        return Check(name, False, f"no answer in {SELF_TEST_TIMEOUT_S:.0f} s")
    except Exception as exc:  # the self-test reports every failure as a line, never as a traceback
        message = getattr(exc, "message", "") or str(exc) or type(exc).__name__
        return Check(name, False, message)


async def run_checks(settings: Settings) -> list[Check]:
    async def sync(check: Callable[[Settings], Check]) -> Check:
        return check(settings)

    return [
        await _guarded("database", lambda: _database(settings)),
        await _guarded("ticket", lambda: _ticket(settings)),
        await _guarded("speech", lambda: sync(_speech)),
        await _guarded("printer", lambda: sync(_printer)),
    ]


def verdict(checks: list[Check]) -> str:
    failed = [c for c in checks if not c.ok]
    head = "OK" if not failed else "FAILED " + ", ".join(c.name for c in failed)
    return f"encore-kiosk self-test: {head} — " + "; ".join(f"{c.name}: {c.detail}" for c in checks)


def self_test(settings: Settings) -> int:
    """Run every check offscreen, print the one-line verdict, return the exit status."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    checks = asyncio.run(run_checks(settings))
    del app
    print(verdict(checks), flush=True)
    return 0 if all(c.ok for c in checks) else 1
