"""`encore-kiosk --self-test`: what a technician runs on a newly installed kiosk (or CI on a fresh bundle).

It opens Encore the way the kiosk does (the embedded database, or the venue server when ``server_url`` is set),
renders a ticket and draws it for the printer, starts the speech engine and looks for the configured printer,
then prints one line and exits 0 when all of it works (1 when something does not, and the line says what). It
needs no screen: it runs offscreen. Nothing is sold and nothing is printed on paper.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path

from core.client.self_check import Check, guarded, verdict
from core.config import Settings

PRINTER_DPI = 203
"""A thermal ticket printer's resolution: the sample ticket is drawn for one as a print would be."""


async def _database(settings: Settings) -> Check:
    from kiosk.app import open_client

    where = f"server {settings.server_url}" if settings.server_url else "embedded database"
    async with open_client(settings) as client:
        concerts = await client.list_on_sale()
    return Check("database", True, f"{where}, {len(concerts)} concert(s) on sale")


async def _ticket(settings: Settings) -> Check:
    from core.client.sample_ticket import render_sample_ticket
    from kiosk.devices.print_qt import rasterise

    pdf = await asyncio.to_thread(render_sample_ticket)
    if not pdf.startswith(b"%PDF"):
        return Check("ticket", False, "the renderer made no PDF")
    # What a print does first (QtPdf, on a worker thread): a bundle without QtPdf fails here, not at a sale.
    pages = await asyncio.to_thread(rasterise, pdf, PRINTER_DPI)
    return Check(
        "ticket",
        True,
        f"80 mm ticket PDF, {len(pdf) // 1024} KiB, {len(pages)} page(s) drawn at {PRINTER_DPI} dpi",
    )


def _languages(settings: Settings) -> Check:
    """Each language's catalogue loads and Babel writes its dates and money (a bundle without a language's CLDR
    data would fall back to English without a word: tickets and mails in the wrong language)."""
    from PySide6.QtCore import QTranslator

    from core.domain.local_formats import locale_for, money_text
    from core.domain.money import Money
    from kiosk.ui.i18n import LANGUAGES, qm_path

    missing = [f"{lang} catalogue" for lang in LANGUAGES if not QTranslator().load(str(qm_path(lang)))]
    missing += [f"{lang} dates and money" for lang in LANGUAGES if locale_for(lang).language != lang]
    if missing:
        return Check("languages", False, f"missing: {', '.join(missing)}")
    price = Money(4900, "EUR")
    written = " / ".join(money_text(price, lang) for lang in LANGUAGES)
    return Check("languages", True, f"{', '.join(LANGUAGES)} ({written})")


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


async def run_checks(settings: Settings) -> list[Check]:
    async def sync(check: Callable[[Settings], Check]) -> Check:
        return check(settings)

    return [
        await guarded("database", lambda: _database(settings)),
        await guarded("ticket", lambda: _ticket(settings)),
        await guarded("languages", lambda: sync(_languages)),
        await guarded("speech", lambda: sync(_speech)),
        await guarded("printer", lambda: sync(_printer)),
    ]


def self_test(settings: Settings) -> int:
    """Run every check offscreen, print the one-line verdict, return the exit status."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    checks = asyncio.run(run_checks(settings))
    del app
    print(verdict("encore-kiosk", checks), flush=True)
    return 0 if all(c.ok for c in checks) else 1
