"""`encore-admin --self-test`: what a technician runs on a manager's newly installed desktop (or CI on a fresh
bundle).

It opens Encore the way the app does (the embedded database, or the venue server when ``server_url`` is set),
builds the main window and paints it offscreen (no sign-in is asked for and no window shows), draws a chart,
renders a sales report PDF with the bundled fonts and asks the keyring for this desktop's entry, then prints one
line and exits 0 when all of it works (1 when something does not, and the line says what).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime

from core.client.self_check import Check, guarded, off_loop, seconds_since_exec, verdict
from core.client.staff_keyring import Desk
from core.config import Settings

WINDOW_SIZE = (1366, 768)
"""The smallest desktop screen the admin is laid out for (tests/admin/screenshots.py)."""


async def _database(settings: Settings) -> Check:
    from admin.app import open_client

    async with open_client(settings, Desk("", "")) as client:  # type: ignore[attr-defined]
        accounts = await client.ready()
    if settings.server_url:
        return Check("database", True, f"server {settings.server_url} ready")
    if not accounts:
        return Check(
            "database", False, "embedded database, but no active staff account: nobody can sign in to it"
        )
    return Check("database", True, f"embedded database, {accounts} active staff account(s)")


def _window(settings: Settings) -> Check:
    """The window the app opens first (the sign-in screen inside it), painted as a screen would show it."""
    from admin.app import open_client, where_text
    from admin.ui.window import AdminWindow
    from admin.viewmodels.sign_in import SignInViewModel

    vm = SignInViewModel(open_client(settings, Desk("", "")))  # never opened: nobody signs in here
    window = AdminWindow(vm, where_text(settings))
    window.resize(*WINDOW_SIZE)
    picture = window.grab()
    painted_at = seconds_since_exec()
    window.deleteLater()
    if picture.isNull():
        return Check("window", False, "the main window did not paint")
    when = "" if painted_at is None else f", {painted_at:.2f} s after start"
    return Check("window", True, f"painted {picture.width()}x{picture.height()} offscreen{when}")


def _charts(settings: Settings) -> Check:
    from admin.ui.charts import SalesChart

    chart = SalesChart()
    chart.resize(640, 320)
    chart.set_series(None, datetime.now(UTC))
    picture = chart.grab()
    chart.deleteLater()
    if picture.isNull():
        return Check("charts", False, "QtCharts loaded but did not paint")
    return Check("charts", True, "QtCharts paints")


async def _report(settings: Settings) -> Check:
    import resources
    from core.client.sample_report import render_sample_report

    pdf, font = await asyncio.to_thread(render_sample_report)
    if not pdf.startswith(b"%PDF"):
        return Check("report", False, "the renderer made no PDF")
    if font is None or not font.is_relative_to(resources.ROOT):
        used = "reportlab's Helvetica" if font is None else str(font)
        return Check("report", False, f"the report's fonts are not Encore's own (set in {used})")
    return Check("report", True, f"sales report PDF, {len(pdf) // 1024} KiB, set in {font.name}")


async def _keyring(settings: Settings) -> Check:
    from core.client.staff_keyring import keyring_check

    probe = await off_loop(keyring_check)  # a keyring may wait on D-Bus or an unlock prompt
    return Check("keyring", probe.ok, probe.detail)


async def run_checks(settings: Settings) -> list[Check]:
    async def sync(check: Callable[[Settings], Check]) -> Check:
        return check(settings)

    # In the app's own order: the client opens before the window shows, so "painted ... after start" is
    # close to what a manager waits for.
    return [
        await guarded("database", lambda: _database(settings)),
        await guarded("window", lambda: sync(_window)),
        await guarded("charts", lambda: sync(_charts)),
        await guarded("report", lambda: _report(settings)),
        await guarded("keyring", lambda: _keyring(settings)),
    ]


def self_test(settings: Settings) -> int:
    """Run every check offscreen, print the one-line verdict, return the exit status."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from admin.ui.theme import apply_theme

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Encore Admin")
    apply_theme(app)
    checks = asyncio.run(run_checks(settings))
    del app
    print(verdict("encore-admin", checks), flush=True)
    return 0 if all(c.ok for c in checks) else 1
