"""The Orders screen's services on both engines: search by code, e-mail and day with paging; details with
prints, check-ins and refunds; refund, reprint (the PDF's QR codes decoded back) and resend, each audited; money
hidden from the box office; bad input refused with its code and nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db.tables import audit_log, mail_outbox
from core.domain.checkin import ScanResult
from core.domain.errors import Conflict, InputError, NotAllowed, NotFound
from core.domain.money import Money
from core.domain.order_desk import OrderQuery
from core.domain.orders import OrderStatus, Payment, TicketState
from core.domain.staff import Role, StaffActor
from core.domain.tickets import Layout
from core.services import catalog, checkin, checkout, order_desk, sales
from tests.builders import build_stage, decode_qr_texts, door_device, signing_kiosk
from tests.dbstate import snapshot
from tests.support.staff_api import make_staff


async def _sell(ctx, stage, kiosk, seats, key: str, email: str | None = None):
    hold = await sales.hold_places(ctx, kiosk, stage.id, seats)
    payment = Payment("card", key, Money(hold.total.minor, "EUR"))
    return await checkout.checkout_hold(
        ctx, kiosk, hold.id, idempotency_key=key, payment=payment, buyer_email=email
    )


async def _actor(ctx, role: Role, number: int) -> StaffActor:
    member = await make_staff(ctx, role, number=number)
    return StaffActor(member.id, role, member.display_name)


async def _audit(ctx, action: str) -> list:
    async def work(conn):
        return (await conn.execute(select(audit_log).where(audit_log.c.action == action))).all()

    return await ctx.db.read(work)


@pytest.fixture
async def sold(ctx, clock):
    """Three orders an hour apart: two by ada@ (mixed case), one by bob@."""
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Kiosk foyer")
    first = await _sell(ctx, stage, kiosk, stage.seats[:2], "desk-1", "Ada@Example.org")
    clock.advance(3600)
    second = await _sell(ctx, stage, kiosk, stage.seats[2:3], "desk-2", "bob@example.org")
    clock.advance(3600)
    third = await _sell(ctx, stage, kiosk, stage.seats[3:6], "desk-3", "ada@example.org")
    return stage, kiosk, (first, second, third)


async def test_search_by_code_email_day_and_pages(ctx, sold):
    stage, _, (first, second, third) = sold
    manager = await _actor(ctx, Role.MANAGER, 61)

    async def codes(**query) -> list[str]:
        page = await order_desk.search_orders(ctx, manager, OrderQuery(**query))
        return [line.code for line in page.orders]

    assert await codes() == [third.code, second.code, first.code]  # the latest first
    assert await codes(code=first.code.lower()) == [first.code]
    assert await codes(code=f"{second.code[:4]}-{second.code[4:]}") == [second.code]
    assert second.code in await codes(code=second.code[:3])
    assert await codes(email="ADA@") == [third.code, first.code]
    assert await codes(email="bob@example.org") == [second.code]
    assert await codes(email="nobody@") == []
    # Sold 18:00, 19:00 and 20:00 UTC on 1 December: at UTC+5 the last two fall on the 2nd.
    day = first.created_at.date()
    assert await codes(first_day=day, last_day=day) == [third.code, second.code, first.code]
    assert await codes(first_day=day, last_day=day, utc_offset_minutes=300) == [first.code]
    after = day + timedelta(days=1)
    assert await codes(first_day=after, utc_offset_minutes=300) == [third.code, second.code]
    # By a venue's zone: in Kolkata (+05:30) they were sold at 23:30 on the 1st, 00:30 and 01:30 on the 2nd.
    assert await codes(first_day=day, last_day=day, timezone="Asia/Kolkata") == [first.code]
    assert await codes(first_day=day, last_day=day, timezone="Europe/Berlin") == [
        third.code,
        second.code,
        first.code,
    ]
    assert all(line.timezone == "Europe/Berlin" for line in (await order_desk.search_orders(
        ctx, manager, OrderQuery())).orders)  # fmt: skip
    assert await codes(last_day=day - timedelta(days=1)) == []

    page = await order_desk.search_orders(ctx, manager, OrderQuery(page=1, page_size=2))
    assert (page.total, page.pages, [line.code for line in page.orders]) == (3, 2, [first.code])
    line = page.orders[0]
    assert (line.tickets, line.valid_tickets, line.total) == (2, 2, first.total)
    assert line.concert_title == stage.concert.title


@pytest.mark.parametrize(
    "query",
    [
        OrderQuery(code="K7"),
        OrderQuery(code="K7M2QX9P1"),
        OrderQuery(code="OOOO"),
        OrderQuery(email="a"),
        OrderQuery(email="ada @x"),
        OrderQuery(page=-1),
        OrderQuery(page_size=0),
        OrderQuery(page_size=201),
    ],
    ids=repr,
)
async def test_a_search_that_cannot_match_says_what_to_type(ctx, sold, query):
    manager = await _actor(ctx, Role.MANAGER, 62)
    with pytest.raises(InputError) as refused:
        await order_desk.search_orders(ctx, manager, query)
    assert refused.value.code == "search_invalid"
    assert refused.value.message


async def test_days_in_the_wrong_order_are_refused(ctx, sold):
    manager = await _actor(ctx, Role.MANAGER, 63)
    day = ctx.clock.now().date()
    swapped = OrderQuery(first_day=day, last_day=day - timedelta(days=1))
    with pytest.raises(InputError, match="swap") as refused:
        await order_desk.search_orders(ctx, manager, swapped)
    assert refused.value.code == "search_invalid"
    with pytest.raises(InputError, match="14 hours") as far:
        await order_desk.search_orders(ctx, manager, OrderQuery(utc_offset_minutes=15 * 60))
    assert far.value.code == "search_invalid"
    for zone in ("Mars/Olympus", "localtime", "../../etc/passwd", "x" * 65):
        with pytest.raises(InputError, match="IANA") as unknown:
            await order_desk.search_orders(ctx, manager, OrderQuery(first_day=day, timezone=zone))
        assert (unknown.value.code, unknown.value.field) == ("timezone_invalid", "timezone")


async def test_details_show_prints_check_ins_and_refunds(ctx, clock, sold):
    stage, _kiosk, (first, _, _) = sold
    manager = await _actor(ctx, Role.MANAGER, 64)
    pdf = await order_desk.reprint_order(ctx, manager, first.code, Layout.A4)
    texts = decode_qr_texts(pdf)
    assert len(texts) == 2
    clock.advance(7 * 24 * 3600)  # the concert night: doors are open
    door = await door_device(ctx, "North door")
    admitted = await checkin.scan_ticket(ctx, door, texts[0], concert_id=stage.id, gate="North")
    assert admitted.result is ScanResult.ADMIT

    details = await order_desk.order_details(ctx, manager, first.code)
    assert details.sees_money
    assert details.total == first.total
    assert details.sold_by == "Kiosk foyer"
    assert details.buyer_email == "Ada@Example.org"
    assert [t.print_count for t in details.tickets] == [1, 1]
    scans = [t.check_ins for t in details.tickets]
    assert [[(s.gate, s.direction) for s in ins] for ins in scans].count([("North", "in")]) == 1
    assert [t.serial for t in details.tickets] == [t.serial for t in first.tickets]
    assert [a.details["tickets"] for a in await _audit(ctx, "tickets_reprinted")] == [
        [t.serial for t in first.tickets]
    ]


async def test_refund_chosen_tickets_frees_their_places_and_is_audited(ctx, sold):
    stage, _, (first, _, _) = sold
    manager = await _actor(ctx, Role.MANAGER, 65)
    free_before = (await catalog.get_availability(ctx, stage.id)).total
    chosen = first.tickets[1]
    details = await order_desk.refund_order(
        ctx, manager, first.code, reason="Guest ill", ticket_ids=[int(chosen.id)]
    )
    assert details.status is OrderStatus.PARTLY_REFUNDED
    states = {t.id: (t.state, t.refund_reason) for t in details.tickets}
    assert states[int(chosen.id)] == (TicketState.VOID, "Guest ill")
    assert states[int(first.tickets[0].id)] == (TicketState.VALID, "")
    assert (await catalog.get_availability(ctx, stage.id)).total == free_before + 1
    (entry,) = await _audit(ctx, "refund")
    assert entry.details["tickets"] == [chosen.serial]
    assert entry.details["reason"] == "Guest ill"

    before = await snapshot(ctx)
    with pytest.raises(Conflict) as again:
        await order_desk.refund_order(ctx, manager, first.code, reason="twice", ticket_ids=[int(chosen.id)])
    assert again.value.code == "ticket_already_void"
    with pytest.raises(InputError) as empty:
        await order_desk.refund_order(ctx, manager, first.code, reason="   ")
    assert empty.value.code == "reason_missing"
    with pytest.raises(NotFound) as unknown:
        await order_desk.refund_order(ctx, manager, "ZZZZZZZZ", reason="no such order")
    assert unknown.value.code == "order_not_found"
    with pytest.raises(NotFound) as unknown_details:
        await order_desk.order_details(ctx, manager, "ZZZZZZZZ")
    assert unknown_details.value.code == "order_not_found"
    assert await snapshot(ctx) == before

    rest = await order_desk.refund_order(ctx, manager, first.code, reason="Whole party ill")
    assert rest.status is OrderStatus.REFUNDED
    before = await snapshot(ctx)
    with pytest.raises(NotFound) as nothing:
        await order_desk.reprint_order(ctx, manager, first.code)
    assert nothing.value.code == "nothing_to_print"
    with pytest.raises(NotFound) as no_mail:
        await order_desk.resend_order_mail(ctx, manager, first.code)
    assert no_mail.value.code == "nothing_to_send"
    assert await snapshot(ctx) == before


async def test_resend_queues_a_mail_in_the_outbox_and_is_audited(ctx, sold):
    _, _, (_, second, _) = sold
    box_office = await _actor(ctx, Role.BOX_OFFICE, 66)
    details = await order_desk.resend_order_mail(ctx, box_office, second.code)
    assert [(m.to, m.status) for m in details.mails][-1] == ("bob@example.org", "pending")
    other = await order_desk.resend_order_mail(ctx, box_office, second.code, to=" bob@work.example ")
    assert other.mails[-1].to == "bob@work.example"

    async def queued(conn):
        stmt = select(mail_outbox.c.to_address).where(mail_outbox.c.order_id == second.id)
        return [r.to_address for r in (await conn.execute(stmt)).all()]

    assert (await ctx.db.read(queued))[-2:] == ["bob@example.org", "bob@work.example"]
    assert [a.details["to"] for a in await _audit(ctx, "tickets_mail_resent")] == [
        "bob@example.org",
        "bob@work.example",
    ]
    before = await snapshot(ctx)
    with pytest.raises(InputError) as bad:
        await order_desk.resend_order_mail(ctx, box_office, second.code, to="bob at work")
    assert bad.value.code == "email_invalid"
    assert await snapshot(ctx) == before


async def test_the_box_office_sees_no_money_and_may_not_refund(ctx, sold):
    _, _, (first, _, _) = sold
    box_office = await _actor(ctx, Role.BOX_OFFICE, 67)
    page = await order_desk.search_orders(ctx, box_office, OrderQuery())
    assert page.total == 3
    assert all(line.total is None for line in page.orders)
    details = await order_desk.order_details(ctx, box_office, first.code)
    assert not details.sees_money
    assert (details.total, details.payment_method, details.sold_by) == (None, "", "")
    assert all(t.price is None for t in details.tickets)
    assert decode_qr_texts(await order_desk.reprint_order(ctx, box_office, first.code))

    door = await _actor(ctx, Role.DOOR, 68)
    before = await snapshot(ctx)
    refusals = [
        lambda: order_desk.refund_order(ctx, box_office, first.code, reason="not mine to give"),
        lambda: order_desk.search_orders(ctx, door, OrderQuery()),
        lambda: order_desk.order_details(ctx, door, first.code),
        lambda: order_desk.reprint_order(ctx, door, first.code),
        lambda: order_desk.resend_order_mail(ctx, door, first.code),
    ]
    for call in refusals:
        with pytest.raises(NotAllowed) as refused:
            await call()
        assert refused.value.code == "not_allowed"
    assert await snapshot(ctx) == before
