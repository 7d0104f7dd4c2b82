"""The one table of a benchmark run (issue 15): the headline figures, each against what it is compared with (a
ceiling measured in the same run, pretix's measured rate, a bare-Qt floor), and the machine it ran on.

Each benchmark gives its figures with ``Result.headline(key, ...)``; FIGURES names and orders them. A figure whose
benchmark was not run, failed, or ran without that part is a row saying so, never a blank.

    python -m tests.benchmarks.summary [.bench/latest.json] [--markdown]   # the table again, from the JSON
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.benchmarks._common import Result


@dataclass(frozen=True)
class Figure:
    benchmark: str
    key: str
    figure: str


FIGURES = (
    Figure(
        "api_flash_sale",
        "https_demo",
        "Flash sale over HTTPS (encore-server, 64 kiosks, 12,000 GA), orders/s",
    ),
    Figure("api_flash_sale", "https_attended", "Flash sale over HTTPS, a staff PIN per checkout, orders/s"),
    Figure(
        "api_flash_sale",
        "https_open_loop_hold",
        "Flash sale over HTTPS, buyers arriving at half that rate: hold p50 / p99",
    ),
    Figure("api_flash_sale", "in_process_demo", "Flash sale in-process (the same sale, no HTTP), orders/s"),
    Figure("flash_sale", "orders", "Flash sale in-process, 2,000 seats + 10,000 standing, orders/s"),
    Figure("hold_ceiling", "holds", "Standing holds/s in-process, Redis publish on"),
    Figure("checkout_ceiling", "checkouts", "Checkouts/s in-process, Redis publish on"),
    Figure(
        "live_latency", "commit_to_view", "Live update: commit → another kiosk's seat map view, p50 / p99"
    ),
    Figure("tickets", "checkin", "Online check-in, 8 doors at once, scans/s"),
    Figure("tickets", "offline", "Offline ticket verifications/s (one core)"),
    Figure("tickets", "pdfs", "Ticket PDFs/s, 2 worker processes"),
    Figure("tickets", "pdf_speedup", "Ticket PDFs: speed-up of 2 workers over 1"),
    Figure("kiosk_app", "welcome", "Kiosk cold start → Welcome screen painted (its first frame)"),
    Figure("kiosk_app", "ready", "Kiosk cold start → ready to sell (client open, concerts read)"),
    Figure("admin_app", "first_frame", "Admin cold start → first painted window (sign-in)"),
    Figure("admin_app", "dashboard", "Admin sign-in → dashboard painted, live"),
    Figure("kiosk_seat_map", "first_paint", "Seat map, 20,000 seats: build → first paint"),
    Figure("kiosk_seat_map", "changes", "Seat map: 1,000 live seat changes + repaint"),
    Figure("kiosk_app", "rss", "Memory: kiosk after a 2-seat purchase"),
    Figure("admin_app", "rss", "Memory: admin with the dashboard open"),
    Figure("api_flash_sale", "server_rss", "Memory: encore-server (all processes) under the HTTPS sale"),
)


@dataclass(frozen=True)
class SummaryRow:
    figure: str
    value: float | int | str | None
    """None: not measured (``compared`` says why)."""
    unit: str
    compared: str
    benchmark: str

    @property
    def measured(self) -> bool:
        return self.value is not None


_LOST = "NOT MEASURED: "
"""How a benchmark's setup names a part that failed while the rest ran (api_flash_sale)."""


def summary_rows(results: Sequence[Result], figures: Sequence[Figure] = FIGURES) -> list[SummaryRow]:
    """One row per figure, in order, from the benchmarks' headlines; a missing one says why it is missing."""
    by_name = {r.name: r for r in results}
    rows = []
    for f in figures:
        result = by_name.get(f.benchmark)
        headline = result.headlines.get(f.key) if result is not None and not result.error else None
        if headline is not None:
            rows.append(SummaryRow(f.figure, headline.value, headline.unit, headline.compared, f.benchmark))
            continue
        if result is None:
            why = "not run (make bench runs it; --only left it out)"
        elif result.error:
            why = result.error  # a skip says why (no Redis), a failure its exception
        else:
            parts = [f"{k.removeprefix(_LOST)}: {v}" for k, v in result.setup.items() if k.startswith(_LOST)]
            why = "ran without this part" + (f" ({'; '.join(parts)})" if parts else "")
        rows.append(SummaryRow(f.figure, None, "", f"NOT MEASURED: {f.benchmark}: {why}"[:200], f.benchmark))
    return rows


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:,.1f}"
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def machine_line(meta: Mapping[str, Any]) -> str:
    """Cores, CPU, servers' versions and the load average around the run, in one line."""
    load = meta.get("load_average") or {}
    cores = meta.get("cores") or 1
    before, after = load.get("before"), load.get("after")
    # "after" is mostly the run's own load (it keeps both cores busy); "before" is what others were doing.
    loads = f"load average {before} before, {after} after (1 min)" if load else "load average unknown"
    if isinstance(before, (int, float)) and before >= cores / 2:
        loads += ": the machine was shared and busy when the run started; rates are lower than on a quiet one"
    return (
        f"{cores} cores, {meta.get('cpu') or 'CPU unknown'}; PostgreSQL {meta.get('postgres', '-')}, "
        f"Redis {meta.get('redis', '-')}, Python {meta.get('python', '-')}; {loads}"
    )


def render_summary(rows: Sequence[SummaryRow], meta: Mapping[str, Any]) -> str:
    header = ("figure", "value", "unit", "compared with")
    table = [(r.figure, fmt(r.value), r.unit, r.compared) for r in rows]
    widths = [max([len(header[i])] + [len(t[i]) for t in table]) for i in range(3)]

    def line(cells: Sequence[str]) -> str:
        a, b, c, d = cells
        return f"  {a:<{widths[0]}}  {b:>{widths[1]}}  {c:<{widths[2]}}  {d}".rstrip()

    return "\n".join(
        [
            f"== summary: commit {meta.get('commit', '?')}, {meta.get('date', '?')}",
            f"   machine: {machine_line(meta)}",
            line(header),
            line(("-" * widths[0], "-" * widths[1], "-" * widths[2], "-" * len(header[3]))),
            *(line(t) for t in table),
        ]
    )


def render_markdown(rows: Sequence[SummaryRow], meta: Mapping[str, Any]) -> str:
    """The README's table."""
    lines = [
        f"Run {str(meta.get('date', '?'))[:16].replace('T', ' ')} UTC, commit {meta.get('commit', '?')}; "
        f"{machine_line(meta)}.",
        "",
        "| figure | value | compared with |",
        "|---|---|---|",
    ]
    for r in rows:
        value = f"{fmt(r.value)} {r.unit}".strip() if r.measured else "not measured"
        lines.append(f"| {r.figure.strip()} | {value} | {r.compared} |")
    return "\n".join(lines)


def as_json(rows: Sequence[SummaryRow]) -> list[dict[str, Any]]:
    return [{**asdict(r), "measured": r.measured} for r in rows]


def _from_json(path: Path) -> tuple[list[SummaryRow], dict[str, Any]]:
    payload = json.loads(path.read_text())
    rows = [SummaryRow(**{k: v for k, v in r.items() if k != "measured"}) for r in payload["summary"]]
    return rows, payload["meta"]


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    found, meta = _from_json(Path(args[0] if args else ".bench/latest.json"))
    print(render_markdown(found, meta) if "--markdown" in sys.argv else render_summary(found, meta))
