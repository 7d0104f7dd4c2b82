"""`make bench`'s one table (tests/benchmarks/summary.py): the benchmarks' headline figures in a fixed order, each
with what it is compared against; a figure whose benchmark was not run, failed, or lost that part says so; the
machine line; the same rows in the JSON and the README's markdown."""

from __future__ import annotations

import json
from pathlib import Path

from tests.benchmarks import __main__ as bench_main
from tests.benchmarks._api_flash_load import Tally
from tests.benchmarks._api_flash_report import Sale, report
from tests.benchmarks._common import Result
from tests.benchmarks.hold_ceiling import Outcome
from tests.benchmarks.summary import (
    FIGURES,
    Figure,
    _from_json,
    as_json,
    machine_line,
    render_markdown,
    render_summary,
    summary_rows,
)

FEW = (
    Figure("flash_sale", "orders", "Flash sale in-process, orders/s"),
    Figure("tickets", "pdfs", "Ticket PDFs/s"),
    Figure("tickets", "pdf_speedup", "  speed-up"),
    Figure("admin_app", "rss", "Memory: admin"),
)
META = {
    "date": "2026-12-04T03:20:00+00:00",
    "commit": "abc1234",
    "cores": 2,
    "cpu": "AMD EPYC 7B13",
    "postgres": "15.20",
    "redis": "8.1.0",
    "python": "3.11.7",
    "load_average": {"before": 0.4, "after": 1.5},
}


def _tickets() -> Result:
    tickets = Result("tickets", "Tickets")
    tickets.headline("pdfs", 152.0, "PDFs/s", "1 worker 86.2/s")
    tickets.headline("pdf_speedup", 1.76, "x", "ideal 2.0 on 2 cores")
    return tickets


def test_each_figure_in_order_with_its_value_unit_and_comparison() -> None:
    flash = Result("flash_sale", "Flash sale")
    flash.headline("orders", 224.0, "/s", "8.0x pretix GA (28/s); OVERSOLD 0 places")
    admin = Result("admin_app", "Admin")
    admin.headline("rss", 201.5, "MiB", "bare QApplication 57.4 MiB")
    rows = summary_rows([admin, _tickets(), flash], FEW)  # the run's order does not matter
    assert [(r.figure, r.value, r.unit, r.compared, r.benchmark, r.measured) for r in rows] == [
        (
            "Flash sale in-process, orders/s",
            224.0,
            "/s",
            "8.0x pretix GA (28/s); OVERSOLD 0 places",
            "flash_sale",
            True,
        ),
        ("Ticket PDFs/s", 152.0, "PDFs/s", "1 worker 86.2/s", "tickets", True),
        ("  speed-up", 1.76, "x", "ideal 2.0 on 2 cores", "tickets", True),
        ("Memory: admin", 201.5, "MiB", "bare QApplication 57.4 MiB", "admin_app", True),
    ]


def test_a_benchmark_not_run_or_failed_shows_as_not_measured_and_the_others_stay() -> None:
    failed = Result("admin_app", "Admin", error="CalledProcessError: exit status 1")
    failed.headline("rss", 99.0, "MiB")  # given before it failed: not shown as if measured
    rows = summary_rows([_tickets(), failed], FEW)
    flash, pdfs, _, admin = rows
    assert (flash.value, flash.measured, flash.unit) == (None, False, "")
    assert flash.compared == "NOT MEASURED: flash_sale: not run (make bench runs it; --only left it out)"
    assert (admin.value, admin.compared) == (
        None,
        "NOT MEASURED: admin_app: CalledProcessError: exit status 1",
    )
    assert (pdfs.value, pdfs.measured) == (152.0, True)
    text = render_summary(rows, META)
    assert "Flash sale in-process, orders/s      -" in text
    assert "NOT MEASURED: flash_sale: not run" in text
    assert (
        "| Flash sale in-process, orders/s | not measured | NOT MEASURED: flash_sale: not run"
        in render_markdown(rows, META)
    )


def test_a_part_that_failed_inside_a_benchmark_says_which_and_why() -> None:
    api = Result("api_flash_sale", "API", setup={"NOT MEASURED: over HTTPS, attended": "TimeoutError: 10 s"})
    api.headline("https_demo", 246.0, "/s", "8.8x pretix GA (28/s)")
    figures = (
        Figure("api_flash_sale", "https_demo", "demo"),
        Figure("api_flash_sale", "https_attended", "PIN"),
    )
    demo, attended = summary_rows([api], figures)
    assert demo.value == 246.0
    assert attended.value is None
    assert attended.compared == (
        "NOT MEASURED: api_flash_sale: ran without this part (over HTTPS, attended: TimeoutError: 10 s)"
    )


def test_the_json_carries_the_same_rows(tmp_path: Path) -> None:
    rows = summary_rows([_tickets()], FEW)
    payload = {"meta": META, "summary": as_json(rows)}
    assert [r["measured"] for r in payload["summary"]] == [False, True, True, False]
    (tmp_path / "latest.json").write_text(json.dumps(payload))
    again, meta = _from_json(tmp_path / "latest.json")
    assert again == rows
    assert meta == META


