"""The flash-sale benchmark's open loop (tests/benchmarks/_api_flash_load.run_arrivals): buyers arrive at the
rate asked, whether or not the kiosks are free, and a buyer's wait for a busy kiosk counts in the hold's latency
(a slow server cannot hide by slowing the arrivals: no coordinated omission)."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

from tests.benchmarks._api_flash_load import Stock, Tally, run_arrivals


def _kiosk(serve_s: float, served: list[float]) -> tuple:
    async def hold(q: int, key: str) -> object:
        await asyncio.sleep(serve_s)
        return SimpleNamespace(id=key, places=[None] * q)

    async def pay(held: object, n: int, key: str) -> object:
        served.append(time.perf_counter())
        return SimpleNamespace(tickets=[SimpleNamespace(place_id=len(served) * 10 + i) for i in range(1)])

    return hold, pay


async def test_buyers_arrive_at_the_rate_asked_while_kiosks_are_free() -> None:
    served: list[float] = []
    tally = Tally()
    start = time.perf_counter()
    await run_arrivals([_kiosk(0.001, served) for _ in range(8)], 200.0, Stock(), tally, start + 1.0, "t")
    # A Poisson process of 200/s over 1 s: 200 expected, and far more than 3 standard deviations (~42) away
    # from what one kiosk buying in a closed loop would make, or from arrivals that wait for each other.
    assert 150 <= tally.orders <= 250, tally.orders
    assert tally.waited < tally.orders // 10  # 8 kiosks, each busy about 1 ms of every 40
    assert max(tally.hold_lat) < 0.05


async def test_a_buyer_who_waits_for_a_busy_kiosk_counts_the_wait_in_the_holds_latency() -> None:
    served: list[float] = []
    tally = Tally()
    start = time.perf_counter()
    # One kiosk serving in 50 ms while buyers arrive at 100/s: the queue grows for the whole half second.
    await run_arrivals([_kiosk(0.05, served)], 100.0, Stock(), tally, start + 0.5, "t")
    assert tally.waited >= tally.orders // 2
    # The kiosk alone serves in 50 ms; the last buyers waited for the ones before them, and it shows.
    assert max(tally.hold_lat) > 0.5
    assert min(tally.hold_lat) >= 0.05


async def test_arrivals_stop_when_the_section_is_sold_out() -> None:
    served: list[float] = []
    tally = Tally()
    stock = Stock(q=0)
    await run_arrivals([_kiosk(0.001, served)], 1000.0, stock, tally, time.perf_counter() + 5.0, "t")
    assert (tally.orders, tally.sold_out) == (0, True)
