"""Round trips to PostgreSQL of a checkout through the venue server (token check, routes, services), counted on
the socket: the device check (one statement) plus the checkout's two; the staff PIN's own trips on top."""

from __future__ import annotations

import pytest

from tests.benchmarks import api_flash_sale
from tests.benchmarks._api_flash_trips import round_trips
from tests.benchmarks._common import Env
from tests.core.db.test_checkout_round_trips import PIN_TRIPS

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


async def test_a_checkout_over_the_api_is_the_device_check_and_two_round_trips(
    pg_server_url, tmp_path, monkeypatch
) -> None:
    for name, value in {"BUYERS": 2, "STAFF": 2, "STANDING": 8}.items():
        monkeypatch.setattr(api_flash_sale, name, value)
    env = Env(admin_url=pg_server_url, pg_source="test", redis_url=None, redis_source="none")
    await env.create()
    try:
        people = await api_flash_sale._people(env, tmp_path)
        _, attended = await round_trips(env, tmp_path, people.pins[0], demo=False)
        await api_flash_sale._mark_demo(env, True)
        per_hold, demo = await round_trips(env, tmp_path, people.pins[0], demo=True)
    finally:
        await env.drop()
    assert demo == 1 + 2
    assert attended == 1 + 2 + PIN_TRIPS
    # A hold is one: its statement checks the device beside the concert (KIOSK_HOLD), no separate device check.
    assert per_hold == 1
