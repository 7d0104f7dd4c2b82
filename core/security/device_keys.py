"""An Ed25519 key pair (a device's, or the server's ticket-signing key): the private key lives in the secret store
and never leaves this object."""

from __future__ import annotations

import base64
import binascii
import logging
import re
import threading
from pathlib import Path
from typing import NoReturn

import platformdirs
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from core.domain.checkin import key_fingerprint
from core.domain.errors import ConfigError
from core.security.secret_store import (
    SOURCE,
    create_secret,
    keyring_available,
    resolve_secret,
    secret_absent,
    store_secret,
)

__all__ = ["DeviceKey", "default_ref"]

log = logging.getLogger(__name__)

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_KEY_SIZE = 32
_CREATING = threading.Lock()
"""One load-or-create at a time in this process: a kiosk's first start asks for its key from two tasks at once."""


def default_ref(name: str, *, key_dir: Path | None = None) -> str:
    """Where a device called ``name`` keeps its key: the OS keyring ('keyring:encore/device-<name>'), or, on a
    machine without a keyring backend, a 0600 file in ``key_dir`` (default: the user's data directory)."""
    if not _NAME.fullmatch(name):
        raise ValueError(
            "a device name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    if keyring_available():
        return f"keyring:encore/device-{name}"
    folder = key_dir or Path(platformdirs.user_data_dir("encore")) / "keys"
    return f"file:{folder / f'device-{name}.key'}"


class DeviceKey:
    """A device's key (it proves who the device is), or the venue server's ticket-signing key. repr/str show
    the public fingerprint only; the object cannot be pickled.

    The secret is the raw 32-byte Ed25519 private key, stored base64-encoded (44 characters) under a
    secret-store reference.
    """

    __slots__ = ("_private", "_public")

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private = private_key
        self._public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @classmethod
    def generate(cls) -> DeviceKey:
        """A new key, kept only in memory until it is stored."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def load(cls, ref: str) -> DeviceKey:
        """The key stored under ``ref``; ConfigError (naming the reference, never the value) if it is missing
        or is not a key."""
        value = resolve_secret(ref)
        if value is None:
            raise ConfigError(SOURCE, "(device key)", "no secret reference is configured for the device key")
        return cls(_decode(ref, value))

    @classmethod
    def load_or_create(cls, ref: str) -> DeviceKey:
        """The key stored under ``ref``, or a new one stored there when there is definitely none yet.

        A key that exists but cannot be read (a locked keyring, a damaged file) raises ConfigError and is
        never replaced: a new key would silently cost the device its enrolment. Replacing is rotate()'s job.
        Threads of one process take turns. Of two processes creating a file: key at once, one writes it and the
        other reads that one (the file is created only if absent); a keyring has no such step, so there the
        last of two first runs at once would win.
        """
        with _CREATING:
            try:
                return cls.load(ref)
            except ConfigError:
                if not secret_absent(ref):
                    raise
            key = cls.generate()
            if not create_secret(ref, key._encoded()):
                log.info("another process created the key under %s first; using it", ref)
                return cls.load(ref)
            key._check_stored(ref)
            log.info("created a new key %s under %s", key.fingerprint, ref)
            return key

    @classmethod
    def rotate(cls, ref: str) -> DeviceKey:
        """Store a new key under ``ref`` in place of the old one and return it.

        The caller registers the new public key; the old one stays trusted for the tickets it signed.
        """
        key = cls.generate()
        key._store(ref)
        log.info("rotated the key under %s; the new key is %s", ref, key.fingerprint)
        return key

    @property
    def public_key_bytes(self) -> bytes:
        """The raw 32-byte public key, to register in the database."""
        return self._public

    @property
    def fingerprint(self) -> str:
        """'XXXX-XXXX-XXXX-XXXX', shown on the enrolment screen and compared by the approving manager."""
        return key_fingerprint(self._public)

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature over ``data``."""
        return self._private.sign(bytes(data))

    def _encoded(self) -> str:
        raw = self._private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return base64.b64encode(raw).decode("ascii")

    def _store(self, ref: str) -> None:
        store_secret(ref, self._encoded())
        self._check_stored(ref)

    def _check_stored(self, ref: str) -> None:
        # Read it back: a backend that trims or mangles values must fail now, not at the next start.
        if DeviceKey.load(ref).public_key_bytes != self._public:
            raise ConfigError(
                SOURCE, ref, "the stored device key did not read back the same; the store is unreliable"
            )

    def __repr__(self) -> str:
        return f"DeviceKey(fingerprint={self.fingerprint!r})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a DeviceKey cannot be pickled or copied: its private key stays in the secret store")


def _decode(ref: str, value: str) -> Ed25519PrivateKey:
    # Every problem is described without quoting the value: it is the private key, or part of one.
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != _KEY_SIZE:
        raise ConfigError(
            SOURCE, ref, "does not hold a device key (32 bytes, base64); rotate the key or fix the reference"
        )
    return Ed25519PrivateKey.from_private_bytes(raw)
