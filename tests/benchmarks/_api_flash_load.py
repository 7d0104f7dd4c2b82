"""One load-generator process of the API flash sale: its buyers are RemoteClient devices; JSON out.

``python -m tests.benchmarks._api_flash_load '<json spec>'`` with url, ca_file, devices ([key_ref, name] each:
one buyer per device), concert_id, section_id, payment ("attended" | "demo"), staff ([number, pin] each; buyer
n confirms with staff n mod len), duration, seed and, for an open loop, arrivals_per_s. Every buyer signs in
first; then the process prints "ready" and reads the start time (time.time(), one line on stdin: every process
starts together). Each buyer loops hold (1-4 standing places) -> pay and check out until the deadline or until
the section is sold out; with arrivals_per_s, buyers arrive at that rate instead, one order each, at the first
free kiosk (run_arrivals). The buying loop (``buy``) is shared with the in-process reference, so both sell alike.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from core.domain.errors import EncoreError, NotEnoughPlaces
from core.domain.holds import Hold
from core.domain.orders import Order

MAX_Q = 4
OVERRUN_S = 45.0
"""A buyer's last order may end this long after the deadline (64 checkouts in flight on a busy shared machine;
it was sized when each attended one took an argon2 verify)."""

HoldFn = Callable[[int, str], Awaitable[Hold]]
"""hold(quantity, request_key)"""
PayFn = Callable[[Hold, int, str], Awaitable[Order]]
"""pay(hold, buyer number, idempotency_key)"""


@dataclass
class Tally:
    """What some buyers saw; ``merge`` adds another process's."""

    hold_lat: list[float] = field(default_factory=list)
    checkout_lat: list[float] = field(default_factory=list)
    cold_hold_lat: list[float] = field(default_factory=list)
    """Open loop: the holds of buyers who arrived in the server's first ``warm_s`` (not in hold_lat)."""
    orders: int = 0
    tickets: int = 0
    losses: Counter[str] = field(default_factory=Counter)
    untyped: Counter[str] = field(default_factory=Counter)
    places: list[int] = field(default_factory=list)
    """Every place id the buyers were sold (a place twice here is oversold)."""
    sold_out: bool = False
    late_s: float = 0.0
    elapsed: float = 0.0
    """From the start to the last answer any buyer got (a sold-out sale ends early)."""
    last_answer: float = 0.0
    """perf_counter() of that answer (this process's clock)."""
    waited: int = 0
    """Open loop: buyers who arrived while every kiosk was busy (they waited, then bought)."""

    def merge(self, other: dict[str, Any]) -> None:
        self.hold_lat += other["hold_lat"]
        self.cold_hold_lat += other["cold_hold_lat"]
        self.checkout_lat += other["checkout_lat"]
        self.orders += other["orders"]
        self.tickets += other["tickets"]
        self.losses.update(other["losses"])
        self.untyped.update(other["untyped"])
        self.places += other["places"]
        self.sold_out = self.sold_out or other["sold_out"]
        self.late_s = max(self.late_s, other["late_s"])
        self.waited += other["waited"]


@dataclass
class Stock:
    """The largest quantity still worth asking for (shrinks on NotEnoughPlaces; 0 = sold out)."""

    q: int = MAX_Q


async def order_once(
    n: int,
    key: str,
    q: int,
    hold: HoldFn,
    pay: PayFn,
    stock: Stock,
    tally: Tally,
    since: float,
    *,
    cold: bool = False,
) -> None:
    """One order of buyer n: hold q places, then pay and check out. The hold's latency counts from ``since``
    (when the buyer asked; in an open loop, when the buyer arrived); ``cold``: in the server's first seconds."""
    try:
        held = await hold(q, key)
    except EncoreError as exc:
        # By code: over HTTP the client raises Conflict(code="not_enough_places"), not NotEnoughPlaces.
        if exc.code == NotEnoughPlaces.code:
            stock.q = min(stock.q, q - 1)
        tally.losses[f"hold:{exc.code}"] += 1
        return
    except Exception as exc:  # reported, never hidden
        tally.untyped[f"hold:{type(exc).__name__}"] += 1
        return
    finally:
        tally.last_answer = time.perf_counter()
    (tally.cold_hold_lat if cold else tally.hold_lat).append(tally.last_answer - since)
    t0 = time.perf_counter()
    try:
        order = await pay(held, n, f"{key}-pay")
    except EncoreError as exc:
        tally.losses[f"checkout:{exc.code}"] += 1
        return
    except Exception as exc:
        tally.untyped[f"checkout:{type(exc).__name__}"] += 1
        return
    finally:
        tally.last_answer = time.perf_counter()
    tally.checkout_lat.append(tally.last_answer - t0)
    tally.orders += 1
    tally.tickets += len(order.tickets)
    tally.places += [int(t.place_id) for t in order.tickets]


async def buy(
    n: int, hold: HoldFn, pay: PayFn, stock: Stock, tally: Tally, deadline: float, seed: str
) -> None:
    """Buyer n: hold -> pay, again and again, until the deadline (perf_counter) or the section is sold out."""
    rnd = random.Random(f"{seed}-{n}")
    i = 0
    while time.perf_counter() < deadline and stock.q > 0:
        i += 1
        q = min(rnd.randint(1, MAX_Q), stock.q)
        await order_once(n, f"{seed}-{n}-{i}", q, hold, pay, stock, tally, time.perf_counter())
    tally.sold_out = tally.sold_out or stock.q == 0


