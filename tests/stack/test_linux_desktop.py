"""packaging/linux as a Linux machine reads it: desktop-file-validate on every .desktop file, `systemd-analyze
--user verify` on the user units, and every command line naming a real console script (pyproject's
[project.scripts]) with flags its argparse parser accepts. Each checker has a control that shows it can fail."""

from __future__ import annotations

import importlib
import os
import shlex
import struct
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support.stack import require

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
DESKTOP_FILES = sorted(LINUX.rglob("*.desktop"))
APP_FILES = sorted((LINUX / "applications").glob("*.desktop"))
SERVICES = sorted((LINUX / "systemd").glob("*.service"))
UNITS = sorted((LINUX / "systemd").iterdir())
INSTALLED_KIOSK = "/usr/local/bin/encore-kiosk"
"""Where the units expect the kiosk: a link to the pip-installed script or to the PyInstaller bundle's."""


def _scripts() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return dict(project["scripts"])


def _entries(path: Path) -> dict[str, str]:
    """The [Desktop Entry] group's keys (desktop files repeat no key; systemd units do, so not for them)."""
    entries: dict[str, str] = {}
    group = ""
    for line in path.read_text().splitlines():
        if line.startswith("["):
            group = line.strip("[]")
        elif "=" in line and not line.startswith("#") and group == "Desktop Entry":
            key, _, value = line.partition("=")
            entries[key.strip()] = value.strip()
    return entries


def _unit_values(path: Path, key: str) -> list[str]:
    return [
        line.partition("=")[2].strip()
        for line in path.read_text().splitlines()
        if line.partition("=")[0].strip() == key and not line.startswith("#")
    ]


def command_problems(command: str, scripts: dict[str, str]) -> list[str]:
    """What is wrong with a command line: the program is no console script of ours (by its file name, wherever
    it is installed), or its parser refuses the arguments."""
    program, *args = shlex.split(command)
    name = Path(program).name
    if name not in scripts:
        return [f"{name} is not in pyproject's [project.scripts] ({', '.join(sorted(scripts))})"]
    module = importlib.import_module(scripts[name].partition(":")[0])
    try:
        module._parser().parse_args(args)
    except SystemExit:
        return [f"{name} refuses {args}"]
    return []


