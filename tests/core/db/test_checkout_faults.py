"""Faults around the PostgreSQL checkout's two autocommit statements: pooled connections killed before a checkout
cost its look one retry, not an error; a sale whose reply is lost is 'outcome_unknown' (it may have committed),
and the retry with the same key returns the order it made."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from core.domain.errors import StorageUnavailable
from core.domain.orders import Payment
from core.services import catalog, checkout, sales
from tests.builders import build_stage
from tests.core.db.test_faults import HANG_GUARD_S, context_at
from tests.dbstate import snapshot
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres


async def _kill_connections(pg_server_url: str, database: str) -> int:
    admin = create_async_engine(pg_server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            killed = (
                await conn.execute(
                    text(
                        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = :db AND pid <> pg_backend_pid()"
                    ),
                    {"db": database},
                )
            ).scalar_one()
            for _ in range(100):
                left = (
                    await conn.execute(
                        text("SELECT count(*) FROM pg_stat_activity WHERE datname = :db"), {"db": database}
                    )
                ).scalar_one()
                if left == 0:
                    break
                await asyncio.sleep(0.05)
    finally:
        await admin.dispose()
    return int(killed)


async def test_killed_pool_connections_cost_the_checkout_one_retry_not_an_error(
    pg_ctx, pg_server_url, pg_database_url, caplog
) -> None:
    stage = await build_stage(pg_ctx)
    hold = await sales.hold_places(pg_ctx, stage.kiosk, stage.id, stage.seats[:2])
    await asyncio.gather(*(catalog.get_seat_map(pg_ctx, stage.id) for _ in range(4)))
    assert await _kill_connections(pg_server_url, make_url(pg_database_url).database) >= 2
    with caplog.at_level(logging.INFO, logger="core.db.transaction"):
        order = await checkout.checkout_hold(
            pg_ctx, stage.kiosk, hold.id, idempotency_key="k", payment=Payment("card", "t", hold.total)
        )
    retried = [
        r for r in caplog.records if r.name == "core.db.transaction" and "trying once more" in r.message
    ]
    assert len(retried) == 1, "the look should have met a dead connection and retried once"
    assert [t.place_id for t in order.tickets] == list(stage.seats[:2])


async def test_a_lost_reply_to_the_sale_is_outcome_unknown_and_the_keyed_retry_gets_the_order(
    pg_ctx, pg_database_url, clock
) -> None:
    stage = await build_stage(pg_ctx)
    warm = await sales.hold_places(pg_ctx, stage.kiosk, stage.id, stage.seats[2:4])
    hold = await sales.hold_places(pg_ctx, stage.kiosk, stage.id, stage.seats[:2])
    payment = Payment("card", "t", hold.total)
    proxy = await TcpProxy.to(pg_database_url).start()
    try:
        async with context_at(proxy.url_for(pg_database_url), clock) as bare:
            flaky = replace(bare, signer=pg_ctx.signer)  # the server's ticket-signing key
            # One sale first, so the connection has the statements prepared: the lost reply is the sale's.
            await checkout.checkout_hold(flaky, stage.kiosk, warm.id, idempotency_key="w", payment=payment)
            seen = await checkout.look(flaky, stage.kiosk, hold.id, "k")
            assert seen is not None
            proxy.freeze()  # the sale goes out; nothing comes back
            with pytest.raises(StorageUnavailable) as caught:
                async with asyncio.timeout(HANG_GUARD_S):
                    await checkout.checkout_seen(
                        flaky, stage.kiosk, hold.id, seen, idempotency_key="k", payment=payment
                    )
            await proxy.close()
    finally:
        await proxy.close()
    assert caught.value.code == "outcome_unknown"
    # Control: the server did sell (one order), and the retry with the key returns it and writes nothing more.
    before = await snapshot(pg_ctx)
    assert len(before["orders"]) == 2
    again = await checkout.checkout_hold(pg_ctx, stage.kiosk, hold.id, idempotency_key="k", payment=payment)
    assert [t.place_id for t in again.tickets] == list(stage.seats[:2])
    assert await snapshot(pg_ctx) == before
