"""An admin desktop's remembered sign-in and install id live in the OS keyring (here keyring's backend
interface, in memory), one entry per server; forgetting removes the entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from keyring.errors import KeyringLocked

from core.client.staff_keyring import SERVICE, KeyringProbe, RememberedSignIn, keyring_check, this_desk
from core.config import Settings
from tests.support.memory_keyring import MemoryKeyring, memory_keyring

_NAME = "tests.support.memory_keyring.MemoryKeyring"


def test_the_token_is_kept_per_server_and_forgotten() -> None:
    with memory_keyring() as backend:
        venue, other = (
            RememberedSignIn(Settings(server_url="https://encore.venue.example")),
            RememberedSignIn(Settings(server_url="https://other.example")),
        )
        assert venue.load() is None
        assert venue.save("token-one")
        assert (venue.load(), other.load()) == ("token-one", None)
        assert list(backend.entries.values()) == ["token-one"]
        assert {service for service, _ in backend.entries} == {SERVICE}
        venue.forget()
        venue.forget()  # nothing there: fine
        assert venue.load() is None
        assert backend.entries == {}


def test_the_install_id_is_made_once_and_kept() -> None:
    with memory_keyring() as backend:
        first, second = this_desk(), this_desk()
        assert first.install_id
        assert second.install_id == first.install_id
        assert first.name.startswith("Encore admin on ")
        assert list(backend.entries.values()) == [first.install_id]


class _LockedKeyring(MemoryKeyring):
    priority = 0  # type: ignore[assignment]  # keyring registers every subclass: keep this one out of its chainer

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")


def test_the_self_test_says_whether_the_keyring_answers() -> None:
    with memory_keyring() as backend:
        assert keyring_check() == KeyringProbe(True, f"{_NAME} answers (no entry for encore-admin)")
        this_desk()
        assert keyring_check().detail == f"{_NAME} answers (an entry for encore-admin)"
        assert backend.entries
    locked = _LockedKeyring()
    before = keyring.get_keyring()
    keyring.set_keyring(locked)
    try:
        probe = keyring_check()
    finally:
        keyring.set_keyring(before)
    assert not probe.ok
    assert probe.detail.endswith(
        "_LockedKeyring could not be read: KeyringLocked: Failed to unlock the collection!"
    )


def _files_holding(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_the_token_is_never_written_to_a_file_with_or_without_a_keyring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expect_log: Any
) -> None:
    """Without a keyring, "remember me" does not remember (the sign-in still works); with one, only the keyring
    holds the token. Home, config, data and cache folders are this test's, so any file written would be here."""
    for variable in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(variable, str(tmp_path / variable.lower()))
    remembered = RememberedSignIn(Settings(server_url="https://encore.venue.example"))
    before = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        with expect_log("core.client.staff_keyring", "the sign-in could not be remembered"):
            assert remembered.save("token-without-a-keyring") is False
        assert remembered.load() is None
    finally:
        keyring.set_keyring(before)
    with memory_keyring() as backend:
        assert remembered.save("token-in-the-keyring")
        assert list(backend.entries.values()) == ["token-in-the-keyring"]
    assert _files_holding(tmp_path, "token-without-a-keyring") == []
    assert _files_holding(tmp_path, "token-in-the-keyring") == []
