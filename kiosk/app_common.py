"""Pieces both kiosk modes use: showing a window, sending queued ticket mail, the staff exit."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from core.domain.errors import EncoreError, StorageUnavailable
from core.domain.staff import Actor
from core.services import ServiceContext, adapters, mail, staff
from kiosk.ui.lockdown import Lockdown
from kiosk.viewmodels.tasks import TaskOwner

log = logging.getLogger(__name__)

MAIL_EVERY_S = 30.0
WINDOWED_SIZE = (1280, 800)


def show(window: QWidget) -> None:
    """A normal window (not locked down): for development, demos and staffed desks; as large as the screen
    allows, since the kiosk's layouts are made for 1920x1080 and 1080x1920 touchscreens."""
    window.resize(*WINDOWED_SIZE)
    window.showMaximized()


class MailSender:
    """Sends queued ticket mail from this kiosk when a mail relay is configured (the scheduler does too)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._tasks = TaskOwner("mail")

    async def start(self) -> None:
        mailer = await adapters.open_mailer(self._ctx.settings)
        if mailer is not None:
            self._tasks.start(self._run(mailer), name="mail")

    async def _run(self, mailer: object) -> None:
        while True:
            try:
                await mail.send_due_mail(self._ctx, mailer)  # type: ignore[arg-type]
            except EncoreError as error:
                log.warning("ticket mail not sent now (%s); trying again later", error.code)
            await asyncio.sleep(MAIL_EVERY_S)

    async def aclose(self) -> None:
        await self._tasks.aclose()


async def staff_exit(
    ctx: ServiceContext, actor: Actor | None, staff_number: int, pin: str, lockdown: Lockdown
) -> bool:
    """Check a staff number and PIN typed on the lockdown panel; True when the window may close (it was right)."""
    if actor is None:
        lockdown.refuse(
            QCoreApplication.translate("KioskApp", "This device is not approved yet; ask a manager.")
        )
        return False
    try:
        await staff.unlock_with_pin(ctx, actor, staff_number, pin)
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
