"""Kiosk cold start to the Welcome frame (its first) and to ready to sell; memory after a purchase; vs bare Qt.

Each measurement is a fresh child process (a cold interpreter, offscreen Qt) on a seeded demo SQLite file:
    python -m tests.benchmarks.kiosk_app
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.benchmarks._common import Result

NAME = "kiosk_app"
TITLE = "Kiosk app: cold start to Welcome and to ready to sell, memory after a purchase (offscreen, embedded SQLite)"
REPEATS = 3
SCREEN = {"name": "kiosk", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96, "dpr": 1}


def _rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _child_kiosk(folder: str) -> None:
    # As kiosk/__main__.py and kiosk.app start: the collector paused, settings, Qt, Welcome painted, then core's
    # client loaded and opened, and the kiosk's first answer (enrolled, the concerts read) shown.
    from kiosk.startup import pause_collector, resume_collector

    pause_collector()
    from core.config import load

    # isort: split
    import qasync
    from PySide6.QtWidgets import QApplication

    from kiosk.app import connected, welcome_first

    app = QApplication([])
    settings = replace(load(), kiosk_lockdown=False, kiosk_printer=f"folder:{folder}")

    async def run() -> dict[str, Any]:
        from kiosk.viewmodels.flow_state import Step

        sales = welcome_first(settings)
        flow = sales.flow
        assert flow.state.step is Step.WELCOME
        sales.window.resize(1920, 1080)
        sales.window.grab()
        painted, cpu = time.time(), time.process_time()
        async with connected(sales, settings):
            resume_collector()
            await _until(lambda: flow.state.step is Step.WELCOME and flow.state.enrolment is not None)
            sales.window.grab()
            ready, ready_cpu = time.time(), time.process_time()
            flow.request_begin()
            await _until(lambda: flow.state.step is Step.CONCERTS and not flow.state.busy)
            flow.request_choose_concert(flow.state.concerts[0].concert.id)
            await _until(lambda: flow.state.step is Step.SEATS and not flow.state.busy)
            assert flow.seat_map is not None
            free = [p.id for p in flow.seat_map.seats if flow.seat_map.state_of(p.id).value == "free"][:2]
            for seat in free:
                flow.seat_map.toggle(seat)
            flow.request_hold_selection()
            await _until(lambda: flow.state.step is Step.REVIEW and not flow.state.busy)
            flow.request_to_payment()
            await _until(lambda: flow.state.step is Step.PAYMENT and not flow.state.busy)
            flow.request_pay_demo(True)
            await _until(lambda: flow.state.step is Step.DONE, within=60)
            sales.window.grab()
            rss = _rss_mib()
            await sales.aclose()
        return {
            "painted": painted,
            "cpu": cpu,
            "ready": ready,
            "ready_cpu": ready_cpu,
            "rss": rss,
        }

    result = qasync.run(run())
    del app
    print(json.dumps(result), flush=True)


async def _until(check: Any, within: float = 30.0) -> None:
    # Polled: the condition is reached by the flow's own tasks, whichever signal they emit on the way.
    async with asyncio.timeout(within):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def _prepare(folder: Path) -> dict[str, str]:
    """A seeded demo database with this benchmark's kiosk key approved."""
    from core.config import Settings
    from core.domain.devices import DeviceKind
    from core.ops import seed
    from core.services import ServiceContext, devices
    from tests.builders import ROOT
    from tests.support import sqlite

    db = folder / "demo.sqlite3"
    await sqlite.create_template(db)
    env = {
        "ENCORE_DATABASE_URL": sqlite.url_for(db),
        "ENCORE_DEVICE_KEY_REF": f"file:{folder / 'kiosk.key'}",
        "ENCORE_LOG_LEVEL": "WARNING",
    }
    settings = Settings(database_url=env["ENCORE_DATABASE_URL"], device_key_ref=env["ENCORE_DEVICE_KEY_REF"])
    async with ServiceContext.open(settings) as ctx:
        await seed.seed_demo(ctx)
        enrolment = await devices.enrol_this_device(ctx, kind=DeviceKind.KIOSK, name="Bench kiosk")
        await devices.approve_device(ctx, ROOT, enrolment.device.id)
    return env


_BARE = """
import json, time
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel("Encore")
label.resize(1920, 1080)
label.show()
label.grab()
app.processEvents()
rss = next(int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmRSS:"))
print(json.dumps({"painted": time.time(), "cpu": time.process_time(), "rss": rss}), flush=True)
"""


def _cold_runs(
    mode: str, env: dict[str, str], folder: Path, *extra: str, module: str = NAME
) -> list[tuple[float, dict[str, Any]]]:
    """REPEATS cold starts after one that is not counted. An installed kiosk starts from compiled bytecode (pip
    and PyInstaller write it), so the children keep theirs in ``folder`` (never beside the sources), and the
    uncounted first start writes it: without this, a shell with PYTHONDONTWRITEBYTECODE (CI's) made every
    measured start compile each of Encore's modules again, about a third of the kiosk's first frame."""
    cached = {**env, "PYTHONPYCACHEPREFIX": str(folder / "bytecode")}
    _spawn(mode, cached, *extra, module=module)
    return [_spawn(mode, cached, *extra, module=module) for _ in range(REPEATS)]