async def run_buyers(
    sellers: list[tuple[HoldFn, PayFn]], stock: Stock, tally: Tally, deadline: float, seed: str
) -> None:
    """Buyer n sells with sellers[n]; bounded: a buyer still waiting OVERRUN_S after the deadline is counted
    (untyped) and cancelled, not waited for."""
    buyers = [
        asyncio.create_task(buy(n, hold, pay, stock, tally, deadline, seed))
        for n, (hold, pay) in enumerate(sellers)
    ]
    await _finish(buyers, tally, deadline)


async def _finish(tasks: list[asyncio.Task[None]], tally: Tally, deadline: float) -> None:
    """Wait for ``tasks`` until OVERRUN_S after the deadline; the ones still waiting then are counted (untyped)
    and cancelled."""
    if not tasks:
        return
    _done, stuck = await asyncio.wait(tasks, timeout=deadline - time.perf_counter() + OVERRUN_S)
    for task in stuck:
        task.cancel()
    if stuck:
        tally.untyped[f"still waiting {OVERRUN_S:.0f} s after the deadline"] += len(stuck)
        await asyncio.wait(stuck, timeout=10)


async def run_arrivals(
    sellers: list[tuple[HoldFn, PayFn]],
    rate: float,
    stock: Stock,
    tally: Tally,
    deadline: float,
    seed: str,
    cold_until: float = 0.0,
) -> None:
    """An open loop: buyers arrive at random (a Poisson process of ``rate`` per second, seeded) until the
    deadline, each for one order at the first free kiosk, whether or not earlier buyers are done. Unlike the
    closed loop (every kiosk buys again the moment it is served, so the queue is always as long as there are
    kiosks), latency here is what a buyer sees at that rate. A buyer who finds every kiosk busy waits, and the
    wait counts in the hold's latency (from the arrival), so a slow server cannot hide by slowing arrivals.
    Buyers arriving before ``cold_until`` (perf_counter) meet a server that has just started: their holds are
    counted apart (Tally.cold_hold_lat)."""
    rnd = random.Random(f"{seed}-arrivals")
    idle: asyncio.Queue[int] = asyncio.Queue()
    for n in range(len(sellers)):
        idle.put_nowait(n)

    async def arrive(i: int, at: float) -> None:
        if idle.empty():
            tally.waited += 1
        n = await idle.get()
        try:
            if (q := min(rnd.randint(1, MAX_Q), stock.q)) > 0:
                hold, pay = sellers[n]
                await order_once(n, f"{seed}-a{i}", q, hold, pay, stock, tally, at, cold=at < cold_until)
        finally:
            idle.put_nowait(n)

    orders: list[asyncio.Task[None]] = []
    at = time.perf_counter()
    while stock.q > 0:
        at += rnd.expovariate(rate)
        if at >= deadline:
            break
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        orders.append(asyncio.create_task(arrive(len(orders), at)))
    await _finish(orders, tally, deadline)
    tally.sold_out = tally.sold_out or stock.q == 0


async def _run(spec: dict[str, Any]) -> Tally:
    from core.client.remote import RemoteClient
    from core.config import Settings
    from core.domain.devices import DeviceKind
    from core.domain.ids import ConcertId, SectionId
    from core.domain.payments import PaymentInput, SimulatedCard, StaffPin

    concert, section = ConcertId(spec["concert_id"]), SectionId(spec["section_id"])
    staff = [StaffPin(int(number), str(pin)) for number, pin in spec["staff"]]
    clients = [
        RemoteClient(Settings(server_url=spec["url"], server_ca_file=spec["ca_file"], device_key_ref=ref))
        for ref, _name in spec["devices"]
    ]
    tally, stock = Tally(), Stock()
    try:

        async def sign_in(client: RemoteClient, name: str) -> None:
            enrolled = await client.enrol(DeviceKind.KIOSK, name)  # signs in: the token is held from here on
            if not enrolled.approved:
                raise RuntimeError(f"{name} is not approved")

        await asyncio.gather(
            *(sign_in(c, name) for c, (_ref, name) in zip(clients, spec["devices"], strict=True))
        )
        print("ready", flush=True)
        start_at = float(await asyncio.to_thread(sys.stdin.readline))
        tally.late_s = round(max(0.0, time.time() - start_at), 3)
        await asyncio.sleep(max(0.0, start_at - time.time()))
        cold_s = float(spec.get("cold_s", 0.0))
        deadline = time.perf_counter() + cold_s + spec["duration"]

        def seller(client: RemoteClient) -> tuple[HoldFn, PayFn]:
            async def hold(q: int, key: str) -> Hold:
                return await client.hold_standing(concert, section, q, request_key=key)

            async def pay(held: Hold, n: int, key: str) -> Order:
                given: PaymentInput = (
                    staff[n % len(staff)] if spec["payment"] == "attended" else SimulatedCard(True)
                )
                return await client.pay_and_checkout(held.id, given, idempotency_key=key)

            return hold, pay

        sellers = [seller(c) for c in clients]
        if rate := spec.get("arrivals_per_s"):
            cold_until = deadline - spec["duration"]
            await run_arrivals(sellers, float(rate), stock, tally, deadline, spec["seed"], cold_until)
        else:
            await run_buyers(sellers, stock, tally, deadline, spec["seed"])
        start = deadline - spec["duration"] - cold_s
        tally.elapsed = max(0.0, tally.last_answer - start)
    finally:
        for client in clients:
            await client.aclose()
    return tally


def main() -> None:
    spec = json.loads(sys.argv[1])
    tally = asyncio.run(_run(spec))
    print(json.dumps({**vars(tally), "losses": dict(tally.losses), "untyped": dict(tally.untyped)}))


if __name__ == "__main__":
    main()
