"""Retries against a real SMTP server: deferred then accepted, permanently refused, and a relay that is down."""

from __future__ import annotations

import logging
import random
import time
from email.message import EmailMessage

import pytest

from core.config import Settings
from core.mail import DeliveryOutcome, SmtpMailer, backoff_delay, deliver, send_with_retry
from tests.core.mail.conftest import StartServer
from tests.core.mail.test_smtp import tickets
from tests.support.logfail import ExpectLog
from tests.support.probes import free_port

LOGGER = "core.mail.retry"


class Sleeps:
    """An injected sleep that records the back-off instead of waiting for it."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


async def test_deferred_twice_then_delivered_once(start_smtp: StartServer) -> None:
    server = start_smtp()
    server.recorder.data_replies = ["451 4.3.0 Busy, try later", "421 4.3.2 Shutting down"]
    sleeps = Sleeps()
    sent = await send_with_retry(
        SmtpMailer(server.settings), tickets(), attempts=5, base_delay=1.0, max_delay=30.0, sleep=sleeps
    )
    assert sent is True
    assert server.recorder.data_attempts == 3
    assert len(server.recorder.envelopes) == 1  # delivered exactly once
    assert len(sleeps.delays) == 2
    assert 0.5 <= sleeps.delays[0] <= 1.0
    assert 1.0 <= sleeps.delays[1] <= 2.0


@pytest.mark.parametrize("where", ["rcpt", "data"])
async def test_permanent_rejection_is_not_retried(
    start_smtp: StartServer, expect_log: ExpectLog, where: str
) -> None:
    server = start_smtp()
    if where == "rcpt":
        server.recorder.rcpt_reply = "550 5.1.1 No such mailbox"
    else:
        server.recorder.data_replies = ["554 5.7.1 Message refused"]
    sleeps = Sleeps()
    with expect_log(LOGGER, "rejected, not retried"):
        delivery = await deliver(SmtpMailer(server.settings), tickets(), attempts=5, sleep=sleeps)
    assert (delivery.outcome, delivery.attempts, delivery.error_code) == (
        DeliveryOutcome.REJECTED,
        1,
        "mail_rejected",
    )
    assert sleeps.delays == []
    assert server.recorder.rcpt_attempts == 1
    assert server.recorder.envelopes == []


async def test_permanent_rejection_returns_false(start_smtp: StartServer, expect_log: ExpectLog) -> None:
    server = start_smtp()
    server.recorder.rcpt_reply = "550 5.1.1 No such mailbox"
    with expect_log(LOGGER, "550"):
        assert (
            await send_with_retry(SmtpMailer(server.settings), tickets(), attempts=3, sleep=Sleeps()) is False
        )
    assert server.recorder.rcpt_attempts == 1


async def test_relay_down_retries_then_gives_up(expect_log: ExpectLog) -> None:
    settings = Settings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_security="none", smtp_timeout_s=5)
    sleeps = Sleeps()
    started = time.monotonic()
    with expect_log(LOGGER, "not sent after 4 attempts.*cannot be reached") as seen:
        delivery = await deliver(
            SmtpMailer(settings), tickets(), attempts=4, base_delay=1, max_delay=3, sleep=sleeps
        )
    assert time.monotonic() - started < 3
    assert (delivery.outcome, delivery.attempts, delivery.error_code) == (
        DeliveryOutcome.GAVE_UP,
        4,
        "mail_unavailable",
    )
    assert not delivery.sent
    assert len(sleeps.delays) == 3
    assert sleeps.delays[2] <= 3.0  # capped
    assert seen.seen[0].levelno == logging.WARNING


async def test_unexpected_mailer_error_is_reported_not_raised(expect_log: ExpectLog) -> None:
    class Broken:
        async def send(self, msg: EmailMessage) -> None:
            raise KeyError("bug")

    with expect_log(LOGGER, "unexpected error", level=logging.ERROR):
        delivery = await deliver(Broken(), tickets(), attempts=3, sleep=Sleeps())
    assert (delivery.outcome, delivery.attempts, delivery.error_code) == (
        DeliveryOutcome.GAVE_UP,
        1,
        "unexpected",
    )


def test_backoff_doubles_caps_and_jitters() -> None:
    rng = random.Random(7)
    for retry, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (60, 10.0)]:
        for _ in range(50):
            delay = backoff_delay(retry, base_delay=1.0, max_delay=10.0, rng=rng)
            assert ceiling / 2 <= delay <= ceiling
    spread = {backoff_delay(3, base_delay=1.0, max_delay=10.0, rng=rng) for _ in range(20)}
    assert len(spread) > 10  # jittered, not a fixed schedule


@pytest.mark.parametrize(("attempts", "base", "cap"), [(0, 1.0, 2.0), (3, -1.0, 2.0), (3, 2.0, 1.0)])
async def test_bad_retry_parameters(attempts: int, base: float, cap: float) -> None:
    with pytest.raises(ValueError, match="attempts"):
        await deliver(
            SmtpMailer(Settings(smtp_host="127.0.0.1")),
            tickets(),
            attempts=attempts,
            base_delay=base,
            max_delay=cap,
        )
