"""What an admin desktop keeps in the OS keyring, never in a file: its "remember me" token per server, and the
install id that tells the server which desktop signs in (for the new-device notice)."""

from __future__ import annotations

import getpass
import logging
import platform
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from core.config import Settings
from core.domain.errors import ConfigError
from core.security.secret_store import (
    KeyringProbe,
    delete_secret,
    keyring_available,
    probe_keyring,
    resolve_secret,
    store_secret,
)

__all__ = ["Desk", "KeyringProbe", "RememberedSignIn", "keyring_check", "this_desk"]

log = logging.getLogger(__name__)

SERVICE = "encore-admin"


@dataclass(frozen=True, slots=True)
class Desk:
    """This desktop as the server sees it at sign-in."""

    install_id: str
    """Random, kept in the keyring; empty: not known (the server then sends no new-device notice)."""
    name: str


def _ref(username: str) -> str:
    return f"keyring:{SERVICE}/{username}"


def this_desk() -> Desk:
    """This desktop: its install id from the keyring (made on first use), and its name in words."""
    name = (
        f"Encore admin on {platform.node() or 'an unnamed computer'} ({platform.system() or 'unknown OS'}, "
        f"user {getpass.getuser()})"
    )
    if not keyring_available():
        return Desk("", name)
    ref = _ref("install-id")
    try:
        return Desk(resolve_secret(ref) or "", name)
    except ConfigError:
        pass
    install_id = secrets.token_urlsafe(18)
    try:
        store_secret(ref, install_id)
    except ConfigError as error:
        log.warning("the install id could not be kept in the keyring: %s", error.message)
        return Desk("", name)
    return Desk(install_id, name)


def keyring_check() -> KeyringProbe:
    """The keyring this desktop's install id and remembered sign-ins live in, as ``--self-test`` reports it (it
    reads the install id's entry; blocks like any keyring call)."""
    return probe_keyring(SERVICE, "install-id")


class RememberedSignIn:
    """The "remember me" token for one server (or the embedded database), in the OS keyring."""

    def __init__(self, settings: Settings) -> None:
        where = settings.server_url or f"embedded:{settings.resolved_database_url()}"
        self._ref = _ref(f"remember:{quote(where, safe='')}")

    def load(self) -> str | None:
        if not keyring_available():
            return None
        try:
            return resolve_secret(self._ref)
        except ConfigError:
            return None  # nothing remembered (or the keyring is locked): sign in by hand

    def save(self, token: str) -> bool:
        """False (logged) when the keyring refuses: the sign-in works, it is just not remembered."""
        try:
            store_secret(self._ref, token)
        except ConfigError as error:
            log.warning("the sign-in could not be remembered: %s", error.message)
            return False
        return True

    def forget(self) -> None:
        if not keyring_available():
            return
        try:
            delete_secret(self._ref)
        except ConfigError as error:
            log.warning("the remembered sign-in could not be removed from the keyring: %s", error.message)
