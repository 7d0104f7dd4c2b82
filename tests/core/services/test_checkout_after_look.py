"""The PostgreSQL checkout's look and sale: whatever changed between them (places taken, a price, another
checkout of the hold), the one-statement sale writes nothing and the checkout raises what the transaction
path raises, with nothing changed."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from core.db import checkout as checkout_db
from core.db.errors import is_unique_violation
from core.db.tables import metadata, price_categories
from core.domain.errors import Conflict, HoldExpired, InputError
from core.domain.money import Money
from core.domain.orders import Payment
from core.domain.places import PlaceState
from core.services import catalog, checkout, orders, sales
from core.services.context import ServiceContext
from core.services.signing_keys import ticket_signer
from tests.builders import build_stage
from tests.dbstate import snapshot

pytestmark = pytest.mark.postgres


class _Undo(Exception):
    """Raised with what the statement returned, to roll its transaction back."""


def _pay(total: Money) -> Payment:
    return Payment("card", "terminal-1", total)


async def _sale(ctx: ServiceContext, seen: checkout_db.Look, actor, key: str) -> checkout_db.Sale:
    """The Sale checkout._sell would make from this look (signatures are not checked by the statement)."""
    assert seen.hold is not None
    signer = await ticket_signer(ctx)
    total = Money.total([p.price for p in seen.places], "EUR")
    return checkout_db.Sale(
        code=f"T{key[:7].upper():0<7}",
        concert_id=seen.hold.concert_id,
        hold_id=seen.hold.id,
        idempotency_key=key,
        actor=actor,
        device_id=None,
        total=total,
        method="card",
        reference="terminal-1",
        buyer_email=None,
        demo=False,
        language="en",
        now=ctx.clock.now(),
        places=seen.places,
        ticket_ids=seen.ticket_ids,
        serials=[f"S{key}{n}" for n in range(len(seen.places))],
        signatures=[b"x" * 64 for _ in seen.places],
        key_id=signer.key_id,
    )


async def test_a_stale_look_sells_nothing_when_the_places_went_to_another_buyer(pg_ctx, clock) -> None:
    ctx = pg_ctx
    stage = await build_stage(ctx, hold_seconds=60)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    seen = await checkout.look(ctx, stage.kiosk, hold.id, "k")
    assert seen is not None
    assert len(seen.places) == 2 == len(seen.ticket_ids)
    # Control: the same look, while nothing changed, sells (in a transaction rolled back afterwards).
    sale = await _sale(ctx, seen, stage.kiosk, "k")

    async def sell_then_undo(conn) -> None:
        raise _Undo(await checkout_db.sell(conn, sale))

    with pytest.raises(_Undo) as undone:
        await ctx.db.write(sell_then_undo)
    assert undone.value.args[0] is not None
    clock.advance(61)
    await sales.hold_places(ctx, stage.other_kiosk, stage.id, [stage.seats[1]])
    before = await snapshot(ctx)
    assert await ctx.db.statement(lambda conn: checkout_db.sell(conn, sale), writes=True) is None
    assert await snapshot(ctx) == before
    with pytest.raises(HoldExpired) as err:
        await checkout.checkout_seen(
            ctx, stage.kiosk, hold.id, seen, idempotency_key="k", payment=_pay(hold.total)
        )
    assert err.value.code == "hold_expired"
    assert await snapshot(ctx) == before


async def test_a_price_changed_since_the_look_is_refused_as_a_wrong_amount(pg_ctx) -> None:
    ctx = pg_ctx
    stage = await build_stage(ctx)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    seen = await checkout.look(ctx, stage.kiosk, hold.id, "k")
    assert seen is not None
    category = seen.places[0].category_id
    await ctx.db.write(
        lambda conn: conn.execute(
            update(price_categories).where(price_categories.c.id == category).values(price_minor=9999)
        )
    )
    before = await snapshot(ctx)
    sale = await _sale(ctx, seen, stage.kiosk, "k")
    assert await ctx.db.statement(lambda conn: checkout_db.sell(conn, sale), writes=True) is None
    assert await snapshot(ctx) == before
    with pytest.raises(InputError) as err:
        await checkout.checkout_seen(
            ctx, stage.kiosk, hold.id, seen, idempotency_key="k", payment=_pay(hold.total)
        )
    assert err.value.code == "payment_amount_mismatch"
    assert await snapshot(ctx) == before


async def test_checkouts_of_one_hold_at_once_sell_it_once(pg_ctx) -> None:
    """Each looked before any sold, so each goes for the one-statement sale: the hold's lock lets one through;
    the others find it checked out (or, with the winner's key, its order)."""
    ctx = pg_ctx
    stage = await build_stage(ctx)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    keys = ["a", "b", "c", "a"]
    looks = [await checkout.look(ctx, stage.kiosk, hold.id, key) for key in keys]
    results = await asyncio.gather(
        *(
            checkout.checkout_seen(
                ctx, stage.kiosk, hold.id, seen, idempotency_key=key, payment=_pay(hold.total)
            )
            for key, seen in zip(keys, looks, strict=True)
        ),
        return_exceptions=True,
    )
    winner_key = next(key for key, r in zip(keys, results, strict=True) if not isinstance(r, BaseException))
    winner = next(r for r in results if not isinstance(r, BaseException))
    for key, result in zip(keys, results, strict=True):
        if key == winner_key:
            assert result == winner  # the same key twice: the retry gets the order
        else:
            assert isinstance(result, Conflict), result
            assert result.code == "hold_checked_out"
    assert len(winner.tickets) == 2
    sold = {p.id: p.state for p in (await catalog.get_seat_map(ctx, stage.id)).places}
    assert [sold[p] for p in stage.seats[:2]] == [PlaceState.SOLD] * 2


async def test_the_one_statement_sale_writes_what_the_transaction_writes(pg_ctx) -> None:
    """Two like holds, one sold by the statement, one by the transaction path: the same rows, but for ids,
    codes, serials and signatures (and the outbox row for the e-mail)."""
    ctx = pg_ctx
    stage = await build_stage(ctx)
    signer = await ticket_signer(ctx)
    sold = []
    for n, seats in enumerate((stage.seats[:2], stage.seats[2:4])):
        hold = await sales.hold_places(ctx, stage.kiosk, stage.id, seats)
        buyer = ("fan@example.org", "de")
        if n == 0:
            order = await checkout.checkout_hold(
                ctx,
                stage.kiosk,
                hold.id,
                idempotency_key=f"k{n}",
                payment=_pay(hold.total),
                buyer_email=buyer[0],
                language=buyer[1],
            )
        else:
            order = await checkout._complete(
                ctx, stage.kiosk, hold.id, f"k{n}", _pay(hold.total), buyer, signer, None
            )
        sold.append((hold.id, order))
    tables = await snapshot(ctx)

    def rows_of(table: str, column: str, value) -> list[dict]:
        columns = [c.name for c in metadata.tables[table].columns]
        found = [dict(zip(columns, row, strict=True)) for row in tables[table]]
        return sorted((r for r in found if r[column] == value), key=lambda r: r["id"])

    # request_key: a hold made without one gets its own, auto:<hold id>.
    differ = {"id", "order_id", "code", "idempotency_key", "hold_id", "serial", "signature", "place_id",
              "ticket_id", "seat_id", "request_key"}  # fmt: skip

    def same(rows: list[dict]) -> list[dict]:
        return [{k: v for k, v in r.items() if k not in differ} for r in rows]

    (hold_a, order_a), (hold_b, order_b) = sold
    assert same(rows_of("orders", "id", order_a.id)) == same(rows_of("orders", "id", order_b.id))
    assert same(rows_of("tickets", "order_id", order_a.id)) == same(
        rows_of("tickets", "order_id", order_b.id)
    )
    assert same(rows_of("mail_outbox", "order_id", order_a.id)) == same(
        rows_of("mail_outbox", "order_id", order_b.id)
    )
    assert len(rows_of("mail_outbox", "order_id", order_a.id)) == 1
    assert len(rows_of("tickets", "order_id", order_a.id)) == 2
    assert same(rows_of("holds", "id", hold_a)) == same(rows_of("holds", "id", hold_b))
    places_a = [r for t in order_a.tickets for r in rows_of("places", "id", t.place_id)]
    places_b = [r for t in order_b.tickets for r in rows_of("places", "id", t.place_id)]
    assert same(places_a) == same(places_b)
    assert [p["ticket_id"] for p in places_a] == [t.id for t in order_a.tickets]
    assert all(t.signature for t in order_a.tickets)
    assert order_a == await orders.find_order(ctx, stage.manager, order_a.code)


async def _while_the_concert_is_locked(ctx: ServiceContext, concert_id, sells) -> list:
    """Run ``sells`` at once while another transaction locks the concert row: each sale takes its snapshot
    and stops at its order's foreign-key check (or behind the other), so both are under way before either
    commits. Released once two backends wait on a lock."""
    engine = create_async_engine(ctx.settings.database_url, poolclass=NullPool)
    try:
        async with engine.connect() as blocker, engine.connect() as watcher:
            await blocker.begin()
            await blocker.execute(text("SELECT id FROM concerts WHERE id = :c FOR UPDATE"), {"c": concert_id})
            tasks = [asyncio.ensure_future(sell()) for sell in sells]
            for _ in range(400):
                waiting = (
                    await watcher.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                        )
                    )
                ).scalar_one()
                await watcher.rollback()
                if waiting >= len(sells):
                    break
                await asyncio.sleep(0.025)
            assert waiting >= len(sells), "the sales never overlapped: the test proves nothing"
            await blocker.rollback()
            return await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        await engine.dispose()


