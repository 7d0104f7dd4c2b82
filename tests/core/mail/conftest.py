"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1, optionally STARTTLS + AUTH with a fresh CA."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, AnyStr

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from core.config import Settings
from tests.support.probes import free_port

SMTP_USER = "encore-box-office"
SMTP_PASSWORD = "pw-Ut7r-never-logged"


def small_pdf() -> bytes:
    """A real one-page PDF with correct xref offsets (no reportlab here), text 'Encore test ticket'."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 226 340] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    stream = b"BT /F1 12 Tf 20 300 Td (Encore test ticket) Tj ET"
    objects[3] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@dataclass
class Recorder:
    """The server's handler: keeps every accepted envelope; ``data_replies`` are answered to DATA first."""

    data_replies: list[str] = field(default_factory=list)
    rcpt_reply: str | None = None
    envelopes: list[Envelope] = field(default_factory=list)
    data_attempts: int = 0
    rcpt_attempts: int = 0
    tls_seen: list[bool] = field(default_factory=list)
    require_auth: bool = False

    async def handle_RCPT(
        self, server: SMTPServer, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        self.rcpt_attempts += 1
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        self.data_attempts += 1
        if self.require_auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        if self.data_replies:
            return self.data_replies.pop(0)
        self.tls_seen.append(
            server.transport is not None and server.transport.get_extra_info("ssl_object") is not None
        )
        self.envelopes.append(envelope)
        return "250 Message accepted"


def _authenticate(
    server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


@dataclass(frozen=True)
class TlsFiles:
    ca: Path
    server_context: ssl.SSLContext


def _make_tls(directory: Path) -> TlsFiles:
    """A throwaway CA and a server certificate for 127.0.0.1 signed by it; the client trusts the CA file."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Encore test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = directory / "ca.pem"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path, key_path = directory / "server.pem", directory / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return TlsFiles(ca_path, context)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return _make_tls(tmp_path_factory.mktemp("smtp-tls"))


@dataclass
class SmtpServer:
    recorder: Recorder
    settings: Settings
    """Client settings that reach this server (no password: that comes from the 'secret store')."""


StartServer = Callable[..., SmtpServer]


@pytest.fixture
def start_smtp(tls_files: TlsFiles) -> Iterator[StartServer]:
    """start_smtp(recorder=None, *, secure=False, implicit_tls=False) -> SmtpServer, stopped after the test."""
    controllers: list[Controller] = []

    def start(
        recorder: Recorder | None = None, *, secure: bool = False, implicit_tls: bool = False
    ) -> SmtpServer:
        recorder = recorder or Recorder()
        port = free_port()
        kwargs: dict[str, Any] = {}
        if secure and not implicit_tls:
            kwargs = {
                "tls_context": tls_files.server_context,
                "require_starttls": True,
                "authenticator": _authenticate,
                "auth_required": True,
            }
        if implicit_tls:
            recorder.require_auth = True
            kwargs = {
                "ssl_context": tls_files.server_context,
                "authenticator": _authenticate,
                # aiosmtpd counts only STARTTLS as TLS for AUTH; this whole connection is TLS already.
                # (auth_required with that warns, so handle_DATA checks the sign-in instead.)
                "auth_require_tls": False,
            }
        controller = Controller(recorder, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        controllers.append(controller)
        settings = Settings(
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_security="tls" if implicit_tls else "starttls" if secure else "none",
            smtp_username=SMTP_USER if secure or implicit_tls else "",
            smtp_tls_ca_file=str(tls_files.ca),
            smtp_timeout_s=5.0,
            mail_from="Encore Box Office <tickets@venue.example>",
        )
        return SmtpServer(recorder, settings)

    yield start
    for controller in controllers:
        controller.stop()


def with_settings(server: SmtpServer, **changes: Any) -> Settings:
    return replace(server.settings, **changes)


HELD_REPLY = "250 2.0.0 Accepted after the hold"


class HeldRecorder(Recorder):
    """Holds the reply to DATA until ``release`` is set; ``reply_sent`` is set once that reply is on the wire."""

    def __init__(self) -> None:
        super().__init__()
        self.data_reached = threading.Event()
        self.release = threading.Event()
        self.reply_sent = threading.Event()

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        self.data_reached.set()
        await asyncio.to_thread(self.release.wait)
        self.envelopes.append(envelope)
        return HELD_REPLY


class _SignallingSMTP(SMTPServer):
    async def push(self, status: AnyStr) -> None:
        await super().push(status)  # written to the socket: on loopback the client can read it from now on
        handler = self.event_handler
        if isinstance(handler, HeldRecorder) and status == HELD_REPLY:
            handler.reply_sent.set()


class _HeldController(Controller):
    def factory(self) -> SMTPServer:
        return _SignallingSMTP(self.handler, **self.SMTP_kwargs)


@pytest.fixture
def held_smtp() -> Iterator[SmtpServer]:
    """A plain relay on 127.0.0.1 whose DATA reply waits for the test (a HeldRecorder)."""
    recorder = HeldRecorder()
    port = free_port()
    controller = _HeldController(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings = Settings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_timeout_s=30.0,
        mail_from="Encore Box Office <tickets@venue.example>",
    )
    yield SmtpServer(recorder, settings)
    recorder.release.set()
    controller.stop()
