"""The wire format: round trips, and every kind of bad input rejected with a typed error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.domain.events import PlaceChange, PlacesChanged
from core.domain.ids import CategoryId, ConcertId, DeviceId, PlaceId
from core.domain.places import PlaceState
from core.events.codec import MalformedEvent, decode, decode_frame, encode, encode_frame

EVENT = PlacesChanged(
    concert_id=ConcertId(42),
    changes=(
        PlaceChange(PlaceId(1), PlaceState.HELD, datetime(2030, 5, 1, 19, 30, 15, 250_000, tzinfo=UTC)),
        PlaceChange(PlaceId(2), PlaceState.FREE),
        PlaceChange(PlaceId(3), PlaceState.SOLD),
    ),
    availability_delta={CategoryId(5): -2, CategoryId(6): 1},
    origin_device=DeviceId(9),
    seq=17,
)


def test_round_trip() -> None:
    assert decode(encode(EVENT)) == EVENT


def test_round_trip_minimal() -> None:
    event = PlacesChanged(ConcertId(1), ())
    assert decode(encode(event)) == event


def test_encoding_is_compact() -> None:
    data = encode(EVENT)
    assert b" " not in data
    assert b'"held","2030-05-01T19:30:15.250000+00:00"' in data


def test_frame_prefix_is_the_seq() -> None:
    frame = encode_frame(123, EVENT)
    assert frame.startswith(b"123|")
    assert decode_frame(frame).seq == 123
    assert decode_frame(frame.decode()) == PlacesChanged(
        EVENT.concert_id, EVENT.changes, EVENT.availability_delta, EVENT.origin_device, seq=123
    )


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"\xff\xfe",
        b"not json",
        b"[]",
        b"{}",
        b'{"v":2,"c":1,"p":[]}',
        b'{"v":1,"c":"1","p":[]}',
        b'{"v":1,"c":true,"p":[]}',
        b'{"v":1,"c":1}',
        b'{"v":1,"c":1,"p":{}}',
        b'{"v":1,"c":1,"p":[[1,"held"]]}',
        b'{"v":1,"c":1,"p":[[1,"gone",null]]}',
        b'{"v":1,"c":1,"p":[[1.5,"free",null]]}',
        b'{"v":1,"c":1,"p":[[1,"held","tomorrow"]]}',
        b'{"v":1,"c":1,"p":[[1,"held","2030-05-01T19:30:00"]]}',
        b'{"v":1,"c":1,"p":[[1,"held",12]]}',
        b'{"v":1,"c":1,"p":[],"a":[]}',
        b'{"v":1,"c":1,"p":[],"a":{"x":1}}',
        b'{"v":1,"c":1,"p":[],"a":{"1":"2"}}',
        b'{"v":1,"c":1,"p":[],"o":"kiosk"}',
        b'{"v":1,"c":1,"p":[],"s":-1}',
    ],
)
def test_malformed_payloads_are_rejected(payload: bytes) -> None:
    with pytest.raises(MalformedEvent) as info:
        decode(payload)
    assert info.value.code == "live_update_malformed"
    assert info.value.field == "live update"


@pytest.mark.parametrize("frame", [b"", b"12", b"x|{}", b"-1|{}", b"|" + encode(EVENT), b"3|not json"])
def test_malformed_frames_are_rejected(frame: bytes) -> None:
    with pytest.raises(MalformedEvent):
        decode_frame(frame)
