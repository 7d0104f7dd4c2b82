"""The venue server's own secrets: its ticket-signing key, the gate master secret and the staff PIN key, from the
secret store.

A venue server names each in its settings (``ticket_signing_key_ref``, ``gate_key_ref``, ``pin_key_ref``). In
embedded mode (one
laptop on SQLite, ``make run``) an unset reference means a 0600 file in a ``keys`` folder beside the database
file, created on first use, as device keys are on a machine without a keyring. A database in memory gets keys
that live as long as the process (and the database) does.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
from pathlib import Path

from sqlalchemy.engine import make_url

from core.config import Settings
from core.domain.errors import ConfigError
from core.security.device_keys import DeviceKey
from core.security.pin_keys import PIN_KEY_BYTES, PinKey
from core.security.secret_store import SOURCE, load_or_create_secret, resolve_secret, secret_absent

__all__ = [
    "GATE_MASTER_BYTES",
    "gate_master_ref",
    "load_gate_master",
    "load_pin_key",
    "load_ticket_signing_key",
    "pin_key_ref",
    "read_pin_key",
    "read_ticket_signing_key",
    "ticket_signing_key_ref",
]

GATE_MASTER_BYTES = 32
_MEMORY = ""  # the reference of a secret that lives in this process only
_CREATING = threading.Lock()
"""One load-or-create at a time in this process: two first uses at once would both create a secret, and the
second one's read-back check would fail."""


def _beside_database(settings: Settings, name: str) -> str | None:
    """'file:<db folder>/keys/<db name>-<name>.key' in embedded mode, _MEMORY for an in-memory database,
    None on a server database (its secrets must be configured)."""
    if not settings.is_embedded:
        return None
    database = make_url(settings.resolved_database_url()).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return _MEMORY
    path = Path(database).expanduser().resolve()
    return f"file:{path.parent / 'keys' / f'{path.stem}-{name}.key'}"


def ticket_signing_key_ref(settings: Settings) -> str | None:
    """Where the ticket-signing key is kept ('' for in memory), or None when it must be configured."""
    return settings.ticket_signing_key_ref or _beside_database(settings, "ticket-signing")


def gate_master_ref(settings: Settings) -> str | None:
    """Where the gate master secret is kept ('' for in memory), or None when it must be configured."""
    return settings.gate_key_ref or _beside_database(settings, "gate-master")


def pin_key_ref(settings: Settings) -> str | None:
    """Where the staff PIN key is kept ('' for in memory), or None when it must be configured."""
    return settings.pin_key_ref or _beside_database(settings, "pin")


def load_ticket_signing_key(ref: str) -> DeviceKey:
    """The key under ``ref``, created there if nothing is stored yet (first start); blocking, run it in a
    thread. '' (an in-memory database) gives a key that lives as long as this process."""
    if ref == _MEMORY:
        return DeviceKey.generate()
    return DeviceKey.load_or_create(ref)


def load_gate_master(ref: str) -> bytes:
    """The gate master secret (32 random bytes, stored base64) under ``ref``, created if nothing is stored yet."""
    return _random_secret(ref, GATE_MASTER_BYTES, "a gate master secret")


def load_pin_key(ref: str) -> PinKey:
    """The staff PIN key (32 random bytes, stored base64) under ``ref``, created if nothing is stored yet;
    blocking, run it in a thread. '' (an in-memory database) gives a key that lives as long as this process."""
    return PinKey(_random_secret(ref, PIN_KEY_BYTES, "a PIN key"))


def read_pin_key(ref: str) -> PinKey | None:
    """The staff PIN key under ``ref``, or None when nothing is stored there; never creates one (a restore
    checks what is there). ConfigError for something stored that is not a PIN key."""
    if secret_absent(ref):
        return None
    return PinKey(_decoded(ref, resolve_secret(ref) or "", PIN_KEY_BYTES, "a PIN key"))


def read_ticket_signing_key(ref: str) -> DeviceKey | None:
    """The ticket-signing key under ``ref``, or None when nothing is stored there; never creates one."""
    return None if secret_absent(ref) else DeviceKey.load(ref)


def _random_secret(ref: str, size: int, what: str) -> bytes:
    if ref == _MEMORY:
        return secrets.token_bytes(size)
    with _CREATING:
        value = load_or_create_secret(
            ref, lambda: base64.b64encode(secrets.token_bytes(size)).decode("ascii")
        )
    return _decoded(ref, value, size, what)


def _decoded(ref: str, value: str, size: int, what: str) -> bytes:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) < size:  # never quote the value: it is the secret
        raise ConfigError(SOURCE, ref, f"does not hold {what} (at least {size} bytes, base64)")
    return raw
