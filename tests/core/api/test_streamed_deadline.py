"""A streamed export outlives the request deadline once its answer has started (each chunk is a short read of
its own); any other answer is still cut off at the deadline. The middleware alone, around a tiny ASGI app that
starts its answer and then takes longer than the deadline to finish it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from core.api.routes_reports import STREAMED_HEADER
from core.api.timeouts import request_timeout

DEADLINE_S = 0.2


def _slow_body(headers: list[tuple[bytes, bytes]]) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for part in (b"header\n", b"row 1\n", b"row 2\n"):
            await asyncio.sleep(DEADLINE_S)  # three pauses: the whole answer takes 3x the deadline
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    return app


async def _serve(headers: list[tuple[bytes, bytes]]) -> bytes:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    timed = request_timeout(DEADLINE_S)(_slow_body(headers))
    scope = {"type": "http", "method": "GET", "path": "/v1/concerts/1/exports/tickets"}
    try:
        await timed(scope, receive, send)
    finally:
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return body


async def test_a_streamed_answer_runs_past_the_deadline() -> None:
    body = await _serve([(b"content-type", b"text/csv"), (STREAMED_HEADER.encode(), b"1")])
    assert body == b"header\nrow 1\nrow 2\n"


async def test_control_the_same_answer_unmarked_is_cut_off(expect_log: Any) -> None:
    with expect_log("core.api.timeouts", f"took over {DEADLINE_S:g} s"), pytest.raises(TimeoutError):
        await _serve([(b"content-type", b"text/csv")])
