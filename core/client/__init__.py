"""What the apps call: one interface (protocol.py), in-process (local.py) or over HTTPS (remote.py).

The apps import this package, core.domain and core.config only (an import-linter contract). The composition
root picks the implementation: ``core.client.local.LocalClient`` for an embedded database,
``core.client.remote.RemoteClient`` when a server URL is configured.
"""

from core.client.door_station import DoorStation
from core.client.protocol import DeviceClient, DoorLink, Enrolment, HealthSink

__all__ = ["DeviceClient", "DoorLink", "DoorStation", "Enrolment", "HealthSink"]
