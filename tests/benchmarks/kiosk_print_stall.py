"""The longest GUI-thread stall while the kiosk renders and prints an order of 4 tickets.

A QTimer ticks every 5 ms on the Qt loop (qasync) and the largest gap between two ticks is the stall a buyer
would see (a frozen progress animation, a touch that does not answer). Measured for TicketPrinting.print_order
with the folder printer and with QtPrinter painting into Qt's PDF engine (the same QPainter path a CUPS printer
takes), against two references: the timer alone (the floor: timer jitter) and the whole job done synchronously
on the GUI thread (render the PDF, rasterise it, paint it: the ceiling that off-thread work avoids).

The kiosk runs on its embedded SQLite database, so this needs no server: `run()` starts the measurement in a
child process (Qt wants the main thread and its own event loop), `measure()` is the measurement itself:

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.kiosk_print_stall
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

NAME = "kiosk_print_stall"
TITLE = "Kiosk printing: longest GUI-thread stall while 4 tickets render and print (Qt loop, 5 ms timer)"
TICKETS = 4
REPEATS = 7
TICK_MS = 5


class StallMeter:
    """Largest gap between ticks of a 5 ms precise QTimer while a coroutine runs on the Qt loop."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.worst = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    async def around(self, work: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
        """(worst gap, wall time) in seconds, both over the work alone (the timer settles first)."""
        self.timer.start()
        await asyncio.sleep(0.05)
        self.last, self.worst = time.perf_counter(), 0.0
        started = time.perf_counter()
        await work()
        wall = time.perf_counter() - started
        await asyncio.sleep(0.02)  # the tick right after the work closes the last gap
        self.timer.stop()
        return self.worst, wall


def _paint_now(pdf: bytes, target: Path) -> None:
    """The ceiling: rasterise and paint every page on the GUI thread, without yielding."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QPainter

    from kiosk.devices.print_qt import QtPrinter, _layout, rasterise

    printer = QtPrinter(pdf_file=target)._printer("ceiling", 1)
    pages = rasterise(pdf, printer.resolution())
    printer.setPageLayout(_layout(pages[0]))
    painter = QPainter(printer)
    for index, page in enumerate(pages):
        if index:
            printer.setPageLayout(_layout(page))
            printer.newPage()
        for top, strip in page.strips:
            painter.drawImage(QPointF(0, top), strip)
    painter.end()


async def _measure(repeats: int) -> dict[str, Any]:
    from core.client.local import LocalClient
    from core.domain.clock import SystemClock
    from core.services import tickets
    from core.tickets.pdf import render_pdf
    from kiosk.devices.print_folder import FolderPrinter
    from kiosk.devices.print_qt import QtPrinter
    from kiosk.viewmodels.printing import TicketPrinting
    from tests.builders import build_stage, sell, signing_kiosk
    from tests.support import sqlite
    from tests.support.context import open_context

    meter = StallMeter()
    with tempfile.TemporaryDirectory(prefix="encore-print-bench-") as tmp:
        root = Path(tmp)
        await sqlite.create_template(root / "kiosk.sqlite3")
        async with open_context(sqlite.url_for(root / "kiosk.sqlite3"), SystemClock()) as ctx:
            stage = await build_stage(ctx, rows=1, seats_per_row=TICKETS)
            kiosk = await signing_kiosk(ctx, "Bench kiosk")
            order = await sell(ctx, stage, kiosk, stage.seats[:TICKETS], "bench-print")
            documents = await tickets.order_documents(ctx, kiosk, order.code)
            (root / "out").mkdir()

            async def via(printer: Any) -> None:
                outcome = await TicketPrinting(printer).print_order(LocalClient.over(ctx, actor=kiosk), order)
                if not outcome.ok:
                    raise RuntimeError(f"print failed: {outcome.error}")

            async def ceiling() -> None:
                _paint_now(render_pdf(documents, tickets.Layout.TICKET80), root / "ceiling.pdf")

            cases: dict[str, Callable[[], Awaitable[Any]]] = {
                "idle": lambda: asyncio.sleep(0.3),
                "folder": lambda: via(FolderPrinter(root / "out")),
                "qt_pdf_300dpi": lambda: via(QtPrinter(pdf_file=root / "qt300.pdf")),
                "qt_pdf_203dpi": lambda: via(QtPrinter(pdf_file=root / "qt203.pdf", max_dpi=203)),
                "sync_on_gui_thread": ceiling,
            }
            results: dict[str, Any] = {}
            for name, work in cases.items():
                await work()  # warm up: imports, fonts, pdfium, the SQLite page cache
                runs = [await meter.around(work) for _ in range(repeats)]
                gaps = [gap for gap, _ in runs]
                results[name] = {
                    "max_gap_ms": round(max(gaps) * 1000, 1),
                    "median_gap_ms": round(statistics.median(gaps) * 1000, 1),
                    "median_wall_ms": round(statistics.median(w for _, w in runs) * 1000, 1),
                }
    return results


def measure(repeats: int = REPEATS) -> dict[str, Any]:
    """Run in this process (it must be free to own a QApplication and the main thread's event loop)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(_measure(repeats))


async def run(env: Any, scale: float = 1.0) -> Any:
    """The tests/benchmarks entry point: measure in a child process, one table row per case."""
    from tests.benchmarks._common import Result

    repeats = max(3, round(REPEATS * scale))
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        __name__,
        "--repeats",
        str(repeats),
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await child.communicate()
    if child.returncode:
        raise RuntimeError(f"measurement failed: {err.decode(errors='replace')[-500:]}")
    data = json.loads(out)
    result = Result(
        NAME, TITLE, setup={"tickets": TICKETS, "repeats": repeats, "timer": f"{TICK_MS} ms precise"}
    )
    ceiling = f"sync on GUI thread {data['sync_on_gui_thread']['max_gap_ms']} ms"
    floor = f"idle timer {data['idle']['max_gap_ms']} ms"
    for case in ("folder", "qt_pdf_300dpi", "qt_pdf_203dpi"):
        row = data[case]
        result.add(
            f"max GUI stall, {case}",
            row["max_gap_ms"],
            "ms",
            f"{ceiling}; {floor}",
            f"median {row['median_gap_ms']} ms; print_order {row['median_wall_ms']} ms",
        )
    sync = data["sync_on_gui_thread"]
    result.add(
        "max GUI stall, sync on GUI thread",
        sync["max_gap_ms"],
        "ms",
        "the ceiling",
        f"job {sync['median_wall_ms']} ms",
    )
    return result


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args()
    print(json.dumps(measure(args.repeats), indent=2))
