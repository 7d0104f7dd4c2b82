"""Installable apps: the resources ship inside the wheel and are found through the package; `encore-kiosk
--self-test` says in one line what works and fails with what does not; and the PyInstaller kiosk bundle, built
from its spec as `make package` does, starts on a fresh embedded database and passes its self-test offscreen."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import resources

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _config(folder: Path, printer: str) -> Path:
    config = folder / "encore.toml"
    lines = [
        f'database_url = "sqlite+aiosqlite:///{folder / "kiosk.sqlite3"}"',
        f'kiosk_printer = "{printer}"',
        'log_level = "ERROR"',
    ]
    config.write_text("[encore]\n" + "\n".join(lines) + "\n")
    return config


def _demo_database(config: Path) -> None:
    """What `make run` does first: the embedded database with the demo (the bundle has no encore-ops)."""
    subprocess.run(
        [str(BIN / "encore-ops"), "--config", str(config), "run-demo"],
        check=True,
        capture_output=True,
        timeout=300,
    )


def _offscreen() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def test_the_resources_are_found_through_their_package() -> None:
    for folder, pattern in (
        ("fonts", "*.ttf"),
        ("themes", "*.qss"),
        ("translations", "*.qm"),
        ("sounds", "*.wav"),
    ):
        assert list(resources.path(folder).glob(pattern)), f"no {pattern} in resources/{folder}"
    from core.tickets import pdf_fonts
    from kiosk.ui import door_sounds, i18n, theme

    for located in (
        pdf_fonts._RESOURCES,
        theme.FONTS,
        theme.THEMES,
        door_sounds.SOUNDS_DIR,
        i18n.TRANSLATIONS,
    ):
        assert located.is_relative_to(resources.ROOT)


def test_the_wheel_carries_the_resources_the_apps_load(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("encore-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "resources/__init__.py",
        "resources/fonts/DejaVuSansCondensed.ttf",
        "resources/themes/default.qss",
        "resources/translations/kiosk_de.qm",
        "resources/sounds/admit.wav",
        "core/db/migrations/versions/0001_initial_schema.py",
    ):
        assert needed in names, needed
    assert not any(n.startswith("resources/screenshots/") for n in names)  # documentation, not run-time


def test_self_test_names_what_fails(tmp_path: Path) -> None:
    config = _config(tmp_path, "printer:No Such Printer")
    _demo_database(config)
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "--self-test"],
        cwd=ROOT,
        env=_offscreen(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    (line,) = done.stdout.splitlines()
    assert line.startswith("encore-kiosk self-test: FAILED printer — ")
    assert "printer 'No Such Printer' not found" in line
    assert "database: embedded database, 4 concert(s) on sale" in line  # the rest still checked and told


@pytest.mark.slow
def test_the_kiosk_bundle_passes_its_self_test_offscreen(tmp_path: Path) -> None:
    started = time.monotonic()
    subprocess.run(
        [
            str(BIN / "pyinstaller"), "--noconfirm", "--log-level", "ERROR",
            "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "build"),
            str(ROOT / "packaging" / "pyinstaller" / "encore-kiosk.spec"),
        ],
        cwd=ROOT, check=True, capture_output=True, timeout=1500,
    )  # fmt: skip
    built_s = time.monotonic() - started
    bundle = tmp_path / "dist" / "encore-kiosk"
    config = _config(tmp_path, f"folder:{tmp_path / 'tickets'}")
    _demo_database(config)
    started = time.monotonic()
    done = subprocess.run(
        [str(bundle / "encore-kiosk"), "--config", str(config), "--self-test"],
        cwd=tmp_path,  # not the source tree: the bundle must carry everything
        env={**_offscreen(), "PYTHONPATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    ran_s = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    (line,) = done.stdout.splitlines()
    assert line.startswith("encore-kiosk self-test: OK — database: embedded database, 4 concert(s) on sale")
    assert "ticket: 80 mm ticket PDF" in line
    size_mb = sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file()) / 1e6
    print(f"\nkiosk bundle: {size_mb:.0f} MB, built in {built_s:.0f} s, self-test in {ran_s:.1f} s")
