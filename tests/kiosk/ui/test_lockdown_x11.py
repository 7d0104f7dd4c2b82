"""Lockdown on a real, bare X server (Xvfb, no window manager), as a kiosk machine runs: the window fills the screen."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def bare_x(request: pytest.FixtureRequest) -> Iterator[str]:
    """An Xvfb display of the requested size with no window manager; its DISPLAY value."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
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


@pytest.mark.parametrize("bare_x", [(1920, 1080), (1080, 1920)], indirect=True, ids=["landscape", "portrait"])
def test_lockdown_fills_the_screen_of_a_bare_x_server(bare_x):
    env = {**os.environ, "DISPLAY": bare_x, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.kiosk.ui.x11_lockdown_child"],
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
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["window"] == report["screen"]
    assert report["active"]  # keyboard input reaches the kiosk with no window manager to give it focus
