"""`encore-admin --self-test` from source: one line that says what works (the embedded demo database or a real
venue server, the window painted offscreen, QtCharts, the sales report PDF in Encore's own fonts, the keyring)
and, when something does not, names it and still checks the rest. The bundle's run is tests/stack/test_package.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.api_server import encore_server
from tests.support.probes import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MEMORY_KEYRING = "tests.support.memory_keyring.MemoryKeyring"
"""A real keyring backend (in the self-test's process), chosen the way a desktop's keyringrc would choose one."""


def _config(folder: Path, *lines: str) -> Path:
    config = folder / "encore.toml"
    database = f'database_url = "sqlite+aiosqlite:///{folder / "admin.sqlite3"}"'
    config.write_text("[encore]\n" + "\n".join([database, 'log_level = "ERROR"', *lines]) + "\n")
    return config


def _ops(config: Path, *command: str) -> None:
    subprocess.run(
        [str(BIN / "encore-ops"), "--config", str(config), *command],
        check=True,
        capture_output=True,
        timeout=300,
    )


def _self_test(config: Path, keyring_backend: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "admin", "--config", str(config), "--self-test"],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHON_KEYRING_BACKEND": keyring_backend},
        capture_output=True,
        text=True,
        timeout=120,
    )
    (line,) = done.stdout.splitlines() or [done.stderr]
    return done.returncode, line


def test_the_self_test_passes_on_the_demo_database(tmp_path: Path) -> None:
    config = _config(tmp_path)
    _ops(config, "run-demo")
    code, line = _self_test(config, MEMORY_KEYRING)
    assert code == 0, line
    assert line.startswith("encore-admin self-test: OK — database: embedded database, ")
    assert "active staff account(s); window: painted 1366x768 offscreen, " in line
    assert "s after start; charts: QtCharts paints; report: sales report PDF, " in line
    assert "set in DejaVuSansCondensed.ttf; " in line
    assert line.endswith(f"keyring: {MEMORY_KEYRING} answers (no entry for encore-admin)")


@pytest.mark.postgres
def test_the_self_test_asks_the_venue_server_when_one_is_set(tmp_path: Path, pg_database_url: str) -> None:
    with encore_server(pg_database_url, tmp_path / "server") as server:
        config = _config(tmp_path, f'server_url = "{server.url}"', f'server_ca_file = "{server.ca_file}"')
        code, line = _self_test(config, MEMORY_KEYRING)
    assert code == 0, line
    assert line.startswith(
        f"encore-admin self-test: OK — database: server {server.url} ready; window: painted"
    )


def test_the_self_test_names_what_fails_and_checks_the_rest(tmp_path: Path) -> None:
    """No server answers, and the keyring configured is not there: both named, the other checks still made."""
    config = _config(tmp_path, f'server_url = "http://127.0.0.1:{free_port()}"')
    code, line = _self_test(config, "no_such_keyring.Backend")
    assert code == 1, line
    assert line.startswith(
        "encore-admin self-test: FAILED database, keyring — database: The Encore server cannot"
    )
    assert "window: painted 1366x768 offscreen" in line
    assert "charts: QtCharts paints; report: sales report PDF" in line
    assert line.endswith("keyring: no usable keyring: ModuleNotFoundError: No module named 'no_such_keyring'")


def test_a_database_nobody_can_sign_in_to_fails(tmp_path: Path) -> None:
    config = _config(tmp_path)
    _ops(config, "db", "upgrade")  # the schema, but no staff account
    code, line = _self_test(config, "keyring.backends.fail.Keyring")
    assert code == 1, line
    assert line.startswith(
        "encore-admin self-test: FAILED database — database: embedded database, but no active staff account"
    )
    # No keyring at all is no failure (the app works, remembering nothing), and the line says so.
    assert "; keyring: none on this machine (keyring.backends.fail.Keyring" in line
    assert line.endswith("): nothing can be kept in it")
