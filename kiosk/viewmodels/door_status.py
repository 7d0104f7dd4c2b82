"""The door's status line: online or not, scans left to sync, and (offline) how old its offline list is."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core.client import DoorStation
from core.domain.door import SnapshotAge, describe_age
from kiosk.viewmodels.i18n import QT_TRANSLATE_NOOP as T
from kiosk.viewmodels.i18n import Text

__all__ = ["list_text", "station_status"]

LIST_AGE = T("Door", "Offline list from {time} ({age} old)")
LIST_TOO_OLD = T("Door", "Offline list too old ({age}): check tickets by hand")
NO_LIST = T("Door", "No offline list for this concert: tickets cannot be checked; call a manager")


async def station_status(station: DoorStation, timezone: str) -> dict[str, object]:
    """The DoorState fields that follow the station (``online``, ``unsynced``, ``offline_list``,
    ``list_too_old``); the list's age only while offline, when it is what the door checks by."""
    status: dict[str, object] = {
        "online": station.online,
        "unsynced": await station.unsynced(),
        "offline_list": None,
        "list_too_old": False,
    }
    if not station.online:
        age = await station.snapshot_age()
        status["offline_list"] = list_text(age, timezone)
        status["list_too_old"] = age is None or age.too_old
    return status


def list_text(age: SnapshotAge | None, timezone: str) -> Text:
    if age is None:
        return NO_LIST
    if age.too_old:
        return LIST_TOO_OLD.format(age=describe_age(age.age))
    made = age.refreshed_at.astimezone(ZoneInfo(age.timezone or timezone)).strftime("%H:%M")
    return LIST_AGE.format(time=made, age=describe_age(age.age))
