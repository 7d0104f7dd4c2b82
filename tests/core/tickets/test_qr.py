"""QR text: base45 (RFC 9285 vectors), parsing scanner text, and the measured QR sizes."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from qrcode.constants import ERROR_CORRECT_M

from core.domain.checkin import ScanResult
from core.tickets import payload as tp
from core.tickets import qr, signing
from tests.core.tickets.conftest import Signed, make_payload, make_signed


@pytest.mark.parametrize(
    ("raw", "text"),
    [  # RFC 9285, sections 4.3 and 4.4
        (b"AB", "BB8"),
        (b"Hello!!", "%69 VD92EX0"),
        (b"base-45", "UJCLQE7W581"),
        (b"ietf!", "QED8WEX0"),
        (b"", ""),
        (b"\xff\xff", "FGW"),
        (b"\xff", "U5"),
    ],
)
def test_base45_vectors(raw: bytes, text: str) -> None:
    assert qr.b45encode(raw) == text
    assert qr.b45decode(text) == raw


@pytest.mark.parametrize(
    "text",
    ["GGW", "V6", "A", "ABCD", "QED8WEX0a", "QED8WEX0=", "ÀB8", ":::"],
)
def test_base45_rejects_non_canonical_or_foreign_text(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        qr.b45decode(text)


def test_text_round_trip(ticket: Signed) -> None:
    assert len(ticket.text) == 134
    assert set(ticket.text) <= set(qr.ALPHABET)
    payload, signed, signature = qr.parse_text(ticket.text)
    assert (payload, signed, signature) == (ticket.payload, ticket.signed, ticket.signature)
    assert qr.read_ticket(ticket.text, ticket.trusted) == ticket.payload


@pytest.mark.parametrize(
    "wrap",
    [
        lambda t: t + "\n",
        lambda t: t + "\r\n",
        lambda t: t + "\t",
        lambda t: "\r\n" + t + " \r\n",
        lambda t: t.lower(),
        lambda t: t.lower() + "\n",
    ],
    ids=["lf", "crlf", "tab", "surrounded", "lower", "lower-lf"],
)
def test_keyboard_wedge_variants_are_read(ticket: Signed, wrap: Callable[[str], str]) -> None:
    assert qr.read_ticket(wrap(ticket.text), ticket.trusted) == ticket.payload


def test_leading_space_is_a_digit_not_whitespace(key: Ed25519PrivateKey) -> None:
    # A ticket id whose top byte is 5 makes the first base45 group start with a space (value 36).
    t = make_signed(key, make_payload(ticket=5 << 56))
    assert t.text.startswith(" ")
    assert qr.read_ticket(t.text + "\n", t.trusted) == t.payload
    with pytest.raises(tp.MalformedTicket):
        qr.parse_text(t.text.lstrip(" "))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: "",
        lambda t: "   \n",
        lambda t: t[:-1],
        lambda t: t[:-3],
        lambda t: t[:100],
        lambda t: t + "A",
        lambda t: t + "AB",  # a valid base45 length again, but 90 bytes
        lambda t: t + "ABC",
        lambda t: t[:60] + "\n" + t[60:],
        lambda t: t[:60] + "_" + t[61:],
        lambda t: t[:60] + "é" + t[61:],
        lambda t: t[:60] + "ß" + t[61:],  # 'ß'.upper() is 'SS': must not be "repaired"
        lambda t: "A" * 10_000,
        lambda t: base64.b64encode(qr.b45decode(t)).decode(),
    ],
)
def test_garbage_is_malformed(ticket: Signed, mangle: Callable[[str], str]) -> None:
    with pytest.raises(tp.MalformedTicket) as info:
        qr.parse_text(mangle(ticket.text))
    assert info.value.result is ScanResult.NOT_VALID
    assert info.value.code == "ticket_malformed"


def test_unknown_version_is_its_own_code(key: Ed25519PrivateKey) -> None:
    data = b"\x02" + bytes(24) + bytes(64)
    with pytest.raises(tp.MalformedTicket) as info:
        qr.parse_text(qr.b45encode(data))
    assert info.value.code == "ticket_unsupported_version"


def test_not_text_is_malformed() -> None:
    with pytest.raises(tp.MalformedTicket):
        qr.parse_text(b"QED8WEX0")  # type: ignore[arg-type]


def test_read_ticket_rejects_forgery_and_unknown_keys(ticket: Signed, other_key: Ed25519PrivateKey) -> None:
    forged = make_signed(other_key, ticket.payload)
    with pytest.raises(signing.BadSignature):
        qr.read_ticket(forged.text, ticket.trusted)
    with pytest.raises(signing.UnknownKey):
        qr.read_ticket(ticket.text, {})


def test_to_text_needs_a_whole_signature(ticket: Signed) -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        qr.to_text(ticket.payload, ticket.signature[:-1])


# --- sizes (the numbers in core.tickets.qr's docstring) ---------------------------------------------


def _version(data: str) -> int:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return int(code.version)


@pytest.mark.parametrize(
    "payload",
    [make_payload(0, 0, 0), make_payload(2**64 - 1, 2**64 - 1, 2**32 - 1), make_payload()],
    ids=["zeros", "max", "typical"],
)
def test_every_v1_ticket_is_a_version_6_m_code(key: Ed25519PrivateKey, payload: tp.TicketPayload) -> None:
    t = make_signed(key, payload)
    assert len(t.text) == 134
    assert qr.qr_version(t.text) == 6
    modules = qr.qr_modules(t.text)
    assert len(modules) == 41
    assert all(len(row) == 41 and all(type(m) is bool for m in row) for row in modules)


def test_base45_beats_base64_and_base32(ticket: Signed) -> None:
    raw = ticket.signed + ticket.signature
    b64 = base64.b64encode(raw).decode()
    b32 = base64.b32encode(raw).decode().rstrip("=")
    assert (len(ticket.text), len(b64), len(b32)) == (134, 120, 143)
    assert _version(ticket.text) == 6  # qrcode's own mixed-mode optimisation: no better than one segment
    assert _version(b64) == 7
    assert _version(b32) == 6


def test_the_code_scans_back_to_the_ticket(ticket: Signed) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pytest.importorskip("PIL.Image")
    modules = qr.qr_modules(ticket.text)
    quiet, scale = 4, 4
    size = (len(modules) + 2 * quiet) * scale
    img = image.new("L", (size, size), 255)
    for y, row in enumerate(modules):
        for x, dark in enumerate(row):
            if dark:
                left, top = (x + quiet) * scale, (y + quiet) * scale
                img.paste(0, (left, top, left + scale, top + scale))
    results = zxingcpp.read_barcodes(img)
    assert [r.text for r in results] == [ticket.text]
    assert results[0].ec_level == "M"
    assert qr.read_ticket(results[0].text, ticket.trusted) == ticket.payload