def test_the_machine_line_names_cores_cpu_versions_and_the_load_and_flags_a_busy_machine() -> None:
    quiet = machine_line(META)
    assert quiet == (
        "2 cores, AMD EPYC 7B13; PostgreSQL 15.20, Redis 8.1.0, Python 3.11.7; "
        "load average 0.4 before, 1.5 after (1 min)"
    )
    # The run itself keeps both cores busy, so only the load before it says whether others were using them.
    busy = machine_line({**META, "load_average": {"before": 1.0, "after": 6.85}})
    assert busy.endswith(
        "load average 1.0 before, 6.85 after (1 min): the machine was shared and busy when the run started; "
        "rates are lower than on a quiet one"
    )
    assert machine_line({**META, "load_average": {"before": 0.9, "after": 6.85}}).endswith(
        "6.85 after (1 min)"
    )
    assert "machine: " + quiet in render_summary([], META)


def test_every_figure_comes_from_a_benchmark_that_make_bench_runs_and_is_named_once() -> None:
    assert {f.benchmark for f in FIGURES} <= set(bench_main.BENCHMARKS)
    assert len({(f.benchmark, f.key) for f in FIGURES}) == len(FIGURES)
    # The list: flash sale in-process and over the API, live updates, check-in, offline verification,
    # PDFs and the speed-up, kiosk and admin cold start, the 20,000-seat map, memory.
    assert {
        "api_flash_sale",
        "flash_sale",
        "live_latency",
        "tickets",
        "kiosk_app",
        "admin_app",
        "kiosk_seat_map",
    } <= {f.benchmark for f in FIGURES}


def _sale(label: str, orders: int, holds: int, seconds: float, rss: tuple[float, int]) -> Sale:
    tally = Tally(hold_lat=[0.01] * holds, checkout_lat=[0.02] * orders, orders=orders, tickets=2 * orders)
    tally.places = list(range(2 * orders))
    check = {"sold": 2 * orders, "held": 0, "capacity": 12_000, "multi_ticket_places": 0, "orphan_tickets": 0}
    return Sale(label, tally, seconds, {**check, "rows": 12_000}, server_rss=rss)


def test_the_api_flash_sale_gives_orders_against_pretix_holds_against_the_least_sql_and_the_servers_memory() -> (
    None
):
    result = Result("api_flash_sale", "API")
    runs = [
        _sale("over HTTPS, demo terminal", 2_800, 2_800, 10.0, (410.5, 3)),
        _sale("over HTTPS, attended (PIN)", 560, 600, 10.0, (395.0, 3)),
        _sale("in-process, demo terminal", 5_600, 5_600, 10.0, (float("nan"), 0)),
    ]
    raw = Outcome(holds=14_000, elapsed=4.0)
    report(result, runs, {}, raw, (20.0, 20.0), {})
    h = result.headlines
    assert (h["https_demo"].value, h["https_demo"].unit) == (280.0, "/s")
    assert (
        h["https_demo"].compared
        == "10.0x pretix GA (28/s); holds/s 0.08 of the least SQL (3,500/s); OVERSOLD 0"
    )
    assert h["https_attended"].compared == (
        "2.0x pretix GA (28/s); holds/s 0.02 of the least SQL (3,500/s); OVERSOLD 0"
    )
    assert h["in_process_demo"].value == 560.0
    assert (h["server_rss"].value, h["server_rss"].unit) == (410.5, "MiB")
    assert "3 processes" in h["server_rss"].compared
    # Without the ceiling (it failed) the comparison with pretix stands alone.
    again = Result("api_flash_sale", "API")
    report(again, runs[:1], {}, None, (20.0, 20.0), {})
    assert again.headlines["https_demo"].compared == "10.0x pretix GA (28/s); OVERSOLD 0"
    assert "server_rss" in again.headlines
    assert "https_attended" not in again.headlines


def test_the_open_loop_sale_gives_the_hold_latency_at_its_arrival_rate_beside_the_closed_loops() -> None:
    result = Result("api_flash_sale", "API")
    closed = _sale("over HTTPS, demo terminal", 2_800, 2_800, 10.0, (410.5, 3))
    closed.tally.hold_lat = [0.2] * 2_800
    opened = _sale("over HTTPS, demo terminal, open loop", 1_400, 1_400, 10.0, (400.0, 3))
    opened.tally.hold_lat = [0.004] * 1_300 + [0.03] * 100
    opened.arrivals_per_s = 140.0
    report(result, [closed, opened], {}, None, (20.0, 20.0), {})
    h = result.headlines["https_open_loop_hold"]
    assert (h.value, h.unit) == ("4.0 / 30.0", "ms")
    assert h.compared == (
        "buyers arriving at 140/s, demo terminal; aim p99 < 100 ms; closed loop (64 kiosks always buying) p99 200.0 ms"
    )
    # The open loop is not a closed loop's headline: the demo sale's orders/s stay the closed loop's.
    assert result.headlines["https_demo"].value == 280.0
    assert "140.0/s" in result.setup["over HTTPS, demo terminal, open loop"]
