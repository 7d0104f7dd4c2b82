"""The remote client turns every way of not reaching the venue server into StorageUnavailable
(server_unreachable), the error the kiosk shows "out of service" for and recovers from by itself: a refused
connection, a certificate the venue CA did not sign, a peer that does not speak TLS, a connection closed at once, a
server that never answers, and an answer that is not the API's (a web page where JSON belongs). Each fault is a
real socket misbehaving on 127.0.0.1."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import trustme

from core.client.http import HttpLeg
from core.client.remote import RemoteClient
from core.config import Settings
from core.domain.devices import DeviceKind
from core.domain.errors import ErrorCode, StorageUnavailable
from tests.support.probes import free_port

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
WEB_PAGE = b"<html><body>Welcome to the venue Wi-Fi</body></html>"


async def _until_closed(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Accept and say nothing, until the client gives up (a black-holed server)."""
    while await reader.read(4096):
        pass
    writer.close()


async def _close_at_once(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


async def _plain_http(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A web server without TLS where the kiosk expects TLS: its first bytes are not a TLS handshake."""
    writer.write(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
    await writer.drain()
    writer.close()


async def _web_page(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """200 OK with an HTML page (a captive portal, or the wrong URL behind the proxy)."""
    try:
        await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        pass  # a client that refused our certificate hangs up during the handshake
    else:
        head = b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nconnection: close\r\n"
        writer.write(head + b"content-length: %d\r\n\r\n" % len(WEB_PAGE) + WEB_PAGE)
        await writer.drain()
    writer.close()


@asynccontextmanager
async def _serving(handler: Handler, tls: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=tls)
    async with server:
        yield server.sockets[0].getsockname()[1]


@pytest.fixture
def venue_ca(tmp_path: Path) -> tuple[trustme.CA, str]:
    ca = trustme.CA()
    path = tmp_path / "venue-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, str(path)


def _tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


def _kiosk(url: str, ca_file: str, tmp_path: Path) -> RemoteClient:
    settings = Settings(server_url=url, server_ca_file=ca_file, device_key_ref=f"file:{tmp_path / 'k.key'}")
    return RemoteClient(settings)


async def _refused_by(client: RemoteClient) -> StorageUnavailable:
    async with client:
        with pytest.raises(StorageUnavailable) as refused:
            await client.enrol(DeviceKind.KIOSK, "Foyer")
    assert refused.value.code == ErrorCode.SERVER_UNREACHABLE
    return refused.value


async def test_a_refused_connection_is_server_unreachable(venue_ca, tmp_path) -> None:
    port = free_port()  # nothing listens there
    await _refused_by(_kiosk(f"https://127.0.0.1:{port}", venue_ca[1], tmp_path))


async def test_a_certificate_the_venue_ca_did_not_sign_is_server_unreachable(venue_ca, tmp_path) -> None:
    async with _serving(_web_page, _tls(trustme.CA())) as port:  # someone else's CA
        await _refused_by(_kiosk(f"https://127.0.0.1:{port}", venue_ca[1], tmp_path))


@pytest.mark.parametrize("handler", [_plain_http, _close_at_once], ids=["not_tls", "closed_at_once"])
async def test_a_peer_that_breaks_the_connection_is_server_unreachable(handler, venue_ca, tmp_path) -> None:
    async with _serving(handler) as port:
        await _refused_by(_kiosk(f"https://127.0.0.1:{port}", venue_ca[1], tmp_path))


@pytest.mark.parametrize("scheme", ["https", "http"])
async def test_a_server_that_never_answers_times_out_as_server_unreachable(scheme, venue_ca) -> None:
    """Over TLS the handshake never completes (connect timeout); over plain HTTP the reply never comes (read
    timeout). The client's own timeouts, shortened here: nothing would ever answer."""
    async with _serving(_until_closed) as port:
        leg = HttpLeg(f"{scheme}://127.0.0.1:{port}", ca_file=venue_ca[1], timeout=httpx.Timeout(0.3))
        try:
            with pytest.raises(StorageUnavailable) as refused:
                await leg.call("GET", "/v1/concerts/on-sale", repeatable=True)
        finally:
            await leg.aclose()
    assert refused.value.code == ErrorCode.SERVER_UNREACHABLE
    assert "Timeout" in refused.value.message


async def test_a_silent_server_ends_at_the_calls_deadline_not_after_every_retry(venue_ca, tmp_path) -> None:
    """With the default per-attempt timeouts (connect 3 s, read 10 s) and three attempts for a repeatable
    request, a silent network kept a kiosk waiting half a minute. The call's own deadline ends it, and says
    that the deadline did (not a timeout of the last attempt)."""
    async with _serving(_until_closed) as port:
        settings = Settings(
            server_url=f"https://127.0.0.1:{port}",
            server_ca_file=venue_ca[1],
            device_key_ref=f"file:{tmp_path / 'k.key'}",
            server_call_deadline_s=1.0,
        )
        refused = await _refused_by(RemoteClient(settings))
    assert "server_call_deadline_s" in refused.message
    assert "1 s" in refused.message


async def test_retries_stay_within_the_deadline(venue_ca) -> None:
    """Attempts that each time out quickly are retried only while the deadline allows: three attempts and their
    pauses would outlast it, so the deadline, not the last attempt, ends the call."""
    connections = 0

    async def counted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await _until_closed(reader, writer)

    async with _serving(counted) as port:
        leg = HttpLeg(
            f"https://127.0.0.1:{port}",
            ca_file=venue_ca[1],
            timeout=httpx.Timeout(0.3),
            deadline_s=1.0,  # 3 x 0.3 s + pauses of 0.2 s and 0.4 s would be 1.5 s
        )
        try:
            with pytest.raises(StorageUnavailable) as refused:
                await leg.call("GET", "/v1/concerts/on-sale", repeatable=True)
        finally:
            await leg.aclose()
    assert refused.value.code == ErrorCode.SERVER_UNREACHABLE
    assert "server_call_deadline_s" in refused.value.message
    assert 1 <= connections < 3


async def test_a_web_page_where_the_api_belongs_is_server_unreachable(venue_ca, tmp_path) -> None:
    """A trusted certificate, 200 OK, and HTML: the answer is not the API's, so nothing is known to have
    happened; not a crash of the kiosk (it was an untyped msgspec.DecodeError)."""
    ca, ca_file = venue_ca
    async with _serving(_web_page, _tls(ca)) as port:
        refused = await _refused_by(_kiosk(f"https://127.0.0.1:{port}", ca_file, tmp_path))
    assert "cannot read" in refused.message