def _validate_desktop(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def validate_desktop() -> None:
    require("desktop-file-validate", apt="desktop-file-utils")


@pytest.fixture(scope="module")
def systemd_analyze() -> None:
    require("systemd-analyze", apt="systemd")


def test_the_files_are_there() -> None:
    names = {p.name for p in DESKTOP_FILES}
    assert {"encore-kiosk.desktop", "encore-door.desktop", "encore-admin.desktop", "encore.desktop"} <= names
    assert {p.name for p in UNITS} == {
        "encore-kiosk.service",
        "encore-door.service",
        "encore-x-session.target",
    }


@pytest.mark.parametrize("path", DESKTOP_FILES, ids=lambda p: p.name)
def test_desktop_files_validate(path: Path, validate_desktop: None) -> None:
    checked = _validate_desktop(path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout + checked.stderr == ""  # hints and warnings too


def test_desktop_file_validate_refuses_a_broken_file(tmp_path: Path, validate_desktop: None) -> None:
    """Control: the same kiosk file without its Name and with a made-up category."""
    text = (LINUX / "applications" / "encore-kiosk.desktop").read_text()
    broken = tmp_path / "broken.desktop"
    broken.write_text(text.replace("Name=Encore Kiosk\n", "").replace("Office;Finance;", "Tickets;"))
    checked = _validate_desktop(broken)
    assert checked.returncode != 0
    assert "Name" in checked.stdout
    assert "Tickets" in checked.stdout


def _verify(folder: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # The user manager's search paths need a runtime directory, which a test run (no login session) lacks.
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = os.environ | {"XDG_RUNTIME_DIR": str(runtime), "SYSTEMD_LOG_COLOR": "0"}
    units = sorted(str(p) for p in folder.iterdir())
    return subprocess.run(
        ["systemd-analyze", "--user", "verify", *units], capture_output=True, text=True, env=env, check=False
    )


def _units_with_kiosk_at(folder: Path, kiosk: str) -> Path:
    """The units as committed, but with the kiosk where this machine has it: verify checks that the program
    exists, and /usr/local/bin/encore-kiosk is the kiosk machine's link, not this one's."""
    folder.mkdir()
    for unit in UNITS:
        text = unit.read_text()
        if unit.suffix == ".service":
            assert text.count(f"ExecStart={INSTALLED_KIOSK}") == 1, unit.name
        (folder / unit.name).write_text(text.replace(INSTALLED_KIOSK, kiosk))
    return folder


def _venv_kiosk() -> str:
    kiosk = Path(sys.executable).parent / "encore-kiosk"
    if not kiosk.exists():
        pytest.skip(f"no encore-kiosk beside {sys.executable}: install the project (pip install -e .)")
    return str(kiosk)


def test_units_verify(tmp_path: Path, systemd_analyze: None) -> None:
    checked = _verify(_units_with_kiosk_at(tmp_path / "units", _venv_kiosk()), tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Bad values are only warnings (exit 0) to systemd-analyze: any output at all is a finding.
    assert checked.stdout + checked.stderr == ""


def test_verify_reports_a_bad_value_and_a_missing_program(tmp_path: Path, systemd_analyze: None) -> None:
    """Controls: a misspelt Restart= is reported (though systemd-analyze still exits 0), and so is a program
    that is not there (as on this machine, which has no /usr/local/bin/encore-kiosk link)."""
    folder = _units_with_kiosk_at(tmp_path / "units", _venv_kiosk())
    kiosk = folder / "encore-kiosk.service"
    kiosk.write_text(kiosk.read_text().replace("Restart=always", "Restart=alway"))
    misspelt = _verify(folder, tmp_path)
    assert "alway" in misspelt.stderr

    absent = _verify(_units_with_kiosk_at(tmp_path / "absent", str(tmp_path / "no-such-kiosk")), tmp_path)
    assert absent.returncode != 0
    assert "no-such-kiosk" in absent.stderr


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: p.name)
def test_desktop_exec_names_a_real_script_and_real_flags(path: Path) -> None:
    assert command_problems(_entries(path)["Exec"], _scripts()) == []


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_unit_execstart_names_a_real_script_and_real_flags(path: Path) -> None:
    (command,) = _unit_values(path, "ExecStart")
    assert command.startswith(INSTALLED_KIOSK)
    assert command_problems(command, _scripts()) == []


def test_command_check_refuses_made_up_names_and_flags() -> None:
    """Control: the check above fails for a script or a flag that does not exist."""
    scripts = _scripts()
    assert command_problems("encore-kiosk --windowd", scripts) == ["encore-kiosk refuses ['--windowd']"]
    assert command_problems("/opt/encore/encore-door", scripts)[0].startswith(
        "encore-door is not in pyproject"
    )
    assert command_problems("encore-admin --door", scripts) == ["encore-admin refuses ['--door']"]


def test_door_entries_start_door_mode_and_kiosk_entries_do_not() -> None:
    from kiosk.__main__ import _parser

    def door(command: str) -> bool:
        return bool(_parser().parse_args(shlex.split(command)[1:]).door)

    (door_unit,) = _unit_values(LINUX / "systemd" / "encore-door.service", "ExecStart")
    (kiosk_unit,) = _unit_values(LINUX / "systemd" / "encore-kiosk.service", "ExecStart")
    apps = LINUX / "applications"
    assert door(door_unit)
    assert door(_entries(apps / "encore-door.desktop")["Exec"])
    assert not door(kiosk_unit)
    assert not door(_entries(apps / "encore-kiosk.desktop")["Exec"])


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_units_start_with_the_session_on_x_and_come_back(path: Path) -> None:
    assert _unit_values(path, "WantedBy") == ["graphical-session.target"]
    assert _unit_values(path, "PartOf") == ["graphical-session.target"]
    assert _unit_values(path, "Environment") == ["QT_QPA_PLATFORM=xcb"]
    assert _unit_values(path, "Restart") == ["always"]
    (delay,) = _unit_values(path, "RestartSec")
    (burst,) = _unit_values(path, "StartLimitBurst")
    (interval,) = _unit_values(path, "StartLimitIntervalSec")
    # Sane: a pause between restarts, and the limit's window long enough for the burst's restarts to fit in it
    # (otherwise the limit could never trip and a broken install would restart forever).
    assert 1 <= int(delay) <= 30
    assert int(burst) * int(delay) < int(interval)


def test_the_session_script_starts_the_target_the_units_ship() -> None:
    script = LINUX / "xsession" / "encore-x-session"
    assert os.access(script, os.X_OK)
    subprocess.run(["sh", "-n", str(script)], check=True)
    text = script.read_text()
    assert "systemctl --user start encore-x-session.target" in text
    assert (LINUX / "systemd" / "encore-x-session.target").exists()
    assert _entries(LINUX / "xsession" / "encore.desktop")["Exec"] == "/usr/local/bin/encore-x-session"


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    assert data[12:16] == b"IHDR", f"{path.name} has no header"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_icons_exist_at_their_sizes() -> None:
    icons = LINUX / "icons"
    assert {_entries(p)["Icon"] for p in APP_FILES} == {"encore"}
    assert (icons / "encore.svg").read_text().lstrip().startswith("<?xml")
    for size in (48, 128, 256):
        assert _png_size(icons / f"encore-{size}.png") == (size, size)


@pytest.mark.parametrize("unit", ["encore-kiosk.service", "encore-door.service"])
def test_enabling_a_unit_starts_it_with_the_graphical_session(unit: str, tmp_path: Path) -> None:
    """The README's `systemctl --global enable`, into a scratch root: the unit's [Install] hooks it to the
    session target (a typo there would enable nothing, silently, on the kiosk)."""
    require("systemctl", apt="systemd")
    user_units = tmp_path / "etc" / "systemd" / "user"
    user_units.mkdir(parents=True)
    for path in UNITS:
        (user_units / path.name).write_text(path.read_text())
    subprocess.run(
        ["systemctl", f"--root={tmp_path}", "--global", "enable", unit], check=True, capture_output=True
    )
    wants = user_units / "graphical-session.target.wants"
    assert [p.name for p in wants.iterdir()] == [unit]
    assert (wants / unit).readlink() == Path("/etc/systemd/user") / unit
