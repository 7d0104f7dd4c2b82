"""The HTTP leg of the remote client: TLS, timeouts, retries where they are safe, problems raised as errors."""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import msgspec

from core.client.tls_pin import CertificateMismatch, CertificatePin, mismatch_error, pinned_context
from core.domain.errors import EncoreError, ErrorCode, StorageUnavailable
from core.domain.problems import from_problem

__all__ = ["HttpLeg", "server_unreachable"]

log = logging.getLogger(__name__)

T = TypeVar("T")
RETRIES = 3
"""Attempts for a request that is safe to repeat (a read, or a write that carries its idempotency key)."""
TIMEOUT = httpx.Timeout(10.0, connect=3.0)
"""Per attempt; the whole call (retries and their pauses included) is bounded by the leg's deadline."""


def server_unreachable(detail: str) -> StorageUnavailable:
    return StorageUnavailable(
        f"The Encore server cannot be reached ({detail}). This device tries again by itself; if it goes on, "
        "check its network and tell the venue's IT.",
        code=ErrorCode.SERVER_UNREACHABLE,
    )


def ssl_context(ca_file: str) -> ssl.SSLContext:
    """The venue CA when one is configured, else the system's CAs. Hostnames are always checked."""
    context = ssl.create_default_context(cafile=ca_file or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _problem_error(response: httpx.Response) -> EncoreError:
    try:
        problem = json.loads(response.content)
    except ValueError:
        problem = None
    if not isinstance(problem, dict):
        problem = {"status": response.status_code, "detail": f"The server answered {response.status_code}."}
    return from_problem(problem)


class HttpLeg:
    """One keep-alive connection pool to the server; every call maps transport faults to typed errors."""

    def __init__(
        self,
        base_url: str,
        *,
        ca_file: str = "",
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = TIMEOUT,
        pin: CertificatePin | None = None,
        deadline_s: float | None = None,
    ) -> None:
        self.deadline_s = deadline_s
        """Seconds one call may take in all (settings.server_call_deadline_s); None: only the timeouts."""
        verify: ssl.SSLContext | bool = True
        if base_url.startswith("https"):
            verify = pinned_context(pin) if pin is not None else ssl_context(ca_file)
        self.pin = pin
        self.pin_file: Path | None = None
        """Where the pin learned at enrolment is kept (named in the mismatch error)."""
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            verify=verify,
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_keepalive_connections=4, max_connections=8),
            headers={"user-agent": "encore-client/1"},
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    @asynccontextmanager
    async def deadline(self) -> AsyncIterator[None]:
        """Bound everything inside to the leg's deadline: past it, server_unreachable saying so. A caller wraps a
        whole client call (a sign-in before the request included); the requests inside nest their own, later."""
        if self.deadline_s is None:
            yield
            return
        try:
            async with asyncio.timeout(self.deadline_s) as bound:
                yield
        except TimeoutError:
            if not bound.expired():
                raise
            raise server_unreachable(
                f"no answer within {self.deadline_s:g} s, the server_call_deadline_s setting"
            ) from None

    async def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, str] | None = None,
        token: str | None = None,
        repeatable: bool,
    ) -> httpx.Response:
        """The response to a successful request; the server's problem raised as its EncoreError otherwise.

        A transport fault is retried only when ``repeatable`` (a read, or a write whose idempotency key makes a
        second arrival return the first result); otherwise it is StorageUnavailable at once, and the caller
        decides (the kiosk retries a checkout with the same key, never a new one).
        """
        async with self.deadline():
            return await self._attempts(
                method, path, body=body, params=params, token=token, repeatable=repeatable
            )

    async def _attempts(
        self,
        method: str,
        path: str,
        *,
        body: Any,
        params: dict[str, str] | None,
        token: str | None,
        repeatable: bool,
    ) -> httpx.Response:
        content = None if body is None else msgspec.json.encode(body)
        headers = {"content-type": "application/json"} if content is not None else {}
        if token:
            headers["authorization"] = f"Bearer {token}"
        attempts = RETRIES if repeatable else 1
        for attempt in range(1, attempts + 1):
            try:
                response = await self._http.request(
                    method, path, content=content, params=params, headers=headers
                )
            except httpx.TransportError as exc:
                mismatch = _mismatch_in(exc)
                if mismatch is not None:  # never retried: another attempt meets the same server
                    error = mismatch_error(mismatch, self.pin_file)
                    log.error("%s", error.message)
                    raise error from None
                if attempt == attempts:
                    raise server_unreachable(type(exc).__name__) from None
                await asyncio.sleep(0.2 * attempt)
                continue
            if response.status_code < 400:
                return response
            if response.status_code in (502, 503, 504) and attempt < attempts and _is_gateway(response):
                await asyncio.sleep(0.2 * attempt)
                continue  # the load balancer found no healthy back end; another may answer
            raise _problem_error(response)
        raise AssertionError("unreachable")  # pragma: no cover

    @asynccontextmanager
    async def stream(
        self, path: str, *, params: dict[str, str] | None = None, token: str | None = None
    ) -> AsyncIterator[httpx.Response]:
        """GET a long body and read it as it comes (``aiter_bytes``): the leg's deadline covers the answer's start
        only, and each read waits at most the read timeout. A refusal is raised as its EncoreError; leaving the
        block closes the connection, which tells the server to stop."""
        headers = {"authorization": f"Bearer {token}"} if token else {}
        request = self._http.build_request("GET", path, params=params, headers=headers)
        try:
            async with self.deadline():
                response = await self._http.send(request, stream=True)
        except httpx.TransportError as exc:
            raise server_unreachable(type(exc).__name__) from None
        try:
            if response.status_code >= 400:
                await response.aread()
                raise _problem_error(response)
            yield response
        finally:
            await response.aclose()

    def decode(self, response: httpx.Response, kind: type[T]) -> T:
        # DecodeError, not only its ValidationError: a 200 web page (a captive portal, the wrong URL behind a
        # proxy) is not JSON at all, and must not reach the app as an untyped crash.
        try:
            return msgspec.json.decode(response.content, type=kind)
        except msgspec.DecodeError as exc:
            raise server_unreachable(f"an answer this client cannot read: {exc}") from None


def _mismatch_in(exc: BaseException) -> CertificateMismatch | None:
    """httpx wraps httpcore's ConnectError, which wraps the handshake's own error."""
    seen: BaseException | None = exc
    for _ in range(8):  # a few links deep; never follow a cycle forever
        if seen is None or isinstance(seen, CertificateMismatch):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _is_gateway(response: httpx.Response) -> bool:
    """A proxy's own error page, not Encore's problem (Encore's 503 StorageUnavailable is final here)."""
    return "problem+json" not in response.headers.get("content-type", "")
