"""The kiosk's ticket printer, chosen by the kiosk_printer setting: default printer, a named one, or a folder."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from core.config import APP_NAME, Settings, printer_problem
from core.domain.errors import ConfigError
from kiosk.devices.print_folder import FolderPrinter
from kiosk.devices.print_qt import QtPrinter
from kiosk.viewmodels.printing import Printer

__all__ = ["FolderPrinter", "QtPrinter", "demo_folder", "demo_printer", "printer_for"]


def printer_for(setting: str, *, source: str = "settings") -> Printer:
    """'' → the system default printer; 'printer:<name>' → that printer; 'folder:/abs/path' → PDF files there.

    A printer that is missing now is not a config error: it may be plugged in later, and each print says so."""
    problem = printer_problem(setting)
    if problem:
        raise ConfigError(source, "kiosk_printer", problem)
    scheme, _, target = setting.partition(":")
    if not setting:
        return QtPrinter()
    if scheme == "printer":
        return QtPrinter(target.strip())
    return FolderPrinter(Path(target))


def demo_folder(settings: Settings) -> Path:
    """Where a demo kiosk's tickets go: a `tickets` folder beside the embedded database file (the user's data
    folder when the database is elsewhere)."""
    url = settings.resolved_database_url()
    scheme, sep, path = url.partition(":///")
    if sep and scheme.startswith("sqlite") and path and path != ":memory:":
        return Path(path).parent / "tickets"
    return Path(platformdirs.user_data_dir(APP_NAME)) / "tickets"


def demo_printer(settings: Settings) -> FolderPrinter | None:
    """A demo database with no kiosk_printer set prints into demo_folder(): a laptop trying the demo rarely
    has a ticket printer, and a sale that ends in "did not print" shows nothing of what Encore does."""
    if settings.kiosk_printer:
        return None
    folder = demo_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    return FolderPrinter(folder)