async def test_two_sales_of_one_hold_under_way_at_once_sell_it_once(pg_ctx) -> None:
    ctx = pg_ctx
    stage = await build_stage(ctx)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    looks = {key: await checkout.look(ctx, stage.kiosk, hold.id, key) for key in ("a", "b")}
    results = await _while_the_concert_is_locked(
        ctx,
        stage.id,
        [
            lambda key=key, seen=seen: checkout.checkout_seen(
                ctx, stage.kiosk, hold.id, seen, idempotency_key=key, payment=_pay(hold.total)
            )
            for key, seen in looks.items()
        ],
    )
    (order,) = [r for r in results if not isinstance(r, BaseException)]
    (refused,) = [r for r in results if isinstance(r, BaseException)]
    assert isinstance(refused, Conflict), refused
    assert refused.code == "hold_checked_out"
    assert len(order.tickets) == 2


async def test_control_without_its_locks_the_second_sale_of_a_hold_hits_the_unique_order(pg_ctx) -> None:
    """The sale statement with FOR UPDATE taken out: both sales see the hold unsold and both write; only the
    unique hold_id of orders stops the second (an untyped IntegrityError, not hold_checked_out)."""
    ctx = pg_ctx
    stage = await build_stage(ctx)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    unlocked = text(checkout_db.SELL.text.replace(" FOR UPDATE OF pl", "").replace(" FOR UPDATE", ""))
    assert "FOR UPDATE" not in unlocked.text
    prepared = []
    for key in ("a", "b"):
        seen = await checkout.look(ctx, stage.kiosk, hold.id, key)
        assert seen is not None
        prepared.append(checkout_db.sell_params(await _sale(ctx, seen, stage.kiosk, key)))

    def sell(params):
        async def run():
            return await ctx.db.statement(lambda conn: conn.execute(unlocked, params), writes=True)

        return run

    results = await _while_the_concert_is_locked(ctx, stage.id, [sell(p) for p in prepared])
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], IntegrityError), errors
    assert is_unique_violation(errors[0], "orders", "hold_id")
