"""The v1 binary payload: exact layout, round trips, and MalformedTicket for everything else."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.domain.checkin import ScanResult
from core.domain.errors import TicketRejected
from core.domain.ids import ConcertId, TicketId
from core.tickets import payload as tp
from tests.core.tickets.conftest import make_payload


def test_layout_is_25_big_endian_bytes() -> None:
    p = make_payload(ticket=0x0102030405060708, concert=0x1112131415161718, key_id=0x21222324)
    seconds = int(datetime(2026, 12, 1, 18, 0, 5, tzinfo=UTC).timestamp())
    expected = (
        bytes.fromhex("0101020304050607081112131415161718")
        + struct.pack(">I", seconds)
        + bytes.fromhex("21222324")
    )
    assert tp.encode(p) == expected
    assert len(expected) == tp.PAYLOAD_SIZE == 25


@pytest.mark.parametrize(
    ("ticket", "concert", "key_id", "at"),
    [
        (0, 0, 0, datetime(1970, 1, 1, tzinfo=UTC)),
        (2**64 - 1, 2**64 - 1, 2**32 - 1, datetime.fromtimestamp(2**32 - 1, UTC)),
        (1, 99, 3, datetime(2027, 6, 30, 23, 59, 59, tzinfo=UTC)),
    ],
)
def test_round_trip(ticket: int, concert: int, key_id: int, at: datetime) -> None:
    p = tp.TicketPayload(TicketId(ticket), ConcertId(concert), at, key_id)
    back = tp.decode(tp.encode(p))
    assert back == p
    assert back.issued_at.tzinfo is UTC
    assert tp.encode(back) == tp.encode(p)


def test_issued_at_is_normalised_to_utc_whole_seconds() -> None:
    cet = timezone(timedelta(hours=1))
    p = tp.TicketPayload(TicketId(1), ConcertId(2), datetime(2026, 12, 1, 19, 0, 0, 999_999, tzinfo=cet), 3)
    assert p.issued_at == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert p.issued_at.tzinfo is UTC
    assert tp.decode(tp.encode(p)) == p


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ticket_id": -1},
        {"ticket_id": 2**64},
        {"concert_id": 2**64},
        {"key_id": 2**32},
        {"key_id": True},
        {"ticket_id": 1.0},
        {"version": 2},
        {"issued_at": datetime(2026, 12, 1)},  # naive
        {"issued_at": datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)},
        {"issued_at": datetime(2106, 2, 8, tzinfo=UTC)},
    ],
)
def test_bad_values_cannot_be_built(kwargs: dict[str, object]) -> None:
    fields: dict[str, object] = {
        "ticket_id": 1,
        "concert_id": 2,
        "issued_at": datetime(2026, 1, 1, tzinfo=UTC),
        "key_id": 3,
    }
    with pytest.raises(ValueError):  # noqa: PT011 - the message names the field; the type is what matters
        tp.TicketPayload(**{**fields, **kwargs})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "ticket_malformed"),
        (b"\x01", "ticket_malformed"),
        (b"\x01" + bytes(23), "ticket_malformed"),  # one byte short
        (b"\x01" + bytes(25), "ticket_malformed"),  # one byte long
        (b"\x00" + bytes(24), "ticket_unsupported_version"),
        (b"\x02" + bytes(24), "ticket_unsupported_version"),
        (b"\xff" * 25, "ticket_unsupported_version"),
    ],
)
def test_malformed_bytes(data: bytes, code: str) -> None:
    with pytest.raises(tp.MalformedTicket) as info:
        tp.decode(data)
    assert info.value.code == code
    assert info.value.result is ScanResult.NOT_VALID
    assert isinstance(info.value, TicketRejected)


@pytest.mark.parametrize("data", [None, "0123", 12, [1, 2, 3]])
def test_not_bytes_is_malformed(data: object) -> None:
    with pytest.raises(tp.MalformedTicket):
        tp.decode(data)  # type: ignore[arg-type]


def test_bytearray_and_memoryview_are_read() -> None:
    data = tp.encode(make_payload())
    assert tp.decode(bytearray(data)) == tp.decode(memoryview(data)) == make_payload()


def test_message_never_quotes_the_data() -> None:
    secretish = b"\x01" + b"ZZZZ" * 10
    with pytest.raises(tp.MalformedTicket) as info:
        tp.decode(secretish)
    assert "ZZZZ" not in str(info.value)
    assert info.value.message == str(info.value)
