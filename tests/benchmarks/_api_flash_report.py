"""The API flash sale's results: one timed sale, and the table rows (rates, latencies, oversold, ceilings)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from tests.benchmarks import hold_ceiling
from tests.benchmarks._api_flash_load import Tally
from tests.benchmarks._common import Result, ms, pct

PRETIX_GA = 28.0
"""pretix on this kind of 2-core machine, its REST API with 4 workers, 16 clients: GA orders/s (7.7/s with a
chosen seat each, not measured here)."""


@dataclass
class Sale:
    """One timed sale: what the buyers saw, how long, the database's check afterwards, the CPU."""

    label: str
    tally: Tally
    elapsed: float
    check: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    server_cpu_s: float = float("nan")
    server_rss: tuple[float, int] = (float("nan"), 0)
    """The server's peak resident memory during the sale (MiB, all its processes) and how many processes."""
    arrivals_per_s: float = 0.0
    """An open loop's arrival rate (0: a closed loop)."""

    @property
    def rate(self) -> float:
        return self.tally.orders / self.elapsed if self.elapsed else 0.0

    @property
    def hold_rate(self) -> float:
        return len(self.tally.hold_lat) / self.elapsed if self.elapsed else 0.0

    @property
    def server_ms_per_order(self) -> float:
        if not self.tally.orders or self.server_cpu_s != self.server_cpu_s:
            return float("nan")
        return 1000 * self.server_cpu_s / self.tally.orders

    @property
    def oversold(self) -> int:
        c = self.check
        twice = len(self.tally.places) - len(set(self.tally.places))
        return (
            max(0, c["sold"] + c["held"] - c["capacity"])
            + c["multi_ticket_places"]
            + c["orphan_tickets"]
            + twice
            + max(0, c["rows"] - c["capacity"])
        )

    def summary(self) -> str:
        text = f"{self.tally.orders:,} orders, {self.tally.tickets:,} places in {self.elapsed:.2f} s"
        text += " (sold out)" if self.tally.sold_out else ""
        text += f"; the database: {self.check.get('sold', 0):,} sold, {self.check.get('held', 0):,} held"
        text += f"; machine {self.cpu.get('machine_busy_pct')}% busy"
        if self.server_ms_per_order == self.server_ms_per_order:
            text += f", server {self.server_ms_per_order:.1f} ms CPU/order"
        if self.arrivals_per_s:
            text += f"; buyers arriving at {self.arrivals_per_s:.1f}/s, {self.tally.waited} found every kiosk busy"
        if self.tally.late_s > 0.05:
            text += f"; a loader started {self.tally.late_s:.2f} s late"
        return text


def report(
    result: Result,
    runs: list[Sale],
    trips: dict[str, tuple[float, float]],
    raw: hold_ceiling.Outcome | None,
    pin_check: tuple[float, float],
    setup: dict[str, Any],
) -> None:
    result.setup = {**setup, **{s.label: s.summary() for s in runs}}
    for s in runs:
        t = s.tally
        result.add(
            f"{s.label}: orders/s", round(s.rate, 1), "/s", f"{s.rate / PRETIX_GA:.1f}x pretix GA (28/s)",
            f"{t.tickets / s.elapsed if s.elapsed else 0:,.0f} places/s",
        )  # fmt: skip
        result.add(
            f"{s.label}: hold p50 / p99", f"{ms(pct(t.hold_lat, 50))} / {ms(pct(t.hold_lat, 99))}", "ms"
        )
        if t.cold_hold_lat:
            result.add(
                f"{s.label}: hold p50 / p99, the server's first seconds",
                f"{ms(pct(t.cold_hold_lat, 50))} / {ms(pct(t.cold_hold_lat, 99))}", "ms", "",
                f"{len(t.cold_hold_lat)} buyers; the server had just started (a restart during a sale)",
            )  # fmt: skip
        result.add(
            f"{s.label}: checkout p50 / p99",
            f"{ms(pct(t.checkout_lat, 50))} / {ms(pct(t.checkout_lat, 99))}",
            "ms",
        )
        losses = ", ".join(f"{k} {v}" for k, v in t.losses.most_common())
        untyped = ", ".join(f"{k} {v}" for k, v in t.untyped.items())
        note = f"untyped: {untyped}; " if untyped else ""
        result.add(
            f"{s.label}: untyped errors", sum(t.untyped.values()), "", "0", note + f"typed: {losses or '-'}"
        )
        result.add(
            f"{s.label}: OVERSOLD", s.oversold, "places", "must be 0", "counted in the database afterwards"
        )
    by_label = {s.label: s for s in runs}
    attended, demo = by_label.get("over HTTPS, attended (PIN)"), by_label.get("over HTTPS, demo terminal")
    if raw is not None and raw.rate:
        api = ", ".join(
            f"{s.label.split(', ')[1]} {s.hold_rate / raw.rate:.2f}" for s in (attended, demo) if s
        )
        result.add(
            "raw asyncpg hold ceiling", round(raw.rate, 1), "holds/s", f"API holds/s over it: {api or '-'}",
            f"hold_ceiling's raw variant, same run, {raw.round_trips:.0f} round trips/hold",
        )  # fmt: skip
    for kind, (per_hold, per_checkout) in trips.items():
        result.add(
            f"PG round trips, {kind}", f"{per_hold:.1f} / {per_checkout:.1f}", "per hold / per checkout", "",
            "counted on the server's sockets through the real app (token check included), + Redis publishes",
        )  # fmt: skip
    if demo and demo.server_ms_per_order == demo.server_ms_per_order:
        bound = 1000 * (os.cpu_count() or 1) / demo.server_ms_per_order
        result.add(
            "server CPU bound, demo terminal", round(bound, 1), "orders/s", f"{bound / PRETIX_GA:.1f}x pretix GA",
            "the server's measured CPU per order, all cores for it alone (the machine is shared)",
        )  # fmt: skip
    _pin_rows(result, pin_check, attended, demo)
    _headlines(result, by_label, raw)


