"""The API flash-sale benchmark's harness, small: 4 kiosks in 2 load-generator processes sell out 24 places through
a real encore-server with attended (PIN) checkouts; nothing oversold, every place counted once, round trips counted."""

from __future__ import annotations

import pytest

from tests.benchmarks import api_flash_sale
from tests.benchmarks._api_flash_trips import round_trips
from tests.benchmarks._common import Env

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


async def test_the_api_flash_sale_sells_out_and_oversells_nothing(
    pg_server_url, tmp_path, monkeypatch
) -> None:
    for name, value in {"BUYERS": 4, "STAFF": 4, "STANDING": 24}.items():
        monkeypatch.setattr(api_flash_sale, name, value)
    env = Env(admin_url=pg_server_url, pg_source="test", redis_url=None, redis_source="none")
    await env.create()
    try:
        people = await api_flash_sale._people(env, tmp_path)
        sale = await api_flash_sale._over_api(env, tmp_path, people, 60.0, "attended")
        per_hold, per_checkout = await round_trips(env, tmp_path, people.pins[0], demo=False)
    finally:
        await env.drop()
    assert sale.tally.sold_out, (sale.tally.losses, sale.tally.untyped)
    assert not sale.tally.untyped, sale.tally.untyped
    sold = (sale.check["sold"], sale.check["held"], sale.tally.tickets)
    assert sold == (24, 0, 24), (sale.tally.losses, sale.check)
    assert sorted(set(sale.tally.places)) == sorted(sale.tally.places)
    assert sale.oversold == 0
    assert sale.elapsed < 60.0  # a sold-out sale ends early, and its rate counts only the time it took
    assert sale.server_cpu_s > 0  # the server's whole process tree was measured
    # Its resident memory too: the uvicorn master and its worker (one per core), each a full Python with core.
    mib, processes = sale.server_rss
    assert processes >= 2
    assert mib > 50 * processes
    # The one-statement hold (it checks the device itself); the checkout's count is pinned by the round-trip tests.
    assert per_hold == 1 < per_checkout
