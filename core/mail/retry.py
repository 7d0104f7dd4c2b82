"""Send with retries: exponential back-off with jitter; a failure is reported, never raised into the order."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from enum import StrEnum

from core.mail.protocol import Mailer, MailError, MailRejected

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[object]]


class DeliveryOutcome(StrEnum):
    SENT = "sent"
    REJECTED = "rejected"
    """Permanently refused (5xx): an outbox marks it dead; sending it again will not help."""
    GAVE_UP = "gave_up"
    """Every attempt failed transiently (or unexpectedly): an outbox may try again later."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """What happened, in a form an outbox row can store: outcome, attempts made, the last error."""

    outcome: DeliveryOutcome
    attempts: int
    error_code: str | None = None
    error_message: str | None = None

    @property
    def sent(self) -> bool:
        return self.outcome is DeliveryOutcome.SENT


def backoff_delay(
    retry: int, *, base_delay: float, max_delay: float, rng: random.Random | None = None
) -> float:
    """The wait before retry number ``retry`` (1, 2, ...): base·2^(retry-1), capped at ``max_delay``, then
    jittered down by up to half, so many kiosks that failed together do not all retry together."""
    ceiling = min(max_delay, base_delay * 2.0 ** min(retry - 1, 32))
    draw = rng.random() if rng is not None else random.random()
    return ceiling * (0.5 + 0.5 * draw)


async def deliver(
    mailer: Mailer,
    msg: EmailMessage,
    *,
    attempts: int = 5,
    base_delay: float = 1.0,
    max_delay: float = 60.0,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
) -> Delivery:
    """Try up to ``attempts`` times; never raises for a mail fault (cancellation still propagates)."""
    if attempts < 1 or base_delay < 0 or max_delay < base_delay:
        raise ValueError("need attempts >= 1 and 0 <= base_delay <= max_delay")
    mid = msg.get("Message-ID", "(no Message-ID)")
    error: MailError | None = None
    for attempt in range(1, attempts + 1):
        if attempt > 1:
            await sleep(backoff_delay(attempt - 1, base_delay=base_delay, max_delay=max_delay, rng=rng))
        try:
            await mailer.send(msg)
        except MailRejected as exc:
            log.warning("mail %s rejected, not retried: %s", mid, exc.message)
            return Delivery(DeliveryOutcome.REJECTED, attempt, exc.code, exc.message)
        except MailError as exc:
            error = exc
            log.info("mail %s: attempt %d of %d failed: %s", mid, attempt, attempts, exc.message)
        except Exception as exc:
            # A bug, not a mail fault: retrying in seconds will not fix it, and the order must not see it.
            log.error("mail %s: unexpected error from the mailer", mid, exc_info=exc)
            return Delivery(DeliveryOutcome.GAVE_UP, attempt, "unexpected", type(exc).__name__)
        else:
            return Delivery(DeliveryOutcome.SENT, attempt)
    assert error is not None
    log.warning("mail %s not sent after %d attempts: %s", mid, attempts, error.message)
    return Delivery(DeliveryOutcome.GAVE_UP, attempts, error.code, error.message)


async def send_with_retry(
    mailer: Mailer,
    msg: EmailMessage,
    *,
    attempts: int = 5,
    base_delay: float = 1.0,
    max_delay: float = 60.0,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
) -> bool:
    """True once sent; False after a permanent rejection or after the last attempt (a warning is logged)."""
    delivery = await deliver(
        mailer, msg, attempts=attempts, base_delay=base_delay, max_delay=max_delay, sleep=sleep, rng=rng
    )
    return delivery.sent
