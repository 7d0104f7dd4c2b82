"""Where a device keeps the server certificate it pinned on first use: beside its key, wherever that is."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.client.tls_pin import pin_file_for


def test_the_pin_is_beside_a_key_file(tmp_path: Path) -> None:
    key = tmp_path / "keys" / "device-kiosk.key"
    assert pin_file_for(f"file:{key}") == key.with_name("device-kiosk.key.server-cert.sha256")


def test_a_key_in_the_home_directory_keeps_its_pin_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The secret store expands "~" in file: references; the pin must land beside the same file, not in a
    folder called "~" under whatever directory the kiosk was started from."""
    monkeypatch.setenv("HOME", str(tmp_path))
    pin = pin_file_for("file:~/.local/share/encore/keys/device-kiosk.key")
    assert pin == tmp_path / ".local/share/encore/keys/device-kiosk.key.server-cert.sha256"
