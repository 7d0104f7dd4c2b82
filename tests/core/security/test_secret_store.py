"""core.security.secret_store: env:, file: and keyring: references resolve; every failure names the reference
and never the secret."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail, null

from core.domain.errors import ConfigError
from core.security import SecretStore, SystemSecretStore, resolve_secret, store_secret
from core.security.secret_store import SOURCE
from tests.core.security.conftest import LockedKeyring, MemoryKeyring
from tests.support.first_runs import at_once, look_then_wait

SECRET = "s3cr3t-Ünïcode pass:word@/%"
VAR = "ENCORE_TEST_SECRET_STORE_VALUE"


def store_error(ref: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        resolve_secret(ref)
    return checked(info.value, ref)


def checked(error: ConfigError, key: str) -> ConfigError:
    assert error.code == "config_invalid"
    assert (error.file, error.key) == (SOURCE, key)
    assert SECRET not in str(error)
    assert SECRET not in error.problem
    return error


def private_file(tmp_path: Path, body: bytes | str = SECRET + "\n", mode: int = 0o600) -> Path:
    path = tmp_path / "secret"
    path.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
    path.chmod(mode)
    return path


@pytest.fixture
def umask_zero() -> Iterator[None]:
    # The most permissive umask: whatever we create must still come out private.
    old = os.umask(0)
    yield
    os.umask(old)


# --- references in general -----------------------------------------------------------------------


def test_empty_reference_is_no_secret() -> None:
    assert resolve_secret("") is None


def test_any_secret_store_can_stand_in() -> None:
    class Fixed:
        def get(self, ref: str) -> str:
            return f"value of {ref}"

    store: SecretStore = Fixed()
    assert resolve_secret("env:X", store) == "value of env:X"


@pytest.mark.parametrize("ref", [SECRET, "hunter2", "vault:db/password", "ENV:NAME"])
def test_a_non_reference_is_not_echoed(ref: str) -> None:
    # Someone may paste the password itself where the reference belongs.
    with pytest.raises(ConfigError) as info:
        resolve_secret(ref)
    error = info.value
    assert (error.code, error.file, error.key) == ("config_invalid", SOURCE, "(not a secret reference)")
    assert ref not in str(error)
    assert "env:NAME" in error.problem


# --- env: ----------------------------------------------------------------------------------------


def test_env_reference_resolves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, SECRET)
    assert resolve_secret(f"env:{VAR}") == SECRET


def test_env_reference_can_read_a_given_environment() -> None:
    assert SystemSecretStore(env={"DB_PW": SECRET}).get("env:DB_PW") == SECRET


def test_missing_env_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(VAR, raising=False)
    error = store_error(f"env:{VAR}")
    assert f"{VAR} is not set" in error.problem


def test_empty_env_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, "")
    assert "is empty" in store_error(f"env:{VAR}").problem


# --- file: ---------------------------------------------------------------------------------------


def test_file_reference_resolves_without_the_line_break(tmp_path: Path) -> None:
    path = private_file(tmp_path, SECRET + "\r\n")
    assert resolve_secret(f"file:{path}") == SECRET


def test_read_only_file_is_private_enough(tmp_path: Path) -> None:
    path = private_file(tmp_path, mode=0o400)
    assert resolve_secret(f"file:{path}") == SECRET


def test_file_reference_expands_the_home_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    private_file(tmp_path)
    assert resolve_secret("file:~/secret") == SECRET


def test_missing_file(tmp_path: Path) -> None:
    ref = f"file:{tmp_path / 'nope'}"
    assert "does not exist" in store_error(ref).problem


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o610, 0o601])
def test_file_open_to_others_is_refused(tmp_path: Path, mode: int) -> None:
    path = private_file(tmp_path, mode=mode)
    error = store_error(f"file:{path}")
    assert f"chmod 600 {path}" in error.problem
    assert f"{mode:04o}" in error.problem


def test_file_of_another_user_is_refused(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        path = private_file(tmp_path)
        os.chown(path, 4242, -1)
    else:
        path = Path("/etc/passwd")  # root's, and the only way a non-root test can hold someone else's file
        assert path.stat().st_uid != os.geteuid()
    error = store_error(f"file:{path}")
    assert "not to this user" in error.problem


def test_file_that_is_not_text(tmp_path: Path) -> None:
    path = private_file(tmp_path, b"\xff\xfe" + SECRET.encode())
    error = store_error(f"file:{path}")
    assert "not UTF-8" in error.problem
    assert "xff" not in str(error)  # the decoder's own message would quote the bytes


def test_empty_file(tmp_path: Path) -> None:
    path = private_file(tmp_path, "\n")
    assert "is empty" in store_error(f"file:{path}").problem


def test_directory_is_not_a_secret_file(tmp_path: Path) -> None:
    tmp_path.chmod(0o700)
    assert "not a regular file" in store_error(f"file:{tmp_path}").problem


def test_relative_file_reference_is_refused() -> None:
    error = store_error("file:secrets/db")
    assert "absolute path" in error.problem


# --- keyring: ------------------------------------------------------------------------------------


def test_keyring_reference_resolves(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("encore", "db", SECRET)
    assert resolve_secret("keyring:encore/db") == SECRET


def test_keyring_service_may_contain_a_slash(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("encore/venue-1", "redis", SECRET)
    assert resolve_secret("keyring:encore/venue-1/redis") == SECRET


def test_missing_keyring_entry(memory_keyring: MemoryKeyring) -> None:
    error = store_error("keyring:encore/db")
    assert "no entry for service 'encore', user 'db'" in error.problem
    assert "MemoryKeyring" in error.problem


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
@pytest.mark.usefixtures("restore_keyring")
def test_no_usable_keyring_backend(backend: keyring.backend.KeyringBackend) -> None:
    keyring.set_keyring(backend)
    error = store_error("keyring:encore/db")
    assert "no usable keyring backend" in error.problem
    assert "file:" in error.problem


@pytest.mark.usefixtures("restore_keyring")
def test_keyring_that_fails_to_answer() -> None:
    keyring.set_keyring(LockedKeyring())
    error = store_error("keyring:encore/db")
    assert "could not be read: KeyringLocked" in error.problem
    assert "file:" in error.problem


@pytest.mark.parametrize("ref", ["keyring:encore", "keyring:/db", "keyring:encore/"])
def test_keyring_reference_needs_service_and_user(ref: str) -> None:
    assert "service and a user name" in store_error(ref).problem


# --- store_secret --------------------------------------------------------------------------------


@pytest.mark.usefixtures("umask_zero")
def test_store_secret_in_a_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "db-password"
    store_secret(f"file:{path}", SECRET)
    assert resolve_secret(f"file:{path}") == SECRET
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
    # Replacing it is atomic and leaves no temporary file behind.
    store_secret(f"file:{path}", "second")
    assert resolve_secret(f"file:{path}") == "second"
    assert [p.name for p in path.parent.iterdir()] == ["db-password"]


def test_store_secret_leaves_an_existing_directory_alone(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    store_secret(f"file:{tmp_path / 'secret'}", SECRET)
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "secret").stat().st_mode) == 0o600


def test_store_secret_tightens_a_file_that_was_too_open(tmp_path: Path) -> None:
    path = private_file(tmp_path, "old", mode=0o644)
    store_secret(f"file:{path}", SECRET)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert resolve_secret(f"file:{path}") == SECRET


def test_store_secret_where_no_file_can_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    ref = f"file:{blocker / 'secret'}"
    with pytest.raises(ConfigError) as info:
        store_secret(ref, SECRET)
    assert "cannot be written" in checked(info.value, ref).problem


def test_store_secret_in_the_keyring_round_trip(memory_keyring: MemoryKeyring) -> None:
    store_secret("keyring:encore/db", SECRET)
    assert memory_keyring.entries == {("encore", "db"): SECRET}
    assert resolve_secret("keyring:encore/db") == SECRET


@pytest.mark.usefixtures("restore_keyring")
def test_store_secret_without_a_keyring() -> None:
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(ConfigError) as info:
        store_secret("keyring:encore/db", SECRET)
    assert "no usable keyring backend" in checked(info.value, "keyring:encore/db").problem


@pytest.mark.usefixtures("restore_keyring")
def test_store_secret_does_not_repeat_what_the_keyring_says() -> None:
    keyring.set_keyring(LockedKeyring())  # its error message quotes the password it was given
    with pytest.raises(ConfigError) as info:
        store_secret("keyring:encore/db", SECRET)
    assert "refused to store it (KeyringLocked)" in checked(info.value, "keyring:encore/db").problem


@pytest.mark.parametrize(
    ("ref", "value", "words"),
    [
        (f"env:{VAR}", SECRET, "cannot be stored"),
        ("file:/tmp/never-written", "", "empty secret"),
        ("file:/tmp/never-written", SECRET + "\n", "line break"),
    ],
)
def test_store_secret_refuses(ref: str, value: str, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        store_secret(ref, value)
    assert words in checked(info.value, ref).problem
    assert not Path("/tmp/never-written").exists()


def _first_start(barrier: Any, ref: str) -> str:
    """A server process's first start (the PIN key, the token key)."""
    import secrets

    from core.security import secret_store

    look_then_wait(secret_store, barrier)
    return secret_store.load_or_create_secret(ref, lambda: secrets.token_hex(16))


def test_two_processes_creating_one_secret_at_once_both_get_the_stored_one(tmp_path: Path) -> None:
    """Two workers of one server starting on a new machine: one secret, the same in both."""
    ref = f"file:{tmp_path / 'secrets' / 'pin.key'}"
    got = at_once(_first_start, ref)
    assert got == {resolve_secret(ref)}
    assert stat.S_IMODE((tmp_path / "secrets" / "pin.key").stat().st_mode) == 0o600


def test_create_secret_writes_only_where_nothing_is(tmp_path: Path) -> None:
    from core.security.secret_store import create_secret

    ref = f"file:{tmp_path / 'token.key'}"
    assert create_secret(ref, "first")
    assert not create_secret(ref, "second")
    assert resolve_secret(ref) == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["token.key"]  # the loser's temporary file is gone
    with pytest.raises(ConfigError) as empty:
        create_secret(f"file:{tmp_path / 'other.key'}", "")
    assert "empty" in empty.value.message
    assert not (tmp_path / "other.key").exists()
