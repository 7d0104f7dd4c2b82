"""encore-ops starts light: `--help` and the container probes load none of the database layer, the services or
the brokers (they cost a second of CPU per probe before), and every command still finds its implementation."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.ops import cli

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("sqlalchemy", "alembic", "asyncpg", "redis", "apscheduler", "litestar", "boto3", "core.services")

_PROBE = """
import json, sys
from core.ops import cli
try:
    code = cli.main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _loaded(tmp_path: Path, *argv: str) -> tuple[object, set[str]]:
    """Run encore-ops ``argv`` in a fresh interpreter; its exit code and every module it had imported."""
    config = tmp_path / "encore.toml"
    database = f"sqlite+aiosqlite:///{tmp_path / 'encore.sqlite3'}"
    config.write_text(f'[encore]\nlog_level = "WARNING"\ndatabase_url = "{database}"\n')
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "--config", str(config), *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    answer = json.loads(done.stdout.splitlines()[-1])
    return answer["code"], set(answer["modules"])


def _heavy(modules: set[str], *also: str) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY + also or m.startswith(HEAVY + also))


@pytest.mark.parametrize(
    ("argv", "code", "also_absent"),
    [
        (["--help"], 0, ("httpx",)),
        (["health", "scheduler", "--heartbeat", "/nonexistent/encore.alive"], 1, ("httpx",)),
        (["health", "server", "--url", "http://127.0.0.1:9", "--timeout", "1"], 1, ()),
    ],
    ids=["help", "health scheduler", "health server"],
)
def test_help_and_probes_load_no_storage_services_or_brokers(tmp_path, argv, code, also_absent) -> None:
    exit_code, modules = _loaded(tmp_path, *argv)
    assert exit_code == code
    assert _heavy(modules, *also_absent) == []


def test_control_a_command_that_needs_the_database_loads_it(tmp_path) -> None:
    # The same probe sees a heavy import when there is one: `db current` (an empty SQLite file) needs alembic.
    exit_code, modules = _loaded(tmp_path, "db", "current")
    assert exit_code == 0
    assert {"alembic", "sqlalchemy"} <= {m.split(".")[0] for m in modules}


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    """Every runnable command (a parser without subcommands), by its words, with what it runs."""
    found: dict[tuple[str, ...], object] = {}
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return {path: parser.get_default("bind") or parser.get_default("run")}
    for name, child in subs[0].choices.items():
        found.update(_leaves(child, (*path, name)))
    return found


_ARGS = {
    ("gate-key",): ["north", "--into", "file:/nonexistent"],
    ("restore",): ["backup.dump"],
    ("verify-backup",): ["backup.dump"],
    ("verification-bundle",): ["--out", "bundle.json"],
}


def test_every_command_finds_its_implementation() -> None:
    parser = cli._parser()
    leaves = _leaves(parser)
    assert len(leaves) >= 15, sorted(leaves)
    for words, target in leaves.items():
        assert target is not None, words
        args = parser.parse_args([*words, *_ARGS.get(words, [])])
        command = args.bind(args) if hasattr(args, "bind") else args.run
        assert callable(command), words
