"""Command-line checkers the tests run: from `make tools`' own virtualenv (.venv-tools), else from PATH."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def tool(name: str) -> str:
    """The checker's path; the test is skipped with the way to get it when it is nowhere (make test installs it)."""
    bundled = ROOT / ".venv-tools" / "bin" / name
    if bundled.exists():
        return str(bundled)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed: run `make tools` (make test does it first)")
    return found
