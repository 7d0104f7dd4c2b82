"""encore-admin's entry and composition root: the client follows the settings (the venue server, or core in this
process on the demo database); a bad setting stops with its message before any window."""

from __future__ import annotations

import pytest

from admin.__main__ import main
from admin.app import open_client, where_text
from core.client.staff_keyring import Desk
from core.client.staff_local import LocalStaffClient
from core.client.staff_remote import RemoteStaffClient
from core.config import Settings

DESK = Desk("", "Encore admin on test")


async def test_a_server_url_means_the_venue_server_else_the_demo_database_here() -> None:
    remote = open_client(Settings(server_url="https://encore.venue.example:8443"), DESK)
    assert isinstance(remote, RemoteStaffClient)
    await remote.aclose()
    assert isinstance(
        open_client(Settings(database_url="sqlite+aiosqlite:////tmp/x/demo.sqlite3"), DESK), LocalStaffClient
    )
    assert where_text(Settings(server_url="https://encore.venue.example:8443")) == (
        "Venue server https://encore.venue.example:8443"
    )
    assert where_text(Settings(database_url="sqlite+aiosqlite:////tmp/x/demo.sqlite3")) == (
        "Demo database on this computer (demo.sqlite3)"
    )


def test_a_bad_server_url_stops_before_any_window(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    config = tmp_path / "encore.toml"
    config.write_text("")
    assert main(["--config", str(config), "--server", "ftp://encore.example"]) == 2
    assert capsys.readouterr().err.startswith("encore-admin: ")


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 800)])
def test_the_window_fills_the_screen_it_opens_on(qtbot, size: tuple[int, int]) -> None:
    """It opened at a fixed 1280x800 in a corner of a bare X server's 1920x1080 (concert titles cut to
    'Midnig…', 'Cancel concert…' crowding 'Edit')."""
    from PySide6.QtWidgets import QWidget

    from admin.app import show_window
    from tests.support.screens import screen_of

    window = QWidget()
    qtbot.addWidget(window)
    window.setScreen(screen_of(size))
    show_window(window)
    # The frame's outside is the screen (offscreen Qt draws a 2 px frame where a window manager would).
    qtbot.waitUntil(lambda: window.frameGeometry() == screen_of(size).availableGeometry(), timeout=5_000)
    assert window.frameGeometry().size().toTuple() == size


def test_closing_the_window_closes_what_the_app_opened_and_exits_0(sqlite_url: str, tmp_path) -> None:
    """Closing the window quit Qt's loop under the app's coroutine (quit on last window closed), so the database
    and the live-update publisher were closed with no loop running: 'RuntimeError: no running event loop'."""
    import os
    import subprocess
    import sys

    config = tmp_path / "encore.toml"
    config.write_text(f'database_url = "{sqlite_url}"\n')
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.admin.close_window", "--config", str(config)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
