"""The keys an embedded (SQLite) database keeps in the keys folder beside it, for backup and restore: which of
them a backup was taken with, and whether the ones beside a restore target agree with the backed-up database.

The keys never go into a backup. A backup file gets copied around (off-site, a USB stick, a colleague's
laptop), and secrets inside it would travel with it without anyone saying so; the user copies the keys
folder on purpose. Without them a restored database refuses every staff PIN (core.services.pin_key), signs its
next tickets with a new key, and its turnstiles need their keys again: so a restore checks before it writes.
"""

from __future__ import annotations

import asyncio
import hmac
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from core.config import Settings, parse_secret_ref
from core.db import backup as db_backup
from core.db import signing_keys as db_signing_keys
from core.db import site
from core.db.engine import create_engine
from core.domain.errors import BackupError, ErrorCode
from core.security.secret_store import secret_absent
from core.security.server_secrets import (
    gate_master_ref,
    pin_key_ref,
    read_pin_key,
    read_ticket_signing_key,
    ticket_signing_key_ref,
)

__all__ = [
    "KEYS",
    "BackedUpKeys",
    "KeyProblem",
    "KeySpot",
    "check_keys",
    "key_spots",
    "present_keys",
    "refusal",
]


@dataclass(frozen=True, slots=True)
class KeySpot:
    """Where this configuration keeps one of its keys."""

    name: str
    """pin, ticket-signing or gate-master (the manifest's name for it)."""
    what: str
    without: str
    """What goes wrong without it, as the end of a sentence."""
    ref: str
    """Its secret-store reference: file:<db folder>/keys/<db name>-<name>.key unless configured otherwise."""

    @property
    def place(self) -> str:
        """The file's path for a file: reference, else the reference itself (a keyring entry, a variable)."""
        try:
            scheme, target = parse_secret_ref(self.ref)
        except ValueError:
            return self.ref
        return str(Path(target).expanduser()) if scheme == "file" else self.ref


KEYS: tuple[tuple[str, str, str, Callable[[Settings], str | None]], ...] = (
    ("pin", "the staff PIN key", "every staff PIN is refused", pin_key_ref),
    (
        "ticket-signing",
        "the ticket-signing key",
        "new tickets are signed with a new key (the old tickets stay valid)",
        ticket_signing_key_ref,
    ),
    (
        "gate-master",
        "the gate master secret",
        "every turnstile needs its key again (encore-ops gate-key)",
        gate_master_ref,
    ),
)


def key_spots(settings: Settings) -> list[KeySpot]:
    """Where an embedded database on a file keeps its keys; [] on a server database or one in memory (their
    keys are configured, and a PostgreSQL backup carries no promise about them)."""
    spots = []
    for name, what, without, ref_of in KEYS:
        ref = ref_of(settings) if settings.is_embedded else None
        if ref:  # '' is a database in memory: its keys die with it
            spots.append(KeySpot(name, what, without, ref))
    return spots


def present_keys(settings: Settings) -> dict[str, str]:
    """The keys this embedded database has now, by name, with where they are (for a backup's manifest)."""
    return {s.name: s.place for s in key_spots(settings) if not secret_absent(s.ref)}


@dataclass(frozen=True, slots=True)
class BackedUpKeys:
    """What a backed-up database says about its keys (public: a check value and public keys)."""

    pin_check: str | None
    signing_keys: tuple[db_signing_keys.ServerKey, ...]


@dataclass(frozen=True, slots=True)
class KeyProblem:
    spot: KeySpot
    source: str
    """Where the backup's key was when it was taken ('' when the manifest does not say)."""
    missing: bool
    """True: nothing is there; False: another key is."""


async def check_keys(settings: Settings, dump: Path, recorded: Mapping[str, str]) -> list[KeyProblem]:
    """The keys the restored ``dump`` would need beside the target and do not find there or find other ones:
    those the backup was taken with (``recorded``, from its manifest), and any its database shows it used (a
    PIN check value, ticket-signing keys). Reads keys and the dump only; never creates a key."""
    spots = key_spots(settings)
    if not spots:
        return []
    found = await _backed_up(dump)
    problems = []
    for spot in spots:
        verdict = await asyncio.to_thread(_agrees, spot, found)
        used = spot.name in recorded or (
            (spot.name == "pin" and found.pin_check is not None)
            or (spot.name == "ticket-signing" and bool(found.signing_keys))
        )
        if verdict is False or (verdict is None and used):
            problems.append(KeyProblem(spot, recorded.get(spot.name, ""), missing=verdict is None))
    return problems


def _agrees(spot: KeySpot, found: BackedUpKeys) -> bool | None:
    """None: no key there; else whether the one there is the backed-up database's (blocking: a file read)."""
    if secret_absent(spot.ref):
        return None
    if spot.name == "pin":
        pin = read_pin_key(spot.ref)
        if pin is None:
            return None
        return found.pin_check is None or hmac.compare_digest(pin.check_value(), found.pin_check)
    if spot.name == "ticket-signing":
        signer = read_ticket_signing_key(spot.ref)
        if signer is None:
            return None
        current = [k.public_key for k in found.signing_keys if k.current]
        return not current or signer.public_key_bytes in current
    return True  # the gate master leaves no trace in the database to compare with


async def _backed_up(dump: Path) -> BackedUpKeys:
    """Read from a scratch copy: the backup file itself stays as it was (SQLite may write beside what it opens)."""
    with tempfile.TemporaryDirectory(prefix="encore-keys-") as scratch:
        copy = Path(scratch) / "backed-up.sqlite3"
        await asyncio.to_thread(db_backup.sqlite_copy, dump, copy)
        engine = create_engine(f"sqlite+aiosqlite:///{copy}")
        try:
            async with engine.connect() as conn:
                names = set(await conn.run_sync(db_backup.table_names))
                check = await site.pin_key_check(conn) if "pin_key_check" in names else None
                keys = await db_signing_keys.list_keys(conn) if "signing_keys" in names else []
        finally:
            await engine.dispose()
    return BackedUpKeys(check, tuple(keys))


def refusal(dump: Path, problems: list[KeyProblem]) -> BackupError:
    """What to copy where, or which key there is another one; and the way out when the keys are lost."""
    missing = [p for p in problems if p.missing]
    other = [p for p in problems if not p.missing]
    steps = []
    for p in missing:
        source = f"{p.source} from the computer the backup was taken on" if p.source else (
            "the keys folder that was beside the backed-up database"
        )  # fmt: skip
        steps.append(f"{p.spot.what}: copy {source} to {p.spot.place}")
    for p in other:
        steps.append(
            f"{p.spot.what}: {p.spot.place} is another key than the backup's; put the backup's there "
            f"({p.source or 'from the keys folder that was beside the backed-up database'})"
        )
    harm = "; ".join(f"without {p.spot.what} {p.spot.without}" for p in problems)
    if any(p.spot.name == "pin" for p in problems):
        harm += ": run `encore-ops forget-pins --yes`, then a manager sets each kiosk PIN again"
    sentence = (
        f"{dump} holds no keys (they are secrets, kept out of backup files), and the ones the restored database "
        f"needs are {'not beside it' if not other else 'not the right ones'}: {'; '.join(steps)}. Keep the "
        f"files readable by you only (chmod 600), then restore again. If they are lost, pass --without-keys to "
        f"restore anyway ({harm})."
    )
    code = ErrorCode.RESTORE_KEYS_DISAGREE if other else ErrorCode.RESTORE_KEYS_MISSING
    return BackupError(str(dump), sentence, code=code)
