"""Device keys: created once in a 0600 file or the keyring, loaded back, rotated; the secret never shows."""

from __future__ import annotations

import base64
import copy
import logging
import pickle
import re
import stat
from pathlib import Path
from typing import Any

import keyring
import pytest

from core.domain.errors import ConfigError
from core.security.device_keys import DeviceKey, default_ref
from core.tickets import signing
from tests.core.security.conftest import LockedKeyring, MemoryKeyring
from tests.support.first_runs import at_once, look_then_wait


def _secret_of(path: Path) -> str:
    return path.read_text()


def _assert_nothing_secret(secret: str, *texts: str) -> None:
    raw_hex = base64.b64decode(secret).hex()
    for text in texts:
        assert secret not in text
        assert secret[:12] not in text
        assert raw_hex[:16] not in text.lower()


def test_file_key_is_created_0600_loaded_and_rotated(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "keys" / "door-1.key"
    ref = f"file:{path}"

    first = DeviceKey.load_or_create(ref)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    secret = _secret_of(path)
    assert len(base64.b64decode(secret, validate=True)) == 32

    again = DeviceKey.load_or_create(ref)
    assert again.public_key_bytes == first.public_key_bytes
    assert DeviceKey.load(ref).fingerprint == first.fingerprint

    data = b"ticket bytes"
    assert signing.verify(first.public_key_bytes, data, again.sign(data))

    rotated = DeviceKey.rotate(ref)
    assert rotated.public_key_bytes != first.public_key_bytes
    assert DeviceKey.load(ref).public_key_bytes == rotated.public_key_bytes
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    new_secret = _secret_of(path)
    # The old key still verifies what it signed; the new one does not.
    old_signature = first.sign(data)
    assert signing.verify(first.public_key_bytes, data, old_signature)
    assert not signing.verify(rotated.public_key_bytes, data, old_signature)

    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert first.fingerprint in logs
    assert rotated.fingerprint in logs
    for key, s in ((first, secret), (rotated, new_secret)):
        _assert_nothing_secret(s, repr(key), str(key), logs)


def test_public_key_and_fingerprint(tmp_path: Path) -> None:
    key = DeviceKey.load_or_create(f"file:{tmp_path / 'k'}")
    assert len(key.public_key_bytes) == 32
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", key.fingerprint)
    assert key.fingerprint == signing.fingerprint(key.public_key_bytes)
    assert repr(key) == f"DeviceKey(fingerprint={key.fingerprint!r})"


def test_cannot_be_pickled_or_copied() -> None:
    key = DeviceKey.generate()
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(key)
    with pytest.raises(TypeError):
        copy.copy(key)


@pytest.mark.parametrize(
    "content",
    ["not base64 at all!", base64.b64encode(b"short").decode(), base64.b64encode(bytes(33)).decode()],
)
def test_damaged_file_is_refused_and_never_replaced(tmp_path: Path, content: str) -> None:
    path = tmp_path / "k"
    path.write_text(content)
    path.chmod(0o600)
    with pytest.raises(ConfigError) as info:
        DeviceKey.load_or_create(f"file:{path}")
    assert "does not hold a device key" in info.value.message
    assert content not in str(info.value)
    assert content not in repr(info.value)
    assert path.read_text() == content


def test_open_file_is_refused_and_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "k"
    DeviceKey.load_or_create(f"file:{path}")
    before = path.read_text()
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="open to other users"):
        DeviceKey.load_or_create(f"file:{path}")
    assert path.read_text() == before


def test_keyring_key(memory_keyring: MemoryKeyring) -> None:
    ref = default_ref("door-1")
    assert ref == "keyring:encore/device-door-1"
    key = DeviceKey.load_or_create(ref)
    secret = memory_keyring.entries[("encore", "device-door-1")]
    assert DeviceKey.load_or_create(ref).public_key_bytes == key.public_key_bytes
    rotated = DeviceKey.rotate(ref)
    assert memory_keyring.entries[("encore", "device-door-1")] != secret
    assert DeviceKey.load(ref).public_key_bytes == rotated.public_key_bytes != key.public_key_bytes


def test_without_a_keyring_the_key_goes_to_a_0600_file(restore_keyring: None, tmp_path: Path) -> None:
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    ref = default_ref("kiosk-7", key_dir=tmp_path / "keys")
    assert ref == f"file:{tmp_path / 'keys' / 'device-kiosk-7.key'}"
    key = DeviceKey.load_or_create(ref)
    stored = tmp_path / "keys" / "device-kiosk-7.key"
    assert stored.stat().st_mode & 0o777 == 0o600
    assert DeviceKey.load(ref).public_key_bytes == key.public_key_bytes


def test_locked_keyring_is_an_error_not_a_new_key(restore_keyring: None) -> None:
    backend = LockedKeyring()
    backend.entries[("encore", "device-door-1")] = "x"
    keyring.set_keyring(backend)
    with pytest.raises(ConfigError, match="could not be read"):
        DeviceKey.load_or_create(default_ref("door-1"))
    assert backend.entries == {("encore", "device-door-1"): "x"}


def test_env_reference_is_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENCORE_TEST_DEVICE_KEY", raising=False)
    with pytest.raises(ConfigError, match="not set"):
        DeviceKey.load_or_create("env:ENCORE_TEST_DEVICE_KEY")
    with pytest.raises(ConfigError, match="cannot be stored"):
        DeviceKey.rotate("env:ENCORE_TEST_DEVICE_KEY")


@pytest.mark.parametrize("name", ["", "a/b", "-x", "x" * 65, "door 1", "dör"])
def test_default_ref_refuses_odd_names(name: str) -> None:
    with pytest.raises(ValueError, match="device name"):
        default_ref(name)


# --- two processes' first runs at once ---------------------------------------------------------------


def _first_run(barrier: Any, ref: str, overwrite: bool) -> tuple[str, str]:
    """A process's first start. ``overwrite``: the store that replaces what is there (the control)."""
    from core.security import device_keys, secret_store

    look_then_wait(device_keys, barrier)
    if overwrite:
        device_keys.create_secret = lambda r, v: secret_store.store_secret(r, v) is None  # type: ignore[assignment]
    try:
        return ("key", device_keys.DeviceKey.load_or_create(ref).fingerprint)
    except ConfigError as exc:
        return ("error", exc.message)


def test_two_processes_starting_at_once_end_with_one_key(tmp_path: Path) -> None:
    ref = f"file:{tmp_path / 'keys' / 'kiosk-1.key'}"
    outcomes = at_once(_first_run, ref, False)
    assert outcomes == {("key", DeviceKey.load(ref).fingerprint)}  # both use the key on disk
    assert [p.name for p in (tmp_path / "keys").iterdir()] == ["kiosk-1.key"]  # no temporary file left


def test_control_two_processes_that_overwrite_do_not_end_with_one_key(tmp_path: Path) -> None:
    """Without the create-only write, one process loses: it signs with a key that is no longer stored, or (when
    the other's write lands before its read-back) it stops with "did not read back the same"."""
    ref = f"file:{tmp_path / 'kiosk-1.key'}"
    outcomes = at_once(_first_run, ref, True)
    assert outcomes != {("key", DeviceKey.load(ref).fingerprint)}
