"""The kiosk window on a real X server (Xvfb): locked down on a bare server, as a kiosk machine runs, and as `make run`
opens it, with and without a window manager: the window fills the screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.stack import require

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def bare_x(request: pytest.FixtureRequest) -> Iterator[str]:
    """An Xvfb display of the requested size with no window manager; its DISPLAY value."""
    require("Xvfb", apt="xvfb")  # make installs it as root; under CI=true a missing one fails
    width, height = request.param
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()  # Xvfb writes its display number once it accepts clients
    try:
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _child(module: str, display: str) -> dict[str, object]:
    """Run a child that shows a window on ``display`` and prints where X put it; its JSON report."""
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", module],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0 and "could not connect to display" in done.stderr.lower():
        pytest.skip(f"Qt cannot use X here: {done.stderr.strip()[-300:]}")
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize("bare_x", [(1920, 1080), (1080, 1920)], indirect=True, ids=["landscape", "portrait"])
def test_lockdown_fills_the_screen_of_a_bare_x_server(bare_x):
    report = _child("tests.kiosk.ui.x11_lockdown_child", bare_x)
    assert report["window"] == report["screen"]
    assert report["active"]  # keyboard input reaches the kiosk with no window manager to give it focus


@pytest.fixture
def window_manager(bare_x: str) -> Iterator[str]:
    """Openbox managing the ``bare_x`` display (a desktop's window manager, as `make run` meets one)."""
    require("openbox", "xprop", apt="openbox x11-utils")
    env = {**os.environ, "DISPLAY": bare_x}
    manager = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):  # it manages the display once it has set its EWMH check window
            probe = ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"]
            if "window id" in subprocess.run(probe, env=env, capture_output=True, text=True).stdout:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("openbox did not start managing the display")
        yield bare_x
    finally:
        manager.terminate()
        manager.wait(timeout=30)


@pytest.mark.parametrize(
    "bare_x", [(1920, 1080), (1080, 1920), (1280, 800)], indirect=True, ids=["landscape", "portrait", "small"]
)
def test_the_windowed_kiosk_fills_a_bare_x_server(bare_x):
    # No window manager answers "maximise" here: the window stayed at its own first size in a corner.
    report = _child("tests.kiosk.ui.x11_window_child", bare_x)
    assert report["window"] == report["screen"]
    assert report["active"]  # keys reach it, and its focus ring shows, with no window manager to focus it


@pytest.mark.parametrize("bare_x", [(1920, 1080)], indirect=True, ids=["landscape"])
def test_the_windowed_kiosk_is_maximised_under_a_window_manager(window_manager):
    report = _child("tests.kiosk.ui.x11_window_child", window_manager)
    x, y, width, height = report["window"]  # type: ignore[misc]
    fx, fy, free_width, free_height = report["free"]  # type: ignore[misc]
    # The frame (title bar and borders) fills the screen's free area and stays on it.
    assert (x, y, width, height) == (fx, fy, free_width, free_height), report
    assert report["active"]