def _spawn(mode: str, env: dict[str, str], *extra: str, module: str = NAME) -> tuple[float, dict[str, Any]]:
    """A cold child process (``python -m tests.benchmarks.<module> --child <mode>``); the bare floor is a
    `python -c` that imports nothing but PySide6."""
    full = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env}
    if "PYTHONPYCACHEPREFIX" in env:
        full.pop("PYTHONDONTWRITEBYTECODE", None)
    command = (
        [sys.executable, "-c", _BARE]
        if mode == "bare"
        else [sys.executable, "-m", f"tests.benchmarks.{module}", "--child", mode, *extra]
    )
    started = time.time()
    out = subprocess.run(
        command,
        env=full,
        capture_output=True,
        text=True,
        check=True,
        timeout=180,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    data["started"] = started
    return data["painted"] - started, data


async def run(env: Any, scale: float = 1.0) -> Result:
    # Imported here, not at the top: the child processes are this module too, and must load only the kiosk.
    from tests.benchmarks._common import Result, ms

    result = Result(
        NAME,
        TITLE,
        setup={
            "repeats": REPEATS,
            "platform": "offscreen, one 1920 x 1080 screen",
            "database": "SQLite demo",
            "bytecode": "compiled once by an uncounted first start, as an installed kiosk has it",
        },
    )
    with tempfile.TemporaryDirectory(prefix="encore-bench-kiosk-") as tmp:
        folder = Path(tmp)
        (folder / "printed").mkdir()
        child_env = await _prepare(folder)
        # A full-HD kiosk screen, so the window is shown at the size it is measured at (offscreen's own screen
        # is 800 x 800: the window was laid out and styled for it, then again for 1920 x 1080).
        (folder / "screen.json").write_text(json.dumps({"screens": [SCREEN]}))
        child_env["QT_QPA_PLATFORM"] = f"offscreen:configfile={folder / 'screen.json'}"
        bare = _cold_runs("bare", child_env, folder)
        kiosk = _cold_runs("kiosk", child_env, folder, str(folder / "printed"))
    bare_s = sorted(t for t, _ in bare)[REPEATS // 2]
    bare_cpu = sorted(d["cpu"] for _, d in bare)[REPEATS // 2]
    welcome_s = sorted(t for t, _ in kiosk)[REPEATS // 2]
    welcome_cpu = sorted(d["cpu"] for _, d in kiosk)[REPEATS // 2]
    ready_s = sorted(d["ready"] - d["started"] for _, d in kiosk)[REPEATS // 2]
    ready_cpu = sorted(d["ready_cpu"] for _, d in kiosk)[REPEATS // 2]
    result.add(
        "cold start → Welcome painted, the first frame (median)",
        ms(welcome_s),
        "ms",
        f"python -c with PySide6 only: QApplication + QLabel painted {ms(bare_s)} ms",
        "includes Python start, Qt, the sales window; painted before core's services (SQLAlchemy) load",
    )
    result.add(
        "cold start → ready to sell: enrolment answered, concerts read (median)",
        ms(ready_s),
        "ms",
        f"PySide6 only: {ms(bare_s)} ms",
        "Welcome shows the venue; a tap on Buy tickets before this waits for it",
    )
    result.add(
        "CPU time to the Welcome frame (median)",
        ms(welcome_cpu),
        "ms",
        f"PySide6 only: {ms(bare_cpu)} ms",
        "the child's process_time: steadier than the wall clock when the machine is busy",
    )
    result.add("CPU time to ready to sell (median)", ms(ready_cpu), "ms", f"PySide6 only: {ms(bare_cpu)} ms")
    floor = f"PySide6 alone {1000 * bare_s:,.0f} ms (CPU {1000 * bare_cpu:,.0f})"
    result.headline("welcome", ms(welcome_s), "ms", f"{floor}; CPU {1000 * welcome_cpu:,.0f} ms")
    result.headline("ready", ms(ready_s), "ms", f"{floor}; CPU {1000 * ready_cpu:,.0f} ms")
    bare_rss = sorted(d["rss"] for _, d in bare)[REPEATS // 2]
    kiosk_rss = sorted(d["rss"] for _, d in kiosk)[REPEATS // 2]
    result.add(
        "resident memory after a 2-seat purchase (median)",
        round(kiosk_rss, 1),
        "MiB",
        f"bare QApplication {round(bare_rss, 1)} MiB",
    )
    result.headline("rss", round(kiosk_rss, 1), "MiB", f"bare QApplication {bare_rss:,.0f} MiB")
    return result


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "--child":
        _child_kiosk(sys.argv[3])
    else:
        outcome = asyncio.run(run(None))
        for row in outcome.rows:
            print(f"{row.name:<55} {row.value:>10} {row.unit:<4} {row.ceiling}")
