"""A request that outlasts server_request_timeout_s is answered 503 (request_timeout) instead of hanging."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core.api.problems import PROBLEM_JSON
from core.domain.errors import ErrorCode, StorageBusy
from core.domain.problems import to_problem

__all__ = ["request_timeout"]

log = logging.getLogger(__name__)


def _timed_out(seconds: float) -> StorageBusy:
    return StorageBusy(
        f"The server did not finish this request within {seconds:g} s, so it stopped working on it. It may or "
        "may not have gone through: check, then try again (a retry with the same key never sells twice).",
        code=ErrorCode.REQUEST_TIMEOUT,
    )


def request_timeout(seconds: float) -> Callable[[ASGIApp], ASGIApp]:
    """ASGI middleware: the route (its dependencies, the database work, the response) runs under a deadline.

    A hung database or a stuck lock must not hold a kiosk's request, and one of the server's connections, for
    ever: past the deadline the work is cancelled (its transaction is rolled back, unless it was already
    committing) and the client gets a problem it can act on. A response already under way is cut off instead.
    """

    def middleware(app: ASGIApp) -> ASGIApp:
        async def timed(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            what = f"{scope.get('method', '')} {scope['path']}"
            started = False
            bound: asyncio.Timeout | None = None

            async def tracked(message: Message) -> None:
                nonlocal started
                if message["type"] == "http.response.start":
                    started = True
                    if bound is not None and _streams(message):
                        bound.reschedule(None)  # a streamed export: the deadline covered its start
                await send(message)

            try:
                async with asyncio.timeout(seconds) as bound:
                    await app(scope, receive, tracked)
            except TimeoutError:
                log.warning("%s took over %g s; answered 503", what, seconds)
                if started:
                    raise  # the status line is gone: all that is left is to drop the connection
                await _send_problem(send, seconds)

        return timed

    return middleware


def _streams(message: Message) -> bool:
    """A response that streams a long body says so (routes_reports.STREAMED_HEADER): each of its chunks is a
    short read of its own, and a client that stops reading ends it."""
    headers: list[tuple[bytes, bytes]] = list(message.get("headers") or [])  # type: ignore[call-overload]
    return any(name.lower() == b"x-encore-streamed" for name, _ in headers)


async def _send_problem(send: Send, seconds: float) -> None:
    body = json.dumps(to_problem(_timed_out(seconds))).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", b"1"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
