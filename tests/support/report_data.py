"""A concert with something to report: orders at two kiosks (seated and standing), a refunded ticket, entries at
two gates, built through the real services; and the numbers the database holds, counted independently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import distinct, func, select

from core.db.tables import checkins, orders, refunds, tickets
from core.domain.clock import ManualClock
from core.domain.ids import ConcertId
from core.domain.money import Money
from core.domain.orders import Payment
from core.services import checkin, checkout, sales
from core.services import orders as orders_service
from core.services import tickets as tickets_service
from core.services.context import ServiceContext
from tests.builders import Stage, build_stage, door_device, sell

DOORS_OPEN = 7 * 24 * 3600  # build_stage's doors open a week after the clock's start


@dataclass(frozen=True)
class Truth:
    orders: int
    tickets: int
    gross_minor: int
    refunded_tickets: int
    refunded_minor: int
    admitted: int
    checkin_rows: int


async def busy_concert(ctx: ServiceContext, clock: ManualClock, *, name: str = "Report Hall") -> Stage:
    stage = await build_stage(ctx, name=name)
    first = await sell(ctx, stage, stage.kiosk, stage.seats[:3], f"{name}-1")
    clock.advance(26 * 3600)  # a second day of sales
    second = await sell(ctx, stage, stage.other_kiosk, stage.seats[3:5], f"{name}-2")
    hold = await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 4)
    payment = Payment("card", f"{name}-3", Money(hold.total.minor, "EUR"))
    standing = await checkout.checkout_hold(
        ctx, stage.kiosk, hold.id, idempotency_key=f"{name}-3", payment=payment
    )
    await orders_service.refund_tickets(
        ctx, stage.manager, first.code, reason="could not come", ticket_ids=[first.tickets[2].id]
    )
    clock.advance(DOORS_OPEN - 26 * 3600 + 60)
    door = await door_device(ctx, f"{name} door")
    texts = {}
    for order in (first, second, standing):
        for doc in await tickets_service.order_documents(ctx, stage.manager, order.code):
            texts[doc.serial] = doc.qr_text
    for serial, gate in ((first.tickets[0].serial, "North"), (second.tickets[0].serial, "North"),
                         (standing.tickets[0].serial, "South")):  # fmt: skip
        await checkin.scan_ticket(ctx, door, texts[serial], concert_id=stage.id, gate=gate)
    clock.advance(timedelta(minutes=1).total_seconds())
    return stage


async def truth(ctx: ServiceContext, concert_id: ConcertId) -> Truth:
    async def work(conn):  # type: ignore[no-untyped-def]
        def one(query):  # type: ignore[no-untyped-def]
            return conn.execute(query)

        o = (
            await one(select(func.count()).select_from(orders).where(orders.c.concert_id == concert_id))
        ).scalar_one()
        t, gross = (
            await one(
                select(func.count(), func.sum(tickets.c.price_minor)).where(
                    tickets.c.concert_id == concert_id
                )
            )
        ).one()
        r, back = (
            await one(
                select(func.count(), func.coalesce(func.sum(refunds.c.amount_minor), 0))
                .select_from(refunds.join(tickets, tickets.c.id == refunds.c.ticket_id))
                .where(tickets.c.concert_id == concert_id)
            )
        ).one()
        entered = checkins.c.concert_id == concert_id
        admitted = (await one(select(func.count(distinct(checkins.c.ticket_id))).where(entered))).scalar_one()
        rows = (await one(select(func.count()).select_from(checkins).where(entered))).scalar_one()
        return Truth(int(o), int(t), int(gross), int(r), int(back), int(admitted), int(rows))

    return await ctx.db.read(work)
