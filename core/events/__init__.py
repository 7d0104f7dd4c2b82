"""Live updates: a publisher/subscriber protocol with Redis and in-process adapters."""

from typing import TYPE_CHECKING, Any

from core.events.codec import MalformedEvent, decode, decode_frame, encode, encode_frame
from core.events.factory import open_bus
from core.events.local_bus import LocalBus
from core.events.protocol import BusMessage, BusStatus, EventBus, Resync, channel
from core.events.publisher import BackgroundPublisher

if TYPE_CHECKING:
    from core.events.redis_bus import RedisBus, RedisTuning

__all__ = [
    "BackgroundPublisher",
    "BusMessage",
    "BusStatus",
    "EventBus",
    "LocalBus",
    "MalformedEvent",
    "RedisBus",
    "RedisTuning",
    "Resync",
    "channel",
    "decode",
    "decode_frame",
    "encode",
    "encode_frame",
    "open_bus",
]


def __getattr__(name: str) -> Any:
    # redis loads only when a Redis bus is used: the embedded kiosk never needs it (cold start, issue 11).
    if name in ("RedisBus", "RedisTuning"):
        from core.events import redis_bus

        return getattr(redis_bus, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
