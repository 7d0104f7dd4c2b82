"""Render the admin app's screens offscreen to resources/screenshots/admin-<screen>-<WxH>.png, at 1920x1080 and
1366x768 (a common office laptop), each window at that real geometry.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.admin.screenshots [--out DIR]

Every state is reached for real: the in-process staff client over a fresh migrated SQLite file with demo-like
staff, wrong passwords until the lock-out, a Google sign-in left waiting for its browser, and each role's window.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from admin.ui.theme import apply_theme
from admin.ui.window import AdminWindow
from admin.viewmodels.navigation import ScreenKey
from admin.viewmodels.sign_in import SignInViewModel
from core.client.staff_local import LocalStaffClient
from core.domain.clock import SystemClock
from core.domain.staff import Role
from core.services.staff import PASSWORD_LOCKOUT
from tests.support import sqlite
from tests.support.context import open_context
from tests.support.screens import OFFSCREEN, fill_screen
from tests.support.staff_api import PASSWORD, make_staff

ROOT = Path(__file__).resolve().parents[2]
SIZES = ((1920, 1080), (1366, 768))
WHERE = "Venue server https://encore.venue.example:8443"


class WaitingForBrowser:
    """A Google sign-in whose browser never comes back: the screen waits until the view-model is closed."""

    async def id_token(self) -> str:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def _settle(app: Any, until: Any = None) -> None:
    """Let Qt lay out and paint (the qasync loop runs Qt's events while this task sleeps; calling
    processEvents inside a task would run other tasks inside it)."""
    for _ in range(200):
        await asyncio.sleep(0.02)
        if until is None or until():
            break
    await asyncio.sleep(0.1)


async def render(out: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    saved: list[Path] = []

    def shoot(window: AdminWindow, name: str, size: tuple[int, int]) -> None:
        path = out / f"admin-{name}-{size[0]}x{size[1]}.png"
        window.grab().save(str(path))
        saved.append(path)

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "admin.sqlite3"
        await sqlite.create_template(db)
        async with open_context(sqlite.url_for(db), SystemClock()) as ctx:
            members = {role: await make_staff(ctx, role, number=n) for n, role in enumerate(Role, start=1)}
            for size in SIZES:
                google = WaitingForBrowser()
                vm = SignInViewModel(LocalStaffClient.over(ctx), google=google)
                window = AdminWindow(vm, WHERE)
                fill_screen(window, size)
                window.show()
                await _settle(app)
                shoot(window, "sign-in", size)

                vm.request_google()
                await _settle(app, lambda vm=vm: vm.state.busy)
                shoot(window, "sign-in-google", size)
                await vm.aclose()

                form = window.sign_in
                form.email.setText(members[Role.MANAGER].email)
                for attempt in range(PASSWORD_LOCKOUT.max_failures):
                    await vm.sign_in(form.email.text(), f"wrong {size} {attempt}")
                await _settle(app)
                shoot(window, "sign-in-locked", size)

                for role in (Role.ADMIN, Role.BOX_OFFICE, Role.DOOR):
                    await vm.sign_in(members[role].email, PASSWORD)
                    await _settle(app, lambda w=window: w.shell is not None)
                    shoot(window, f"{role.value.replace('_', '-')}", size)
                    if role is Role.ADMIN:
                        await _shoot_screens(app, window, size, shoot)
                    await vm.sign_out()
                    await _settle(app, lambda w=window: w.shell is None)
                window.close()
                window.deleteLater()
                await _settle(app)
    return saved


async def _shoot_screens(app: Any, window: AdminWindow, size: tuple[int, int], shoot: Any) -> None:
    """The admin's built screens, each once its data has come."""
    assert window.shell is not None
    page = window.shell.show_screen(ScreenKey.STAFF)
    await _settle(app, lambda: page._loaded and not page.vm.busy)
    shoot(window, "staff", size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    args = parser.parse_args(argv)
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
        os.environ["QT_QPA_PLATFORM"] = OFFSCREEN  # real screens: windows at their real geometry
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in qasync.run(render(args.out)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
