"""Pinning the server's certificate, against the real encore-server process (TLS with a trustme certificate from a
CA this machine does not know): the pinned fingerprint is trusted where no CA is; trust on first use pins at
enrolment and stores the pin beside the device key; a server showing any other certificate (an impostor behind the
same address) is refused with server_certificate_mismatch before the device sends a single byte, token included."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import trustme

from core.client.remote import RemoteClient
from core.client.tls_pin import pin_file_for
from core.config import Settings
from core.domain.devices import DeviceKind
from core.domain.errors import StorageUnavailable
from core.services import devices
from tests.builders import ROOT
from tests.dbstate import snapshot
from tests.support.api_server import encore_server
from tests.support.tcp_proxy import RestartableProxy

pytestmark = pytest.mark.postgres


@pytest.fixture
def server(pg_database_url, tmp_path):
    with encore_server(pg_database_url, tmp_path / "server") as running:
        yield running


def _fingerprint(chain_pem: Path) -> str:
    leaf = chain_pem.read_text().split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(leaf)).hexdigest()


def _colons(fingerprint: str) -> str:
    return ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()


@dataclass
class Impostor:
    """A TLS server on localhost with a certificate of its own (another CA): it records what clients send."""

    port: int = 0
    received: bytearray = field(default_factory=bytearray)
    connections: int = 0
    handshakes: int = 0
    """Completed TLS handshakes: a pinning client refuses the certificate before it finishes its part."""
    done: asyncio.Event = field(default_factory=asyncio.Event)


@pytest.fixture
async def impostor() -> AsyncIterator[Impostor]:
    found = Impostor()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("localhost", "127.0.0.1").configure_cert(context)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        found.connections += 1
        try:
            await writer.start_tls(context)
            found.handshakes += 1
            while chunk := await reader.read(4096):
                found.received += chunk
        except (OSError, ssl.SSLError):
            pass
        finally:
            writer.close()
            found.done.set()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    found.port = server.sockets[0].getsockname()[1]
    yield found
    server.close()


async def test_a_pinned_fingerprint_is_trusted_where_no_known_ca_signed_the_certificate(
    server, pg_ctx, tmp_path
):
    key = f"file:{tmp_path / 'kiosk.key'}"
    # The system CAs do not know the server's (trustme) CA: without the pin the device refuses the server.
    async with RemoteClient(Settings(server_url=server.url, device_key_ref=key)) as stranger:
        with pytest.raises(StorageUnavailable) as unknown_ca:
            await stranger.enrol(DeviceKind.KIOSK, "Foyer")
    assert unknown_ca.value.code == "server_unreachable"

    pinned = Settings(
        server_url=server.url,
        server_cert_sha256=_colons(
            _fingerprint(server.ca_file.parent / "server-chain.pem")
        ),  # as openssl shows it
        device_key_ref=key,
    )
    async with RemoteClient(pinned) as kiosk:
        device = (await kiosk.enrol(DeviceKind.KIOSK, "Foyer")).device
        await devices.approve_device(pg_ctx, ROOT, device.id)
        assert (await kiosk.enrol(DeviceKind.KIOSK, "Foyer")).approved
        assert isinstance(
            await kiosk.list_on_sale(), list
        )  # a token-carrying call over the pinned connection
    assert not pin_file_for(key).exists()  # a pin from the settings is the settings' business


async def test_a_wrong_fingerprint_in_the_settings_sends_nothing_and_says_what_to_do(
    server, pg_ctx, tmp_path, expect_log
):
    before = await snapshot(pg_ctx)
    wrong = Settings(
        server_url=server.url, server_cert_sha256="ab" * 32, device_key_ref=f"file:{tmp_path / 'k.key'}"
    )
    async with RemoteClient(wrong) as kiosk:
        with (
            expect_log("core.client.http", "does not trust", logging.ERROR),
            pytest.raises(StorageUnavailable) as refused,
        ):
            await kiosk.enrol(DeviceKind.KIOSK, "Foyer")
    assert refused.value.code == "server_certificate_mismatch"
    assert f"pinned: {_colons('ab' * 32)}" in refused.value.message
    assert "set server_cert_sha256 to its fingerprint" in refused.value.message
    assert "nothing was sent to it" in refused.value.message
    assert await snapshot(pg_ctx) == before  # the enrolment never reached the server


async def test_trust_on_first_use_pins_at_enrolment_and_an_impostor_gets_no_byte_not_even_the_token(
    server, pg_ctx, impostor, tmp_path, expect_log
):
    port = int(server.url.rsplit(":", 1)[1])
    proxy = RestartableProxy("127.0.0.1", port)  # the venue's address: what answers behind it can change
    await proxy.start()
    key = f"file:{tmp_path / 'door.key'}"
    settings = Settings(
        server_url=f"https://localhost:{proxy.port}", server_cert_trust_first=True, device_key_ref=key
    )
    real = _fingerprint(server.ca_file.parent / "server-chain.pem")
    try:
        async with RemoteClient(settings) as door:
            device = (await door.enrol(DeviceKind.DOOR, "North door")).device
            stored = pin_file_for(key)
            assert stored.read_text().strip() == _colons(real)  # pinned at enrolment, beside the key
            assert stored.stat().st_mode & 0o777 == 0o600
            await devices.approve_device(pg_ctx, ROOT, device.id)
            assert (await door.enrol(DeviceKind.DOOR, "North door")).approved  # signed in: it holds a token
            assert isinstance(await door.list_door_concerts(), list)

            await proxy.close()  # every connection goes; the impostor takes the address
            proxy.target_port = impostor.port
            await proxy.start()
            with (
                expect_log("core.client.http", "does not trust", logging.ERROR),
                pytest.raises(StorageUnavailable) as refused,
            ):
                await door.list_door_concerts()
            assert refused.value.code == "server_certificate_mismatch"
            assert str(stored) in refused.value.message  # what to delete to pin a new certificate on purpose
            async with asyncio.timeout(10):
                await impostor.done.wait()
            assert impostor.connections == 1  # refused once, not retried
            assert impostor.handshakes == 0  # the device walked away inside the handshake
            assert bytes(impostor.received) == b""  # no request line, no header, no token

        # A restarted device reads its pin from the file: the impostor still gets nothing.
        async with RemoteClient(settings) as restarted:
            with (
                expect_log("core.client.http", "does not trust", logging.ERROR),
                pytest.raises(StorageUnavailable),
            ):
                await restarted.enrol(DeviceKind.DOOR, "North door")
        assert bytes(impostor.received) == b""
        await proxy.close()
        proxy.target_port = port  # the real server again
        await proxy.start()
        async with RemoteClient(settings) as restarted:
            assert (await restarted.enrol(DeviceKind.DOOR, "North door")).approved
    finally:
        await proxy.close()
