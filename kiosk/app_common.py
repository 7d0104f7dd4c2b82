"""Pieces both kiosk modes use: showing a window, the staff exit."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from core.domain.errors import EncoreError, StorageUnavailable
from kiosk.ui.lockdown import Lockdown
from kiosk.ui.show_window import show

if TYPE_CHECKING:
    from core.client import DeviceClient

__all__ = ["show", "staff_exit"]

log = logging.getLogger(__name__)


async def staff_exit(
    client: DeviceClient | None, staff_number: int, pin: str, lockdown: Lockdown, *, offline: bool = False
) -> bool:
    """Check a staff number and PIN typed on the lockdown panel; True when the window may close (it was right).
    ``client`` None: no PIN can be checked, because the box office cannot be reached (``offline``) or this
    device is not approved yet."""
    if client is None:
        lockdown.refuse(_unreachable() if offline else _not_approved())
        return False
    try:
        await client.unlock_with_pin(staff_number, pin)
    except StorageUnavailable:
        lockdown.refuse(_unreachable())
        return False
    except EncoreError as error:
        lockdown.refuse(error.message)
        return False
    lockdown.release()
    return True


def _unreachable() -> str:
    return QCoreApplication.translate(
        "KioskApp", "The database cannot be reached, so the PIN cannot be checked now."
    )


def _not_approved() -> str:
    return QCoreApplication.translate("KioskApp", "This device is not approved yet; ask a manager.")
