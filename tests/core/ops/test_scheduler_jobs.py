"""The scheduler's jobs on real PostgreSQL, Redis and SMTP: lapsed holds freed and published, sales closed at
their end, reminders sent once each however many replicas run, and a database that goes away and comes back."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from email import message_from_bytes, policy

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import create_async_engine

from core.db import housekeeping as housekeeping_db
from core.db.tables import mail_outbox, places
from core.domain.concerts import ConcertStatus
from core.domain.errors import ErrorCode, HoldExpired, SalesClosed, StorageUnavailable
from core.domain.events import PlacesChanged
from core.domain.money import Money
from core.domain.orders import Payment
from core.domain.places import PlaceState
from core.mail.smtp import SmtpMailer
from core.ops.jobs import Job, Runner, RunOutcome, standard_jobs
from core.services import catalog, checkout, concerts, housekeeping, sales
from tests.builders import build_stage
from tests.core.events.conftest import next_message, no_message
from tests.support.context import open_context
from tests.support.tcp_proxy import RestartableProxy


def _job(name: str, mailer: SmtpMailer | None = None) -> Job:
    return next(j for j in standard_jobs(mailer) if j.name == name)


async def _held(ctx, place_ids) -> list[bool]:
    async def work(conn):
        rows = await conn.execute(select(places.c.id, places.c.state).where(places.c.id.in_(place_ids)))
        return dict(rows.all())

    states = await ctx.db.read(work)
    return [states[p] == PlaceState.HELD.value for p in place_ids]


async def _states(ctx, concert_id, place_ids):
    seat_map = await catalog.get_seat_map(ctx, concert_id)
    by_id = {p.id: p.state for p in seat_map.places}
    return [by_id[p] for p in place_ids]


@pytest.mark.postgres
async def test_tidy_frees_lapsed_holds_and_a_subscriber_sees_the_seats_free(
    pg_database_url, redis_url, clock
):
    async with (
        open_context(pg_database_url, clock, redis_url=redis_url) as ctx,
        open_context(pg_database_url, clock, redis_url=redis_url) as kiosk_side,
    ):
        stage = await build_stage(ctx, hold_seconds=60)
        lapsed = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
        late_payer = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[4:5])
        clock.advance(60 + housekeeping.TIDY_GRACE.total_seconds())
        kept = await sales.hold_places(ctx, stage.other_kiosk, stage.id, stage.seats[2:3])
        paying = await sales.hold_places(ctx, stage.other_kiosk, stage.id, stage.seats[3:4])
        await sales.extend_hold(ctx, stage.kiosk, late_payer.id)
        clock.advance(
            61
        )  # the later holds lapsed a second ago: within the grace a payment may still be running
        available = (await catalog.get_availability(ctx, stage.id)).total
        async with kiosk_side.bus.subscribe(stage.id) as messages:
            assert await Runner(ctx).run(_job("tidy-holds")) is RunOutcome.RAN
            event = await next_message(messages, within=5)
            assert isinstance(event, PlacesChanged)
            assert sorted(c.place_id for c in event.changes) == sorted(stage.seats[:2])
            assert {c.state for c in event.changes} == {PlaceState.FREE}
            assert event.availability_delta == {}  # lapsed places were takeable already
            assert await housekeeping.tidy_lapsed_holds(ctx) == 0  # nothing left: no second event
            await no_message(messages, within=0.3)
        # (A lapsed place is drawn free on a reloaded seat map; what the tidy changed is the rows.)
        assert await _held(ctx, stage.seats[:5]) == [False, False, True, True, True]
        assert (await catalog.get_availability(ctx, stage.id)).total == available
        # The lapsed hold cannot be paid for any more; the live one still can.
        payment = Payment("card", "x", Money(lapsed.total.minor, "EUR"))
        with pytest.raises(HoldExpired) as refused:
            await checkout.checkout_hold(ctx, stage.kiosk, lapsed.id, idempotency_key="late", payment=payment)
        assert refused.value.code == ErrorCode.HOLD_EXPIRED
        await checkout.checkout_hold(
            ctx,
            stage.other_kiosk,
            paying.id,
            idempotency_key="paying",
            payment=Payment("card", "z", Money(paying.total.minor, "EUR")),
        )
        await checkout.checkout_hold(
            ctx,
            stage.other_kiosk,
            kept.id,
            idempotency_key="kept",
            payment=Payment("card", "y", Money(kept.total.minor, "EUR")),
        )


async def test_sales_close_at_the_concerts_sales_end(ctx, clock):
    stage = await build_stage(ctx)  # sales end in 7 days
    clock.advance(7 * 24 * 3600 - 1)
    assert await housekeeping.close_due_sales(ctx) == []
    assert (await concerts.get_concert(ctx, stage.id)).status is ConcertStatus.ON_SALE
    clock.advance(1)
    assert await Runner(ctx).run(_job("close-sales")) is RunOutcome.RAN
    assert (await concerts.get_concert(ctx, stage.id)).status is ConcertStatus.SALES_CLOSED
    assert await housekeeping.close_due_sales(ctx) == []  # once
    with pytest.raises(SalesClosed):
        await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])


async def _sell(ctx, stage, seats, email):
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, seats)
    payment = Payment("card", str(seats[0]), Money(hold.total.minor, "EUR"))
    return await checkout.checkout_hold(
        ctx, stage.kiosk, hold.id, idempotency_key=str(seats[0]), payment=payment, buyer_email=email
    )


async def _waiting_on_outbox(engine) -> int:
    async with engine.connect() as conn:
        query = text(
            # Test databases are clones of one template (same table oids): count this database's only.
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'mail_outbox' AND NOT l.granted "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return int((await conn.execute(query)).scalar_one())


def _reminders_to(server) -> list[str]:
    """Recipients of the reminder mails the SMTP server received (ticket mails carry a PDF; reminders not)."""
    found = []
    for envelope in server.recorder.envelopes:
        message = message_from_bytes(envelope.content, policy=policy.default)
        if not any(True for _ in message.iter_attachments()):
            found.extend(envelope.rcpt_tos)
    return sorted(found)


def _reminder_text(server, to: str) -> str:
    for envelope in server.recorder.envelopes:
        message = message_from_bytes(envelope.content, policy=policy.default)
        if envelope.rcpt_tos == [to] and not any(True for _ in message.iter_attachments()):
            return str(message.get_body(("plain",)).get_content())
    raise AssertionError(f"no reminder to {to}")


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("single_runner", "unique_index"),
    [(True, True), (False, True), (False, False)],
    ids=["locked", "unlocked-index-refuses", "control-neither"],
)
async def test_two_replicas_send_each_reminder_once(
    pg_database_url, clock, start_smtp, single_runner, unique_index
):
    """Two protections, each enough alone: the single-runner lock, and the one-reminder-per-order index."""
    server = start_smtp()
    mailer = SmtpMailer(server.settings)
    async with open_context(pg_database_url, clock) as ctx:
        stage = await build_stage(ctx)
        await _sell(ctx, stage, stage.seats[:2], "ada@example.org")
        bo = await _sell(ctx, stage, stage.seats[2:3], "bo@example.org")
        await _sell(ctx, stage, stage.seats[3:4], None)  # no address: no reminder
        clock.advance(6 * 24 * 3600 + 2 * 3600)  # 23 hours before the concert
    blocker = create_async_engine(pg_database_url)
    if not unique_index:  # the control: without either protection the race shows
        async with blocker.begin() as conn:
            await conn.execute(text("DROP INDEX uq_mail_outbox_reminder_order"))
    try:
        async with (
            open_context(pg_database_url, clock) as one,
            open_context(pg_database_url, clock) as two,
        ):
            for replica_ctx in (one, two):
                replica_ctx.settings = replace(replica_ctx.settings, mail_from=server.settings.mail_from)
            replicas = [Runner(c, single_runner=single_runner) for c in (one, two)]
            async with blocker.connect() as hold_inserts:
                # Both replicas look before either queues: the inserts wait behind this table lock, so the
                # two runs overlap for certain (what two replicas firing on the same minute can do).
                await hold_inserts.execute(text("LOCK TABLE mail_outbox IN SHARE MODE"))
                runs = [asyncio.create_task(r.run(_job("reminders"))) for r in replicas]
                async with asyncio.timeout(30):
                    while await _waiting_on_outbox(blocker) < (1 if single_runner else 2):  # noqa: ASYNC110 - polls PG
                        await asyncio.sleep(0.02)
                    if single_runner:
                        await asyncio.wait(runs, return_when=asyncio.FIRST_COMPLETED)
                await hold_inserts.rollback()
            outcomes = sorted(await asyncio.gather(*runs))
            for replica in replicas:
                assert await replica.run(_job("send-mail", mailer)) in (RunOutcome.RAN, RunOutcome.SKIPPED)
            for replica in replicas:  # whichever skipped above sends what is left now
                assert await replica.run(_job("send-mail", mailer)) is RunOutcome.RAN
    finally:
        await blocker.dispose()
    if single_runner:
        assert outcomes == [RunOutcome.RAN, RunOutcome.SKIPPED]
        assert _reminders_to(server) == ["ada@example.org", "bo@example.org"]
        reminder = _reminder_text(server, "bo@example.org")
        assert "The Testers" in reminder
        assert bo.code in reminder
    else:  # without the lock both replicas run; only the index keeps each reminder single
        assert outcomes == [RunOutcome.RAN, RunOutcome.RAN]
        twice = 1 if unique_index else 2
        assert _reminders_to(server) == ["ada@example.org"] * twice + ["bo@example.org"] * twice
    # A restarted scheduler (a new process, a new engine) finds nothing more to remind.
    sent = len(server.recorder.envelopes)
    async with open_context(pg_database_url, clock) as restarted:
        restarted.settings = replace(restarted.settings, mail_from=server.settings.mail_from)
        assert await housekeeping.queue_reminders(restarted) == 0
        await Runner(restarted).run(_job("send-mail", mailer))
        reminders = await restarted.db.read(
            lambda conn: conn.scalar(select(func.count()).where(mail_outbox.c.kind == "reminder"))
        )
    assert len(server.recorder.envelopes) == sent
    assert reminders == (2 if single_runner or unique_index else 4)


@pytest.mark.postgres
async def test_the_scheduler_survives_the_database_going_away_and_resumes(pg_database_url, clock, expect_log):
    proxy = RestartableProxy.to(pg_database_url)
    await proxy.start()
    try:
        async with (
            open_context(pg_database_url, clock) as direct,
            open_context(proxy.url_for(pg_database_url), clock) as scheduled,
        ):
            stage = await build_stage(direct, hold_seconds=60)
            runner = Runner(scheduled, attempts=50, retry_base_s=0.05, retry_max_s=0.2)
            assert await runner.run(_job("tidy-holds")) is RunOutcome.RAN  # its pool has live connections
            await proxy.close()  # the database is gone for the scheduler: every connection cut
            await sales.hold_places(direct, stage.kiosk, stage.id, stage.seats[:2])
            clock.advance(61 + housekeeping.TIDY_GRACE.total_seconds())
            with expect_log(
                "core.ops.jobs", r"job tidy-holds failed \(attempt \d+ of 50\).*StorageUnavailable"
            ):
                run = asyncio.create_task(runner.run(_job("tidy-holds")))
                async with asyncio.timeout(30):
                    while runner.failures < 3:  # noqa: ASYNC110 - the runner keeps no event
                        await asyncio.sleep(0.02)
                assert not run.done()  # still retrying
                await proxy.start()  # the database is back
                assert await run is RunOutcome.RAN
            assert await _states(direct, stage.id, stage.seats[:2]) == [PlaceState.FREE] * 2
    finally:
        await proxy.close()


async def test_a_failed_run_is_logged_with_its_context_and_retried(ctx, expect_log):
    calls: list[int] = []

    async def flaky(_ctx) -> str:
        calls.append(len(calls) + 1)
        if len(calls) < 3:
            raise StorageUnavailable("The database is not reachable.")
        return "done"

    runner = Runner(ctx, retry_base_s=0.01, retry_max_s=0.01)
    retrying = r"job flaky failed \(attempt [12] of 5\), retrying in [\d.]+ s: "
    retrying += r"StorageUnavailable \[storage_unavailable\]"
    with expect_log("core.ops.jobs", retrying):
        assert await runner.run(Job("flaky", flaky, every_s=60)) is RunOutcome.RAN
    assert calls == [1, 2, 3]
    assert runner.failures == 2

    async def broken(_ctx) -> None:
        raise RuntimeError("a bug")

    runner = Runner(ctx, attempts=2, retry_base_s=0.01, retry_max_s=0.01)
    with (
        expect_log("core.ops.jobs", r"job broken failed \(attempt 1 of 2\).*RuntimeError: a bug"),
        expect_log(
            "core.ops.jobs", r"job broken failed 2 times, giving up until its next run", logging.ERROR
        ),
    ):
        assert await runner.run(Job("broken", broken, every_s=60)) is RunOutcome.FAILED
    assert runner.last_outcome == {"broken": RunOutcome.FAILED}


async def _waiters(engine) -> int:
    """Sessions of this database waiting for a lock."""
    async with engine.connect() as conn:
        query = text(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database()"
        )
        return int((await conn.execute(query)).scalar_one())


@pytest.mark.postgres
@pytest.mark.parametrize("locked", [True, False], ids=["tidy", "control-look-then-free"])
async def test_an_extension_racing_the_tidy_is_told_the_truth(pg_database_url, clock, locked):
    """The tidy has looked at a lapsed hold's places when its buyer extends it. With the tidy's row locks the
    extension waits, then hears its places are gone; the control frees what it looked at without locks or a
    second look, and the buyer is told "extended" for seats that are free."""
    async with open_context(pg_database_url, clock) as ctx, open_context(pg_database_url, clock) as kiosk:
        stage = await build_stage(ctx, hold_seconds=60)
        hold = await sales.hold_places(kiosk, stage.kiosk, stage.id, stage.seats[:2])
        clock.advance(60 + housekeeping.TIDY_GRACE.total_seconds())
        cutoff = clock.now() - housekeeping.TIDY_GRACE
        async with ctx.db.engine.connect() as conn:  # the tidy's transaction, one step at a time
            if locked:
                seen = [p.id for p in await housekeeping_db.lock_lapsed(conn, cutoff, 100)]
            else:
                look = select(places.c.id).where(places.c.state == "held", places.c.held_until <= cutoff)
                seen = list((await conn.execute(look)).scalars())
            assert sorted(seen) == sorted(stage.seats[:2])
            extend = asyncio.create_task(sales.extend_hold(kiosk, stage.kiosk, hold.id))
            async with asyncio.timeout(30):
                if locked:
                    while await _waiters(ctx.db.engine) < 1:  # noqa: ASYNC110 - polls PG
                        await asyncio.sleep(0.02)
                    assert not extend.done()
                else:
                    await asyncio.wait([extend])
            if locked:
                await housekeeping_db.free(
                    conn, [housekeeping_db.FreedPlace(p, stage.id, 0) for p in seen], cutoff
                )
            else:
                free = update(places).where(places.c.id.in_(seen))
                await conn.execute(free.values(state="free", hold_id=None, held_until=None))
            await conn.commit()
        [told] = await asyncio.gather(extend, return_exceptions=True)
        assert await _held(ctx, stage.seats[:2]) == [False, False]
        if locked:
            assert isinstance(told, HoldExpired)
        else:  # the control: the buyer was told the seats are theirs for longer, and they are free
            assert not isinstance(told, BaseException)
            assert told.expires_at > clock.now()