def _headlines(result: Result, by_label: dict[str, Sale], raw: hold_ceiling.Outcome | None) -> None:
    """The summary's figures: orders/s against pretix, holds/s against the least SQL of the same run."""
    for key, label in (
        ("https_demo", "over HTTPS, demo terminal"),
        ("https_attended", "over HTTPS, attended (PIN)"),
        ("in_process_demo", "in-process, demo terminal"),
    ):
        s = by_label.get(label)
        if s is None:
            continue
        compared = f"{s.rate / PRETIX_GA:.1f}x pretix GA ({PRETIX_GA:.0f}/s)"
        if raw is not None and raw.rate:
            compared += f"; holds/s {s.hold_rate / raw.rate:.2f} of the least SQL ({raw.rate:,.0f}/s)"
        compared += f"; OVERSOLD {s.oversold}"
        result.headline(key, round(s.rate, 1), "/s", compared)
    opened = next((s for s in by_label.values() if s.arrivals_per_s), None)
    if opened is not None and opened.tally.hold_lat:
        closed = by_label.get("over HTTPS, demo terminal")
        compared = f"buyers arriving at {opened.arrivals_per_s:.0f}/s, demo terminal; aim p99 < 100 ms"
        if closed is not None:
            compared += f"; closed loop (64 kiosks always buying) p99 {ms(pct(closed.tally.hold_lat, 99))} ms"
        if cold := opened.tally.cold_hold_lat:
            compared += f"; the server's first seconds p99 {ms(pct(cold, 99))} ms"
        lat = opened.tally.hold_lat
        result.headline("https_open_loop_hold", f"{ms(pct(lat, 50))} / {ms(pct(lat, 99))}", "ms", compared)
    sampled = [s for s in by_label.values() if s.server_rss[1]]
    if sampled:
        mib, processes = max(s.server_rss for s in sampled)
        result.headline(
            "server_rss",
            round(mib, 1),
            "MiB",
            f"peak of its {processes} processes (uvicorn and its workers), sampled every 0.5 s",
        )
        for s in sampled:
            result.add(
                f"{s.label}: server resident memory, peak", round(s.server_rss[0], 1), "MiB", "",
                f"{s.server_rss[1]} processes, sampled every 0.5 s; shared pages count in each",
            )  # fmt: skip


def _pin_rows(
    result: Result, pin_check: tuple[float, float], attended: Sale | None, demo: Sale | None
) -> None:
    cpu_ms, wall_ms = pin_check
    cores = os.cpu_count() or 1
    base = demo.server_ms_per_order if demo else float("nan")
    if base == base:
        share = cpu_ms / (cpu_ms + base)
        verdict = (
            f"{100 * share:.0f}% of an attended order's server CPU: {'dominates' if share > 0.5 else 'minor'}"
        )
    else:
        verdict = "no demo order to compare with"
    result.add(
        "PIN check (one per attended checkout)", cpu_ms, "ms CPU", verdict,
        f"{wall_ms} ms wall now; HMAC-SHA256 fingerprint (argon2 was 19 ms); demo order {base:.1f} ms server CPU",
    )  # fmt: skip
    result.add(
        "PIN check bound on attended orders/s", round(1000 * cores / cpu_ms, 1) if cpu_ms else float("nan"), "/s",
        f"{1000 * cores / cpu_ms / PRETIX_GA:.2f}x pretix GA" if cpu_ms else "",
        f"{cores} cores doing nothing but one PIN check per order",
    )  # fmt: skip
    if attended and demo and attended.rate:
        result.add(
            "demo / attended over HTTPS", round(demo.rate / attended.rate, 2), "ratio", "", "the PIN's cost"
        )
