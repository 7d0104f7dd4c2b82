"""Secret store: turn env:/file:/keyring: references into secret values, and store secrets; never show one."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote, urlsplit, urlunsplit

from core.config import Settings, parse_secret_ref
from core.domain.errors import ConfigError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

__all__ = [
    "SOURCE",
    "KeyringProbe",
    "SecretStore",
    "SystemSecretStore",
    "create_secret",
    "delete_secret",
    "load_or_create_secret",
    "probe_keyring",
    "resolve_secret",
    "secret_absent",
    "store_secret",
]

SOURCE = "secret store"
"""The ``file`` of every ConfigError raised here; its ``key`` is the reference."""

_FILE_HINT = "use a file: reference instead (a file of mode 0600, as in file:/etc/encore/db-password)"


class SecretStore(Protocol):
    """Resolves one non-empty secret reference to its value, or raises ConfigError(SOURCE, ref, problem)."""

    def get(self, ref: str) -> str: ...


class SystemSecretStore:
    """The real store: env: from the environment, file: from a private file, keyring: from the OS keyring."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = os.environ if env is None else env

    def get(self, ref: str) -> str:
        scheme, target = _parse(ref)
        if scheme == "env":
            return _read_env(self._env, ref, target)
        if scheme == "file":
            return _read_file(ref, Path(target).expanduser())
        service, _, username = target.rpartition("/")
        return _read_keyring(ref, service, username)


def resolve_secret(ref: str, store: SecretStore | None = None) -> str | None:
    """The secret a reference names; None for an empty reference (no secret configured)."""
    if not ref:
        return None
    return (store or SystemSecretStore()).get(ref)


def load_or_create_secret(ref: str, make: Callable[[], str]) -> str:
    """The secret under ``ref``, or ``make()`` stored there when there is definitely none yet (a secret that
    exists but cannot be read is never replaced: ConfigError). Of processes creating a file: secret at once,
    one writes it and the others return that one (create_secret)."""
    try:
        value = resolve_secret(ref)
    except ConfigError:
        if not secret_absent(ref):
            raise
    else:
        if value is not None:
            return value
        raise ConfigError(SOURCE, "(empty reference)", "no secret reference is configured")
    value = make()
    if not create_secret(ref, value):  # another process stored one first (file: only): that one is the secret
        return load_or_create_secret(ref, make)
    if resolve_secret(ref) != value:  # a backend that trims or mangles values must fail now
        raise ConfigError(
            SOURCE, ref, "the stored secret did not read back the same; the store is unreliable"
        )
    return value


def secret_absent(ref: str) -> bool:
    """True only if nothing at all is stored under ``ref`` (so creating a secret there loses nothing)."""
    try:
        scheme, target = parse_secret_ref(ref)
    except ValueError:
        return False
    if scheme == "file":
        return not os.path.lexists(Path(target).expanduser())
    if scheme == "keyring":
        import keyring  # only keyring: references need it (start-up time)

        service, _, username = target.rpartition("/")
        try:
            return not keyring.get_keyring().get_password(service, username)
        except Exception:  # locked, D-Bus gone, no backend: we cannot tell, so the secret may exist
            return False
    return False  # env: references are read-only


def store_secret(ref: str, value: str) -> None:
    """Save ``value`` where a file: or keyring: reference points, so that resolve_secret(ref) returns it."""
    scheme, target = _parse(ref)
    _check_value(ref, value)
    if scheme == "env":
        raise ConfigError(
            SOURCE, ref, "env: references cannot be stored; set the variable in the service's environment"
        )
    if scheme == "file":
        _write_file(ref, Path(target).expanduser(), value)
        return
    service, _, username = target.rpartition("/")
    backend = _usable_backend(ref)
    try:
        backend.set_password(service, username, value)
    except Exception as exc:  # any backend failure; only its type is shown, as its text might echo the value
        raise ConfigError(
            SOURCE,
            ref,
            f"the keyring ({_name(backend)}) refused to store it ({type(exc).__name__}); {_FILE_HINT}",
        ) from None


