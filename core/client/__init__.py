"""What the apps call: one interface (protocol.py), in-process (local.py) or over HTTPS (remote.py).

The apps import this package, core.domain and core.config only (an import-linter contract). The composition
root picks the implementation: ``core.client.local.LocalClient`` for an embedded database,
``core.client.remote.RemoteClient`` when a server URL is configured.
"""

from typing import TYPE_CHECKING, Any

from core.client.protocol import DeviceClient, DoorLink, Enrolment, HealthSink

if TYPE_CHECKING:
    from core.client.door_station import DoorStation

__all__ = ["DeviceClient", "DoorLink", "DoorStation", "Enrolment", "HealthSink"]


def __getattr__(name: str) -> Any:
    # DoorStation (and the door's SQLite file) loads on first use: a sales kiosk starts faster without it.
    if name == "DoorStation":
        from core.client.door_station import DoorStation

        return DoorStation
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
