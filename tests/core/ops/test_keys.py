"""`encore-ops signing-key rotate|list` and `encore-ops gate-key`: keys change as asked and are never printed."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.config import Settings
from core.domain.clock import ManualClock
from core.iot.gate_commands import GateCommandSigner, GateCommandVerifier
from core.ops import cli
from core.security.secret_store import resolve_secret
from core.security.server_secrets import load_gate_master
from core.services import signing_keys
from core.services.context import ServiceContext
from core.tickets.bundle import open_bundle
from tests.support import aio

AT = datetime(2026, 12, 3, 21, 0, tzinfo=UTC)


def _config(tmp_path: Path, url: str, **extra: str) -> str:
    path = tmp_path / "encore.toml"
    lines = [f'database_url = "{url}"', 'log_level = "WARNING"'] + [f'{k} = "{v}"' for k, v in extra.items()]
    path.write_text("[encore]\n" + "\n".join(lines) + "\n")
    return str(path)


async def _keys(url: str, ref: str) -> list[signing_keys.ServerKey]:
    settings = Settings(database_url=url, ticket_signing_key_ref=ref)
    async with ServiceContext.open(settings, clock=ManualClock(AT)) as ctx:
        return await signing_keys.list_signing_keys(ctx)


def test_rotate_then_list(sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ref = f"file:{tmp_path / 'ticket.key'}"
    config = _config(tmp_path, sqlite_url, ticket_signing_key_ref=ref)
    assert cli.main(["--config", config, "signing-key", "list"]) == 0
    assert "current, trusted" in capsys.readouterr().out  # created and registered by the first start
    first = resolve_secret(ref)
    assert cli.main(["--config", config, "signing-key", "rotate"]) == 0
    out = capsys.readouterr().out
    second = resolve_secret(ref)
    assert second != first
    assert "from now on" in out
    assert second not in out
    assert first not in out
    assert cli.main(["--config", config, "signing-key", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2
    assert "retired" in listed[0]
    assert "current, trusted" in listed[1]
    assert cli.main(["--config", config, "signing-key", "rotate"]) == 0
    capsys.readouterr()
    assert [(k.current, k.trusted) for k in aio.run(_keys(sqlite_url, ref))] == [
        (False, True),
        (False, True),
        (True, True),
    ]


def test_gate_key_stores_the_controllers_key_only(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master_ref = f"file:{tmp_path / 'gate-master.key'}"
    into = f"file:{tmp_path / 'controller' / 'north.key'}"
    config = _config(tmp_path, sqlite_url, gate_key_ref=master_ref)
    assert cli.main(["--config", config, "gate-key", "north", "--into", into]) == 0
    out = capsys.readouterr().out
    stored = resolve_secret(into)
    assert stored is not None
    assert stored not in out
    assert (tmp_path / "controller" / "north.key").stat().st_mode & 0o777 == 0o600
    clock = ManualClock(AT)
    command = GateCommandSigner(load_gate_master(master_ref), clock).command("north", "K7P2XQ9MABCD")
    verifier = GateCommandVerifier(base64.b64decode(stored), "north", clock)
    assert verifier.accept(command).ticket == "K7P2XQ9MABCD"
    assert cli.main(["--config", config, "gate-key", "north/#", "--into", into]) == 2  # a bad name: refused
    assert "gate" in capsys.readouterr().err
    assert resolve_secret(into) == stored


def test_verification_bundle_is_written_whole_and_names_its_trust_anchor(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = f"file:{tmp_path / 'ticket.key'}"
    config = _config(tmp_path, sqlite_url, ticket_signing_key_ref=ref)
    out = tmp_path / "published" / "bundle.json"
    assert cli.main(["--config", config, "verification-bundle", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    anchor = printed.split("ENCORE_BUNDLE_SIGNERS=")[1].strip()
    public = base64.b64decode(anchor)
    bundle = open_bundle(out.read_bytes(), [public], datetime.now(UTC))
    assert len(bundle.keys) == 1  # the server key, registered at its first start
    assert resolve_secret(ref) not in printed  # the private key is never shown
    assert [p.name for p in out.parent.iterdir()] == ["bundle.json"]  # no temporary file left behind


@pytest.mark.postgres
def test_verification_bundle_without_a_server_key_says_how_to_get_one(
    pg_database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A server database with no ticket_signing_key_ref (the embedded one keeps a key beside its file)."""
    config = _config(tmp_path, pg_database_url)
    out = tmp_path / "bundle.json"
    status = cli.main(["--config", config, "verification-bundle", "--out", str(out)])
    error = capsys.readouterr().err
    assert (status, out.exists()) == (2, False)
    assert "ticket_signing_key_ref" in error