def create_secret(ref: str, value: str) -> bool:
    """Like store_secret, but only where nothing is stored yet: False (and nothing written) when something is.

    For a file: reference the check and the write are one step (a hard link that fails if the name exists), so of
    two processes creating the same secret at once exactly one wins and the other can read the winner's. A keyring
    has no such step: there it is a look, then a store."""
    scheme, target = _parse(ref)
    if scheme == "file":
        _check_value(ref, value)
        return _create_file(ref, Path(target).expanduser(), value)
    if not secret_absent(ref):
        return False
    store_secret(ref, value)
    return True


def _check_value(ref: str, value: str) -> None:
    if not value:
        raise ConfigError(SOURCE, ref, "an empty secret cannot be stored")
    if value.endswith(("\n", "\r")):
        raise ConfigError(SOURCE, ref, "a secret cannot end with a line break")


def delete_secret(ref: str) -> None:
    """Remove what a keyring: reference holds (nothing there is fine); other schemes are not ours to delete."""
    scheme, target = _parse(ref)
    if scheme != "keyring":
        raise ConfigError(SOURCE, ref, "only keyring: secrets are deleted by Encore")
    service, _, username = target.rpartition("/")
    backend = _usable_backend(ref)
    try:
        if backend.get_password(service, username) is not None:
            backend.delete_password(service, username)
    except Exception as exc:  # only the type: the backend's text might echo the value
        raise ConfigError(
            SOURCE, ref, f"the keyring ({_name(backend)}) refused to delete it ({type(exc).__name__})"
        ) from None


def _parse(ref: str) -> tuple[str, str]:
    try:
        return parse_secret_ref(ref)
    except ValueError as exc:
        # Not a reference at all may mean someone typed the secret itself: name no key that would repeat it.
        scheme = ref.partition(":")[0]
        key = ref if ":" in ref and scheme in {"env", "file", "keyring"} else "(not a secret reference)"
        raise ConfigError(SOURCE, key, str(exc)) from None


def _read_env(env: Mapping[str, str], ref: str, name: str) -> str:
    value = env.get(name)
    if value is None:
        raise ConfigError(SOURCE, ref, f"the environment variable {name} is not set")
    if not value:
        raise ConfigError(SOURCE, ref, f"the environment variable {name} is empty")
    return value


