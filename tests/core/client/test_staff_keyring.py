"""An admin desktop's remembered sign-in and install id live in the OS keyring (here keyring's backend
interface, in memory), one entry per server; forgetting removes the entry."""

from __future__ import annotations

import keyring
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
