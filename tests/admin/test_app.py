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