def _read_file(ref: str, path: Path) -> str:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ConfigError(
            SOURCE, ref, "the file does not exist; create it with mode 0600 or fix the path"
        ) from None
    except OSError as exc:
        raise ConfigError(SOURCE, ref, f"the file cannot be opened: {exc.strerror}") from None
    try:
        # Check the file we opened, not the path again: nothing can be swapped in between.
        _check_private(ref, path, os.fstat(fd))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read()
    except OSError as exc:
        raise ConfigError(SOURCE, ref, f"the file cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)
    try:
        value = data.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        # The decoder's own message quotes the offending byte, a piece of the secret.
        raise ConfigError(SOURCE, ref, "the file is not UTF-8 text") from None
    if not value:
        raise ConfigError(SOURCE, ref, "the file is empty")
    return value


def _check_private(ref: str, path: Path, st: os.stat_result) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError(SOURCE, ref, "is not a regular file")
    if os.name != "posix":  # owner and mode bits mean nothing there; the ACL is the OS's business
        return
    uid = os.geteuid()
    if st.st_uid != uid:
        raise ConfigError(
            SOURCE, ref, f"the file belongs to user id {st.st_uid}, not to this user (id {uid}); chown it"
        )
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        raise ConfigError(
            SOURCE,
            ref,
            f"the file is open to other users (mode {mode:04o}); run: chmod 600 {path}",
        )


def _write_file(ref: str, path: Path, value: str) -> None:
    # Readers see the old secret or the new one, never half of one.
    _put_file(ref, path, value, os.replace)


def _create_file(ref: str, path: Path, value: str) -> bool:
    """Write ``path`` whole only if it does not exist: False when it does (another writer was first)."""
    try:
        _put_file(ref, path, value, os.link)  # link, unlike rename, refuses an existing name
    except FileExistsError:
        return False
    return True


def _put_file(ref: str, path: Path, value: str, place: Callable[[str, Path], None]) -> None:
    """Write ``value`` to a private temporary file beside ``path``, synced, then ``place`` it at ``path``."""
    try:
        _make_private_dirs(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise ConfigError(SOURCE, ref, f"the file cannot be written: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)  # mkstemp already does; say it where it matters
            fh.write(value.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        place(tmp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        raise ConfigError(SOURCE, ref, f"the file cannot be written: {exc.strerror}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)  # after a link the secret stays under ``path``; after a rename this finds nothing
    _fsync_dir(path.parent)


def _make_private_dirs(directory: Path) -> None:
    """Create the missing directories on the way to ``directory``, each 0700; existing ones are left alone."""
    missing: list[Path] = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:
            continue  # another process made it at the same moment: theirs, and so already private
        os.chmod(d, 0o700)  # mkdir's mode passes through the umask


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; best effort, as not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _read_keyring(ref: str, service: str, username: str) -> str:
    backend = _usable_backend(ref)
    try:
        value = backend.get_password(service, username)
    except Exception as exc:  # any backend failure (locked, D-Bus gone, ...): nothing secret to leak yet
        raise ConfigError(
            SOURCE, ref, f"the keyring ({_name(backend)}) could not be read: {_describe(exc)}; {_FILE_HINT}"
        ) from None
    if not value:
        raise ConfigError(
            SOURCE,
            ref,
            f"the keyring ({_name(backend)}) has no entry for service {service!r}, user {username!r}; "
            f"store one (keyring set {service} {username}) or {_FILE_HINT}",
        )
    return value


def _usable_backend(ref: str) -> KeyringBackend:
    # Imported here: only keyring: references need it, and it takes a kiosk's start-up tens of ms.
    import keyring
    from keyring.backends import fail, null

    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a broken keyringrc or PYTHON_KEYRING_BACKEND fails here
        raise ConfigError(SOURCE, ref, f"no usable keyring: {_describe(exc)}; {_FILE_HINT}") from None
    if isinstance(backend, fail.Keyring | null.Keyring):
        raise ConfigError(
            SOURCE, ref, f"no usable keyring backend on this machine ({_name(backend)}); {_FILE_HINT}"
        )
    return backend


def keyring_available() -> bool:
    """Whether this machine has a keyring backend that can keep secrets (headless kiosks often have none)."""
    try:
        _usable_backend("keyring:probe/probe")
    except ConfigError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class KeyringProbe:
    """What a self-test says about this machine's keyring."""

    ok: bool
    """A backend answered, or there is plainly none (the app then works without it); False: one is configured
    and fails (a broken keyringrc or PYTHON_KEYRING_BACKEND, a locked or broken store)."""
    detail: str


def probe_keyring(service: str, username: str) -> KeyringProbe:
    """Read one entry (its value is never shown) from the keyring the apps would use. May block on D-Bus or an
    unlock prompt: call it off the event loop."""
    import keyring
    from keyring.backends import fail, null

    try:
        backend = keyring.get_keyring()
    except Exception as exc:
        return KeyringProbe(False, f"no usable keyring: {_describe(exc)}")
    if isinstance(backend, fail.Keyring | null.Keyring):
        why = _why_no_secret_service()
        return KeyringProbe(True, f"none on this machine ({_name(backend)}{why}): nothing can be kept in it")
    try:
        found = backend.get_password(service, username)
    except Exception as exc:  # only what went wrong: nothing secret has been read
        return KeyringProbe(False, f"{_name(backend)} could not be read: {_describe(exc)}")
    return KeyringProbe(True, f"{_name(backend)} answers ({'an' if found else 'no'} entry for {service})")


def _why_no_secret_service() -> str:
    """On Linux the desktop keyring is the D-Bus Secret Service: say why it is not there (no session bus, no
    keyring daemon, or secretstorage missing from a bundle)."""
    if not sys.platform.startswith("linux"):
        return ""
    try:
        from keyring.backends import SecretService

        SecretService.Keyring.priority  # noqa: B018  (raises, saying why, where the backend cannot work)
    except Exception as exc:
        return f"; {exc}"
    return ""


def _name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def redis_url_with_password(settings: Settings) -> str:
    """settings.redis_url with the password from redis_password_ref in it, for opening the connection only:
    never log or keep it."""
    password = resolve_secret(settings.redis_password_ref) if settings.redis_url else None
    if not password:
        return settings.redis_url
    parts = urlsplit(settings.redis_url)
    # config refuses a password in redis_url, so whatever precedes "@" is the user name alone.
    userinfo, _, hostport = parts.netloc.rpartition("@")
    netloc = f"{userinfo}:{quote(password, safe='')}@{hostport}"
    return urlunsplit(parts._replace(netloc=netloc))
