"""A cancelled send ends cancelled, even when the cancel meets the relay's reply (Python 3.11's asyncio.wait_for,
which aiosmtplib waits with, then drops it). A lost cancel once left a closing LocalClient waiting for ever."""

from __future__ import annotations

import asyncio

import pytest

from core.mail import SmtpMailer
from tests.core.mail.conftest import HeldRecorder, SmtpServer
from tests.core.mail.test_smtp import CLOCK, tickets


async def test_a_cancel_that_arrives_with_the_relays_reply_still_cancels_the_send(
    held_smtp: SmtpServer,
) -> None:
    recorder = held_smtp.recorder
    assert isinstance(recorder, HeldRecorder)
    sending = asyncio.create_task(SmtpMailer(held_smtp.settings, clock=CLOCK).send(tickets()))
    assert await asyncio.to_thread(recorder.data_reached.wait, 60)  # the send now awaits the DATA reply
    recorder.release.set()
    # Block this loop until the reply is in the client's socket: the next loop pass reads it, then runs
    # the cancel (timers run after I/O in one pass), before the send resumes: the two arrive together.
    assert recorder.reply_sent.wait(60)
    asyncio.get_running_loop().call_later(0, sending.cancel)
    with pytest.raises(asyncio.CancelledError):
        await sending
    assert sending.cancelled()
    assert len(recorder.envelopes) == 1  # the relay had the message: the cancel came after it
