"""The kiosk's composition root: QApplication, theme, the client (in-process or the venue server), the sales or
door window, background loops.

The only module that wires things together; everything it builds is tested on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import qasync
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from core.config import Settings
from core.domain.errors import StorageUnavailable
from kiosk.startup import import_qt_free, resume_collector
from kiosk.ui.show_window import show
from kiosk.ui.theme import Theme

if TYPE_CHECKING:
    from core.client import DeviceClient
    from kiosk.sales_app import SalesApp
    from kiosk.ui.speech import QtSpeaker

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
    if settings.kiosk_mode == "door":
        await _run_door(settings, closed)
    else:
        await _run_sales(settings, closed)
    return 0


async def _run_sales(settings: Settings, closed: asyncio.Event) -> None:
    sales = welcome_first(settings)
    sales.window.destroyed.connect(closed.set)
    sales.closed.connect(closed.set)
    async with connected(sales, settings):
        resume_collector()  # paused by kiosk.__main__ for the start-up
        await closed.wait()
        await sales.aclose()


async def _run_door(settings: Settings, closed: asyncio.Event) -> None:
    waiting = first_frame(settings)
    async with _opened(open_client(settings)) as client:
        waiting.close()
        from kiosk.door_app import DoorApp

        door = DoorApp(client, settings)
        door.window.destroyed.connect(closed.set)
        door.closed.connect(closed.set)
        await door.start()
        resume_collector()  # paused by kiosk.__main__ for the start-up
        await closed.wait()
        await door.aclose()


def welcome_first(settings: Settings, *, speaker: QtSpeaker | None = None) -> SalesApp:
    """The sales window with Welcome painted, before core's services load: what a buyer sees first. The client
    follows (``connected``); until it answers, "Buy tickets" waits for it (SaleFlow.welcome_while_connecting)."""
    import_qt_free("kiosk.viewmodels.sale_flow")  # and psygnal, Babel, the domain types: see kiosk.startup
    from kiosk.sales_app import SalesApp

    sales = SalesApp(None, settings, speaker=speaker)
    sales.show_welcome()
    return sales


@contextlib.asynccontextmanager
async def connected(sales: SalesApp, settings: Settings) -> AsyncIterator[DeviceClient]:
    """Load core's services, open the client (out of service while it cannot be opened, trying again by itself)
    and give it to the sales window."""
    async with _opened(open_client(settings), unreachable=sales.cannot_connect) as client:
        sales.connect(client)
        yield client


def first_frame(settings: Settings) -> QWidget:
    """The door's Starting screen, painted before core's services load (SQLAlchemy and the tables take longer than Qt
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
        return import_qt_free("core.client.remote").RemoteClient(settings)
    return import_qt_free("core.client.local").LocalClient(settings)


@contextlib.asynccontextmanager
async def _opened(
    client: Any, unreachable: Callable[[StorageUnavailable], None] | None = None
) -> AsyncIterator[DeviceClient]:
    """Open the client, retrying while the database or server is unreachable (the kiosk may boot first);
    ``unreachable`` hears of each failed try."""
    while True:
        try:
            opened: DeviceClient = await client.__aenter__()
        except StorageUnavailable as error:
            log.warning("Encore unreachable at start-up (%s); retrying in %.0f s", error.code, RETRY_OPEN_S)
            if unreachable is not None:
                unreachable(error)
            await asyncio.sleep(RETRY_OPEN_S)
            continue
        break
    try:
        yield opened
    finally:
        await client.__aexit__(None, None, None)
