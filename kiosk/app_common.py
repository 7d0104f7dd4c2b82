"""Pieces both kiosk modes use: showing a window, the staff exit."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from core.client import DeviceClient
from core.domain.errors import EncoreError, StorageUnavailable
from kiosk.ui.lockdown import Lockdown

log = logging.getLogger(__name__)


def show(window: QWidget) -> None:
    """A normal window (not locked down): for development, demos and staffed desks; it fills the screen, as a
    kiosk's screen is filled. Maximised where a window manager is there to do it; on a bare X server (none
    answers the request to maximise) it is given the screen's free area itself, as it otherwise stayed at its
    own first size in a corner of a larger screen."""
    window.setGeometry(window.screen().availableGeometry())
    window.showMaximized()
    window.activateWindow()  # no window manager may be there to give it the keyboard (and its focus ring)


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
