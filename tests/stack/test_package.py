"""Installable apps: the resources ship inside the wheel and are found through the package; `encore-kiosk
--self-test` says in one line what works and fails with what does not; and the PyInstaller kiosk and admin bundles,
built in one run from their spec as `make package` does, start on an embedded demo database and pass their
self-tests offscreen."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
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
    assert "languages: en, de, es (€49.00 / 49,00\xa0€ / 49,00\xa0€)" in line


def _keyring_from_source(folder: Path) -> str:
    """What the keyring check says from source, in a fresh process (this one's keyring is the tests')."""
    probe = "from core.security.secret_store import probe_keyring as p; print(p('encore-admin', 'install-id').detail)"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


@dataclass(frozen=True)
class Bundles:
    dist: Path
    built_s: float
    config: Path
    """An embedded demo database for both apps (the bundles have no encore-ops)."""

    def run(self, app: str) -> tuple[subprocess.CompletedProcess[str], float]:
        started = time.monotonic()
        done = subprocess.run(
            [str(self.dist / app / app), "--config", str(self.config), "--self-test"],
            cwd=self.config.parent,  # not the source tree: the bundle must carry everything
            env={**_offscreen(), "PYTHONPATH": ""},
            capture_output=True,
            text=True,
            timeout=120,
        )
        return done, time.monotonic() - started

    def size_mb(self, app: str) -> float:
        files = (f for f in (self.dist / app).rglob("*") if f.is_file() and not f.is_symlink())
        return sum(f.stat().st_size for f in files) / 1e6


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Bundles:
    """Both bundles from the one spec, in one PyInstaller run, as `make package` builds them."""
    folder = tmp_path_factory.mktemp("bundles")
    started = time.monotonic()
    subprocess.run(
        [
            str(BIN / "pyinstaller"), "--noconfirm", "--log-level", "ERROR",
            "--distpath", str(folder / "dist"), "--workpath", str(folder / "build"),
            str(ROOT / "packaging" / "pyinstaller" / "encore.spec"),
        ],
        cwd=ROOT, check=True, capture_output=True, timeout=1500,
    )  # fmt: skip
    built_s = time.monotonic() - started
    config = _config(folder, f"folder:{folder / 'tickets'}")
    _demo_database(config)
    return Bundles(folder / "dist", built_s, config)


@pytest.mark.slow
def test_the_kiosk_bundle_passes_its_self_test_offscreen(bundles: Bundles) -> None:
    done, ran_s = bundles.run("encore-kiosk")
    assert done.returncode == 0, done.stdout + done.stderr
    (line,) = done.stdout.splitlines()
    assert line.startswith("encore-kiosk self-test: OK — database: embedded database, 4 concert(s) on sale")
    assert "ticket: 80 mm ticket PDF" in line
    assert "1 page(s) drawn at 203 dpi" in line  # QtPdf is in the bundle: a print can be drawn
    assert "languages: en, de, es (€49.00 / 49,00\xa0€ / 49,00\xa0€)" in line  # their CLDR data came along
    print(f"\nbundles built in {bundles.built_s:.0f} s; kiosk bundle: {bundles.size_mb('encore-kiosk'):.0f} MB, "
          f"self-test in {ran_s:.1f} s")  # fmt: skip


@pytest.mark.slow
def test_the_admin_bundle_passes_its_self_test_offscreen(bundles: Bundles) -> None:
    done, ran_s = bundles.run("encore-admin")
    assert done.returncode == 0, done.stdout + done.stderr
    (line,) = done.stdout.splitlines()
    assert line.startswith("encore-admin self-test: OK — database: embedded database, ")
    assert "window: painted 1366x768 offscreen" in line
    assert "charts: QtCharts paints" in line
    assert "set in DejaVuSansCondensed.ttf" in line  # the bundled font, not the machine's (checked by path)
    # The keyring answers from the bundle as from source (its backends and secretstorage came along).
    assert line.endswith(f"keyring: {_keyring_from_source(bundles.config.parent)}")
    print(f"\nadmin bundle: {bundles.size_mb('encore-admin'):.0f} MB, self-test in {ran_s:.1f} s ({line})")


@pytest.mark.slow
def test_each_bundle_leaves_out_what_its_app_never_loads(bundles: Bundles) -> None:
    kiosk, admin = bundles.dist / "encore-kiosk" / "_internal", bundles.dist / "encore-admin" / "_internal"
    # Each app's own analysis: the other's Qt modules stay out (QtQuick and QML with the admin's, as only the
    # kiosk's FFmpeg media plugin links them).
    for left_out in ("*QtMultimedia*", "*QtTextToSpeech*", "*QtPdf*", "*Quick*", "*avcodec*"):
        assert not list(admin.rglob(left_out)), left_out
    assert not list(kiosk.rglob("*QtCharts*"))
    assert list(kiosk.rglob("libQt6Quick.so*"))
    # Trimmed from both (packaging/pyinstaller/common.py), and no link left pointing at what went.
    for bundle in (kiosk, admin):
        assert not (bundle / "PySide6" / "Qt" / "translations").exists()
        assert not list(bundle.rglob("*[vV]irtual[kK]eyboard*"))
        assert not (bundle / "mypy").exists()
        assert not (bundle / "pydantic_core").exists()
        # Babel's data for the apps' languages only (en_GB's parents with them), not CLDR's 1,100 locales.
        cldr = {p.stem for p in (bundle / "babel" / "locale-data").glob("*.dat")}
        assert {"root", "en", "en_001", "en_GB", "de", "de_AT", "es", "es_419"} <= cldr
        assert {name.split("_")[0] for name in cldr} == {"root", "en", "de", "es"}
        assert [p for p in bundle.rglob("*") if p.is_symlink() and not p.exists()] == []
