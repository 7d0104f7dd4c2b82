"""PlacesChanged <-> compact JSON bytes, and the ``<seq>|<json>`` frame carried on a Redis channel."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.domain.errors import MalformedEvent as MalformedEvent
from core.domain.events import PlaceChange, PlacesChanged
from core.domain.ids import CategoryId, ConcertId, DeviceId, PlaceId
from core.domain.places import PlaceState

VERSION = 1
_STATES = {s.value: s for s in PlaceState}


def encode(event: PlacesChanged) -> bytes:
    """One line of JSON with short keys: this goes to every kiosk on every sale, so size matters a little."""
    body: dict[str, Any] = {
        "v": VERSION,
        "c": event.concert_id,
        "p": [
            [c.place_id, c.state.value, c.held_until.isoformat() if c.held_until else None]
            for c in event.changes
        ],
        "a": {str(k): v for k, v in event.availability_delta.items()},
        "o": event.origin_device,
        "s": event.seq,
    }
    return json.dumps(body, separators=(",", ":")).encode()


def decode(data: bytes | str) -> PlacesChanged:
    """The inverse of :func:`encode`; raises MalformedEvent for anything else (wrong JSON, types, states)."""
    try:
        body = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedEvent(f"not JSON ({exc})") from None
    if not isinstance(body, dict):
        raise MalformedEvent("not a JSON object")
    if body.get("v") != VERSION:
        raise MalformedEvent(f"unknown version {body.get('v')!r}")
    changes = body.get("p")
    if not isinstance(changes, list):
        raise MalformedEvent("'p' must be a list of places")
    delta = body.get("a", {})
    if not isinstance(delta, dict):
        raise MalformedEvent("'a' must be an object")
    origin = body.get("o")
    return PlacesChanged(
        concert_id=ConcertId(_int(body.get("c"), "c")),
        changes=tuple(_change(item) for item in changes),
        availability_delta={CategoryId(_int_key(k)): _int(v, "a") for k, v in delta.items()},
        origin_device=None if origin is None else DeviceId(_int(origin, "o")),
        seq=_int(body.get("s", 0), "s", minimum=0),
    )


def encode_frame(seq: int, event: PlacesChanged) -> bytes:
    """What the Lua script publishes: the seq it just assigned, a bar, then the JSON."""
    return str(seq).encode() + b"|" + encode(event)


def decode_frame(frame: bytes | str) -> PlacesChanged:
    """Parse ``<seq>|<json>``; the prefix is authoritative (the JSON was encoded before the seq existed)."""
    raw = frame.encode() if isinstance(frame, str) else frame
    head, bar, body = raw.partition(b"|")
    if not bar or not head.isdigit():
        raise MalformedEvent("frame must be '<seq>|<json>'")
    event = decode(body)
    return PlacesChanged(
        concert_id=event.concert_id,
        changes=event.changes,
        availability_delta=event.availability_delta,
        origin_device=event.origin_device,
        seq=int(head),
    )


def _change(item: object) -> PlaceChange:
    if not isinstance(item, list) or len(item) != 3:
        raise MalformedEvent("each place must be [id, state, held_until]")
    place_id, state, held_until = item
    if state not in _STATES:
        raise MalformedEvent(f"unknown place state {state!r}")
    return PlaceChange(PlaceId(_int(place_id, "p")), _STATES[state], _when(held_until))


def _when(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedEvent("held_until must be an ISO time or null")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise MalformedEvent(f"held_until {value!r} is not an ISO time") from None
    if parsed.tzinfo is None:  # the domain is UTC-aware only; a naive time would compare wrongly later
        raise MalformedEvent("held_until must carry a time zone")
    return parsed


def _int(value: object, key: str, *, minimum: int | None = None) -> int:
    # bool is an int subclass; true/false is never a valid id or count here.
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedEvent(f"'{key}' must be a whole number, not {value!r}")
    if minimum is not None and value < minimum:
        raise MalformedEvent(f"'{key}' must be at least {minimum}")
    return value


def _int_key(key: str) -> int:
    try:
        return int(key)
    except ValueError:
        raise MalformedEvent(f"category id {key!r} is not a number") from None
