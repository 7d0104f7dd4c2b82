"""The off-site seal on its own: a file of several chunks round-trips; a chunk dropped, moved or changed, a
file cut at a chunk boundary and a wrong key are each refused with their code, and nothing is written."""

from __future__ import annotations

import secrets
import struct
from pathlib import Path

import pytest

from core.domain.errors import BackupError, ErrorCode
from core.ops import sealed_file

KEY = secrets.token_bytes(32)
_HEADER = 27


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    path = tmp_path / "dump"
    path.write_bytes(secrets.token_bytes(2 * sealed_file.CHUNK + 12345))  # three chunks, the last one short
    return path


def _chunks(sealed: bytes) -> tuple[bytes, list[bytes]]:
    header, rest, chunks = sealed[:_HEADER], sealed[_HEADER:], []
    while rest:
        (length,) = struct.unpack(">I", rest[:4])
        chunks.append(rest[: 4 + length])
        rest = rest[4 + length :]
    return header, chunks


def _open(sealed: bytes, tmp_path: Path, key: bytes = KEY) -> BackupError:
    source, target = tmp_path / "in.sealed", tmp_path / "out"
    source.write_bytes(sealed)
    with pytest.raises(BackupError) as refused:
        sealed_file.open_sealed(source, target, key, name="in.sealed")
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("out")] == []
    return refused.value


def test_a_file_of_several_chunks_round_trips(plain: Path, tmp_path: Path) -> None:
    sealed, opened = tmp_path / "s", tmp_path / "o"
    sealed_file.seal(plain, sealed, KEY)
    assert len(_chunks(sealed.read_bytes())[1]) == 3
    sealed_file.open_sealed(sealed, opened, KEY, name="s")
    assert opened.read_bytes() == plain.read_bytes()


def test_an_empty_file_round_trips(tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    sealed_file.seal(tmp_path / "empty", tmp_path / "s", KEY)
    sealed_file.open_sealed(tmp_path / "s", tmp_path / "o", KEY, name="s")
    assert (tmp_path / "o").read_bytes() == b""


def test_changed_moved_dropped_or_cut_chunks_and_a_wrong_key_are_refused(plain: Path, tmp_path: Path) -> None:
    sealed_file.seal(plain, tmp_path / "good", KEY)
    good = (tmp_path / "good").read_bytes()
    header, [a, b, c] = _chunks(good)
    work = tmp_path / "work"
    work.mkdir()
    cases = {
        "cut at a chunk boundary": (header + a + b, ErrorCode.BACKUP_TRUNCATED),
        "middle chunk dropped": (header + a + c, ErrorCode.BACKUP_DAMAGED),
        "chunks swapped": (header + b + a + c, ErrorCode.BACKUP_DAMAGED),
        "a byte changed": (good[:-10] + bytes([good[-10] ^ 0x80]) + good[-9:], ErrorCode.BACKUP_DAMAGED),
        "nonce prefix changed": (good[:20] + bytes([good[20] ^ 1]) + good[21:], ErrorCode.BACKUP_DAMAGED),
        "cut inside a chunk": (good[: _HEADER + 1000], ErrorCode.BACKUP_TRUNCATED),
        "not sealed at all": (plain.read_bytes(), ErrorCode.BACKUP_NOT_A_BACKUP),
    }
    for case, (sealed, code) in cases.items():
        assert (case, _open(sealed, work).code) == (case, code)
    assert _open(good, work, secrets.token_bytes(32)).code == ErrorCode.BACKUP_KEY_WRONG
    # Control: the untouched file opens, so the refusals above are the changes' doing.
    sealed_file.open_sealed(tmp_path / "good", work / "out", KEY, name="good")
    assert (work / "out").read_bytes() == plain.read_bytes()


def test_two_seals_of_one_file_differ(plain: Path, tmp_path: Path) -> None:
    sealed_file.seal(plain, tmp_path / "a", KEY)
    sealed_file.seal(plain, tmp_path / "b", KEY)
    assert (tmp_path / "a").read_bytes()[16:23] != (tmp_path / "b").read_bytes()[16:23]  # fresh nonce prefix
