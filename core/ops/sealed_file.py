"""Seal a file for off-site storage (AES-256-GCM, in chunks) and open it again, refusing one that was changed,
cut short or sealed under another key.

The layout is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015) over AES-GCM: a header, then
chunks of at most CHUNK bytes, each sealed with a nonce made of the header's random prefix, the chunk's number
and a flag for the last chunk, and the header as associated data. So a chunk cannot be changed, moved,
dropped or taken from another file, and a file cut at a chunk boundary is caught because its last chunk never
came. A large dump is sealed and opened in constant memory.

The header carries a key check (an HMAC of a fixed label under the key, 8 bytes) so that a wrong key is told
apart from a damaged file: both fail authentication, and they call for different actions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.domain.errors import BackupError, ConfigError, ErrorCode

MAGIC = b"ENCSEAL1"
CHUNK = 1 << 20
_HEADER = struct.Struct(">8s8s7sI")  # magic, key check, nonce prefix, chunk size
_LENGTH = struct.Struct(">I")
_TAG = 16
_E = ErrorCode


def parse_key(raw: str, *, source: str, key: str) -> bytes:
    """The 32-byte key from its base64 text (what the secret store holds); ConfigError if it is not one."""
    try:
        value = base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError):
        value = b""
    if len(value) != 32:
        raise ConfigError(
            source, key, "must hold 32 random bytes in base64 (make one with: openssl rand -base64 32); "
            "the value is not shown",
        )  # fmt: skip
    return value


def key_check(key: bytes) -> bytes:
    return hmac.new(key, b"encore off-site backup key check", hashlib.sha256).digest()[:8]


def seal(source: Path, target: Path, key: bytes) -> None:
    """Write ``source`` sealed under ``key`` to ``target`` (replaced whole, never left half-written)."""
    header = _HEADER.pack(MAGIC, key_check(key), secrets.token_bytes(7), CHUNK)
    aead = AESGCM(key)
    partial = target.with_name(target.name + ".partial")
    try:
        with source.open("rb") as plain, partial.open("wb") as out:
            out.write(header)
            number = 0
            chunk = plain.read(CHUNK)
            while True:
                following = plain.read(CHUNK) if len(chunk) == CHUNK else b""
                last = not following
                sealed = aead.encrypt(_nonce(header, number, last), chunk, header)
                out.write(_LENGTH.pack(len(sealed)) + sealed)
                if last:
                    break
                chunk, number = following, number + 1
            out.flush()
            os.fsync(out.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def open_sealed(source: Path, target: Path, key: bytes, *, name: str) -> None:
    """Write what ``source`` sealed to ``target``, or raise BackupError and leave no ``target`` behind.
    ``name`` is how messages call the file (e.g. its name in the object store)."""
    partial = target.with_name(target.name + ".partial")
    try:
        with source.open("rb") as sealed, partial.open("wb") as out:
            header = _read_header(sealed.read(_HEADER.size), key, name)
            aead = AESGCM(key)
            number = 0
            while True:
                size = sealed.read(_LENGTH.size)
                if not size:
                    raise _truncated(name)
                length = _LENGTH.unpack(size)[0] if len(size) == _LENGTH.size else -1
                body = sealed.read(length) if _TAG <= length <= CHUNK + _TAG else b""
                if len(body) != length:
                    raise _truncated(name) if len(body) < length else _damaged(name)
                plain, last = _open_chunk(aead, header, number, body, name)
                out.write(plain)
                if last:
                    break
                number += 1
            if sealed.read(1):
                raise _damaged(name)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _read_header(raw: bytes, key: bytes, name: str) -> bytes:
    if len(raw) < _HEADER.size or not raw.startswith(MAGIC):
        raise BackupError(name, f"{name} is not a sealed Encore backup", code=_E.BACKUP_NOT_A_BACKUP)
    _, check, _, chunk = _HEADER.unpack(raw)
    if not hmac.compare_digest(check, key_check(key)):
        raise BackupError(
            name,
            f"{name} was sealed under another key than offsite_key_ref names: configure the key it was sealed "
            "with (the one kept when the backup was taken)",
            code=_E.BACKUP_KEY_WRONG,
        )
    if chunk != CHUNK:
        raise _damaged(name)
    return raw


def _open_chunk(aead: AESGCM, header: bytes, number: int, body: bytes, name: str) -> tuple[bytes, bool]:
    for last in (False, True):
        try:
            return aead.decrypt(_nonce(header, number, last), body, header), last
        except InvalidTag:
            continue
    raise _damaged(name)


def _nonce(header: bytes, number: int, last: bool) -> bytes:
    return header[16:23] + number.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _damaged(name: str) -> BackupError:
    return BackupError(
        name, f"{name} is damaged: its sealed bytes were changed after it was sealed; use another backup",
        code=_E.BACKUP_DAMAGED,
    )  # fmt: skip


def _truncated(name: str) -> BackupError:
    return BackupError(
        name, f"{name} is truncated: it ends before its last sealed chunk; fetch it again or use another backup",
        code=_E.BACKUP_TRUNCATED,
    )  # fmt: skip
