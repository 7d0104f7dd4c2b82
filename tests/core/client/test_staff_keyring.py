"""An admin desktop's remembered sign-in and install id live in the OS keyring (here keyring's backend
interface, in memory), one entry per server; forgetting removes the entry."""

from __future__ import annotations

from core.client.staff_keyring import SERVICE, RememberedSignIn, this_desk
from core.config import Settings
from tests.support.memory_keyring import memory_keyring


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
