"""Admin cold start to the first painted window (the sign-in screen, the first frame a manager sees), then signing
in as the demo manager to the dashboard with its live counts; resident memory with the dashboard open; vs bare Qt.

Each measurement is a fresh child process running `encore-admin` itself (admin.__main__.main: settings, logging,
Qt, the theme, the keyring, the in-process staff client, the window) on a seeded demo SQLite file, offscreen:
    python -m tests.benchmarks.admin_app
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.benchmarks.kiosk_app import REPEATS, SCREEN, _cold_runs, _rss_mib, _until

if TYPE_CHECKING:
    from tests.benchmarks._common import Result

NAME = "admin_app"
TITLE = "Admin app: cold start to the first painted window (sign-in), the dashboard, memory (offscreen, SQLite demo)"
MANAGER = ("manager@encore.demo", "demo-manager-2026")
"""core.ops.seed's documented demo manager: the dashboard is a manager's first screen."""


def _dashboard_ready(window: Any) -> bool:
    """The dashboard has its concerts, each watched live, and the chosen one's sales series."""
    from admin.ui.dashboard_page import DashboardPage

    if window.shell is None or not window.shell.built or not isinstance(window.shell.built[0], DashboardPage):
        return False
    state = window.shell.built[0].vm.state
    return bool(state.loaded and not state.busy and state.concerts and state.sales is not None) and all(
        c.watching for c in state.concerts
    )


def _child_admin(config: str) -> None:
    # encore-admin's own entry; only show_window is wrapped, to stamp the first paint and then sign in. The child
    # ends itself once measured: closing the admin window is not what is measured here.
    import admin.app
    from admin.__main__ import main

    marks: dict[str, Any] = {}
    show_window = admin.app.show_window

    def shown(window: Any) -> None:
        show_window(window)
        window.grab()
        marks["painted"], marks["cpu"] = time.time(), time.process_time()
        marks["signed_out_rss"] = _rss_mib()
        tasks.append(asyncio.get_running_loop().create_task(_sign_in(window)))

    async def _sign_in(window: Any) -> None:
        code = 1
        try:
            form = window.sign_in
            form.email.setText(MANAGER[0])
            form.password.setText(MANAGER[1])
            marks["sign_in"] = time.time()
            form.sign_in.click()
            await _until(lambda: _dashboard_ready(window), within=60)
            window.grab()
            marks["dashboard"] = time.time()
            marks["rss"] = _rss_mib()
            print(json.dumps(marks), flush=True)
            code = 0
        except BaseException as exc:
            print(f"the dashboard was not reached: {exc!r}; {marks}", file=sys.stderr, flush=True)
        finally:
            os._exit(code)

    tasks: list[asyncio.Task[None]] = []
    admin.app.show_window = shown  # type: ignore[assignment]
    code = main(["--config", config])
    raise SystemExit(f"encore-admin exited {code} before its dashboard was painted: {marks}")


async def _prepare(folder: Path) -> dict[str, str]:
    """A seeded demo database (the demo staff, venue and concerts), as `make admin` prepares one."""
    from core.config import Settings
    from core.ops import seed
    from core.services import ServiceContext
    from tests.support import sqlite

    db = folder / "demo.sqlite3"
    await sqlite.create_template(db)
    url = sqlite.url_for(db)
    async with ServiceContext.open(Settings(database_url=url)) as ctx:
        await seed.seed_demo(ctx)
    return {
        "ENCORE_DATABASE_URL": url,
        "ENCORE_LOG_LEVEL": "WARNING",
        # No OS keyring (a headless desk has none): nothing remembered, nothing written to the user's keyring.
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


async def run(env: Any, scale: float = 1.0) -> Result:
    from tests.benchmarks._common import Result, ms

    result = Result(
        NAME,
        TITLE,
        setup={
            "repeats": REPEATS,
            "platform": "offscreen, one 1920 x 1080 screen",
            "database": "SQLite demo (core.ops.seed), no OS keyring",
            "bytecode": "compiled once by an uncounted first start, as an installed app has it",
            "first frame": "the sign-in screen (nothing remembered): the window as shown, grabbed",
            "dashboard": f"signed in as {MANAGER[0]} through the form; ready = concerts read, each watched "
            "live, the chosen one's sales series drawn",
        },
    )
    with tempfile.TemporaryDirectory(prefix="encore-bench-admin-") as tmp:
        folder = Path(tmp)
        child_env = await _prepare(folder)
        (folder / "encore.toml").write_text("")  # never the user's own settings
        (folder / "screen.json").write_text(json.dumps({"screens": [SCREEN]}))
        child_env["QT_QPA_PLATFORM"] = f"offscreen:configfile={folder / 'screen.json'}"
        bare = _cold_runs("bare", child_env, folder)
        runs = _cold_runs("admin", child_env, folder, str(folder / "encore.toml"), module=NAME)

    def median(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    bare_s, bare_cpu = median([t for t, _ in bare]), median([d["cpu"] for _, d in bare])
    bare_rss = median([d["rss"] for _, d in bare])
    first_s = median([t for t, _ in runs])
    result.add(
        "cold start → first painted window, the sign-in screen (median)",
        ms(first_s),
        "ms",
        f"python -c with PySide6 only: QApplication + QLabel painted {ms(bare_s)} ms",
        "Python start, imports, settings, theme, keyring, staff client, the window",
    )
    first_cpu = median([d["cpu"] for _, d in runs])
    floor = f"PySide6 alone {1000 * bare_s:,.0f} ms (CPU {1000 * bare_cpu:,.0f})"
    result.headline("first_frame", ms(first_s), "ms", f"{floor}; CPU {1000 * first_cpu:,.0f} ms")
    result.add(
        "CPU time to the first painted window (median)",
        ms(first_cpu),
        "ms",
        f"PySide6 only: {ms(bare_cpu)} ms",
        "the child's process_time: steadier than the wall clock when the machine is busy",
    )
    to_dashboard = median([d["dashboard"] - d["sign_in"] for _, d in runs])
    result.add(
        "Sign in pressed → dashboard painted, live (median)",
        ms(to_dashboard),
        "ms",
        "",
        "password check (argon2), the staff shell, concerts read and watched, sales series",
    )
    result.headline(
        "dashboard", ms(to_dashboard), "ms", "from pressing Sign in (argon2 password check included)"
    )
    result.add(
        "cold start → dashboard painted (median)",
        ms(median([d["dashboard"] - d["started"] for _, d in runs])),
        "ms",
        "",
        "the form filled at the first paint, as if typed at once",
    )
    rss = median([d["rss"] for _, d in runs])
    result.add(
        "resident memory, sign-in screen (median)",
        round(median([d["signed_out_rss"] for _, d in runs]), 1),
        "MiB",
        f"bare QApplication {round(bare_rss, 1)} MiB",
    )
    result.add(
        "resident memory with the dashboard open (median)",
        round(rss, 1),
        "MiB",
        f"bare QApplication {round(bare_rss, 1)} MiB",
    )
    result.headline("rss", round(rss, 1), "MiB", f"bare QApplication {bare_rss:,.0f} MiB")
    return result


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "--child":
        _child_admin(sys.argv[3])
    else:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        outcome = asyncio.run(run(None))
        for row in outcome.rows:
            print(f"{row.name:<60} {row.value:>10} {row.unit:<4} {row.ceiling}")
