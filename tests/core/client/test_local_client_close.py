"""Closing the embedded client ends its ticket-mail loop even when the cancel is lost on the way (Python 3.11's
asyncio.wait_for, inside aiosmtplib, drops a cancel that meets the relay's reply): the close once hung for ever."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.client.local import LocalClient
from core.db.tables import mail_outbox
from core.domain.clock import ManualClock
from core.domain.devices import DeviceKind
from core.domain.payments import SimulatedCard
from core.mail import SmtpMailer
from core.mail.protocol import Mailer
from core.ops import seed
from core.services import devices
from tests.builders import ROOT
from tests.core.mail.conftest import HeldRecorder, SmtpServer
from tests.support.context import open_context


class _LosesTheCancel:
    """The real mailer behind a library that drops a cancel and finishes the exchange, as aiosmtplib does on
    Python 3.11 when the cancel and the relay's reply arrive in the same loop pass (made certain here)."""

    def __init__(self, mailer: Mailer) -> None:
        self._mailer = mailer
        self.cancels_lost = 0

    async def send(self, msg: EmailMessage) -> None:
        sending = asyncio.ensure_future(self._mailer.send(msg))
        try:
            await asyncio.shield(sending)
        except asyncio.CancelledError:
            self.cancels_lost += 1
            await sending


async def test_closing_ends_the_mail_loop_even_if_a_send_swallows_the_cancel(
    sqlite_url: str, clock: ManualClock, held_smtp: SmtpServer, tmp_path: Path
) -> None:
    recorder = held_smtp.recorder
    assert isinstance(recorder, HeldRecorder)
    settings = replace(
        held_smtp.settings, database_url=sqlite_url, device_key_ref=f"file:{tmp_path / 'k.key'}"
    )
    async with open_context(sqlite_url, clock) as seeding:
        await seed.seed_demo(seeding)
    mailer = _LosesTheCancel(SmtpMailer(settings, clock=clock))
    client = LocalClient(settings, clock=clock, mail_every_s=0.05, mailer=mailer)
    async with client:
        enrolment = await client.enrol(DeviceKind.KIOSK, "Mail kiosk")
        await devices.approve_device(client.ctx, ROOT, enrolment.device.id)
        await client.enrol(DeviceKind.KIOSK, "Mail kiosk")
        [concert, *_] = await client.list_on_sale()
        seat_map = await client.get_seat_map(concert.concert.id)
        seat = next(p.id for p in seat_map.places if p.row is not None)
        hold = await client.hold_places(concert.concert.id, [seat], request_key="r1")
        await client.pay_and_checkout(
            hold.id, SimulatedCard(approve=True), idempotency_key="m1", buyer_email="fan@example.org"
        )
        assert await asyncio.to_thread(recorder.data_reached.wait, 60)  # the mail loop is mid-send

        closing = asyncio.create_task(client.aclose())
        async with asyncio.timeout(60):  # a hang guard only
            while not mailer.cancels_lost:  # noqa: ASYNC110 - the close's cancel reaches the send
                await asyncio.sleep(0.01)
        recorder.release.set()
        async with asyncio.timeout(60):  # without the stop signal the loop never ends: this times out
            await closing

    assert len(recorder.envelopes) == 1

    async def outbox(conn: AsyncConnection) -> list[tuple[str, int]]:
        rows = await conn.execute(select(mail_outbox.c.status, mail_outbox.c.attempts))
        return [(r.status, r.attempts) for r in rows]

    async with open_context(sqlite_url, clock) as after:
        assert await after.db.read(outbox) == [("sent", 1)]  # the mail in hand was recorded: never sent twice
