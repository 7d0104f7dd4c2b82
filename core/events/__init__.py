"""Live updates: a publisher/subscriber protocol with Redis and in-process adapters."""

from core.events.codec import MalformedEvent, decode, decode_frame, encode, encode_frame
from core.events.factory import open_bus
from core.events.local_bus import LocalBus
from core.events.protocol import BusMessage, BusStatus, EventBus, Resync, channel
from core.events.publisher import BackgroundPublisher
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
