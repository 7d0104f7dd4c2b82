"""The kiosk's composition root: QApplication, theme, the client (in-process or the venue server), the sales or
door window, background loops.

The only module that wires things together; everything it builds is tested on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import qasync
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from core.config import Settings
from core.domain.errors import StorageUnavailable
from kiosk.startup import import_core_module, resume_collector
from kiosk.ui.show_window import show
from kiosk.ui.theme import Theme

if TYPE_CHECKING:
    from core.client import DeviceClient

log = logging.getLogger(__name__)

RETRY_OPEN_S = 3.0


def run_app(settings: Settings) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Encore Kiosk")
    app.setQuitOnLastWindowClosed(False)  # the coroutine decides when to stop, after closing what it opened
    return qasync.run(main(settings))


async def main(settings: Settings) -> int:
    app = QApplication.instance()
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    waiting = first_frame(settings)
    choice = open_client(settings)
    async with _opened(choice) as client:
        waiting.close()
        if settings.kiosk_mode == "door":
            from kiosk.door_app import DoorApp as Mode
        else:
            from kiosk.sales_app import SalesApp as Mode  # type: ignore[assignment]
        mode = Mode(client, settings)
        mode.window.destroyed.connect(closed.set)
        mode.closed.connect(closed.set)
        await mode.start()
        resume_collector()  # paused by kiosk.__main__ for the start-up
        await closed.wait()
        await mode.aclose()
    return 0


def first_frame(settings: Settings) -> QWidget:
    """The Starting screen, painted before core's services load (SQLAlchemy and the tables take longer than Qt
    itself): the kiosk's screen is not left black while it loads, and it stays up while the database does not
    answer at start-up, the same calm screen as later outages."""
    window = QLabel(
        QCoreApplication.translate(
            "KioskApp", "Starting…\n\nIf this takes long, the kiosk is temporarily out of service."
        )
    )
    window.setObjectName("starting")
    window.setAlignment(Qt.AlignmentFlag.AlignCenter)
    window.setWordWrap(True)
    Theme(window)
    if settings.kiosk_lockdown:
        window.showFullScreen()
    else:
        show(window)
    window.repaint()  # now: the client's modules load next and keep the loop busy for a while
    return window


def open_client(settings: Settings) -> Any:
    """The client for these settings, not yet opened (``async with``): encore-server over HTTPS when
    ``server_url`` is set, else core in this process on the configured database (the embedded mode)."""
    if settings.server_url:  # httpx and the device's sign-in only in this mode
        return import_core_module("core.client.remote").RemoteClient(settings)
    return import_core_module("core.client.local").LocalClient(settings)


@contextlib.asynccontextmanager
async def _opened(client: Any) -> AsyncIterator[DeviceClient]:
    """Open the client, retrying while the database or server is unreachable (the kiosk may boot first)."""
    while True:
        try:
            opened: DeviceClient = await client.__aenter__()
        except StorageUnavailable as error:
            log.warning("Encore unreachable at start-up (%s); retrying in %.0f s", error.code, RETRY_OPEN_S)
            await asyncio.sleep(RETRY_OPEN_S)
            continue
        break
    try:
        yield opened
    finally:
        await client.__aexit__(None, None, None)
