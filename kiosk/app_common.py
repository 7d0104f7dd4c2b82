"""Pieces both kiosk modes use: showing a window, the staff exit."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication

from core.client import DeviceClient
from core.domain.errors import EncoreError, StorageUnavailable
from kiosk.ui.lockdown import Lockdown
from kiosk.ui.show_window import show

__all__ = ["show", "staff_exit"]

log = logging.getLogger(__name__)


async def staff_exit(
    client: DeviceClient, enrolled: bool, staff_number: int, pin: str, lockdown: Lockdown
) -> bool:
    """Check a staff number and PIN typed on the lockdown panel; True when the window may close (it was right)."""
    if not enrolled:
        lockdown.refuse(
            QCoreApplication.translate("KioskApp", "This device is not approved yet; ask a manager.")
        )
        return False
    try:
        await client.unlock_with_pin(staff_number, pin)
    except StorageUnavailable:
        lockdown.refuse(
            QCoreApplication.translate(
                "KioskApp", "The database cannot be reached, so the PIN cannot be checked now."
            )
        )
        return False
    except EncoreError as error:
        lockdown.refuse(error.message)
        return False
    lockdown.release()
    return True
