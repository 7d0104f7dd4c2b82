"""The kiosk's ticket printer, chosen by the kiosk_printer setting: default printer, a named one, or a folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from core.config import APP_NAME, Settings, printer_problem
from core.domain.errors import ConfigError
from kiosk.devices.print_folder import FolderPrinter
from kiosk.viewmodels.printing import Printer

if TYPE_CHECKING:
    from kiosk.devices.print_qt import QtPrinter

__all__ = ["FolderPrinter", "QtPrinter", "demo_folder", "demo_printer", "printer_for"]


def printer_for(setting: str, *, source: str = "settings") -> Printer:
    """'' → the system default printer; 'printer:<name>' → that printer; 'folder:/abs/path' → PDF files there.

    A printer that is missing now is not a config error: it may be plugged in later, and each print says so."""
    problem = printer_problem(setting)
    if problem:
        raise ConfigError(source, "kiosk_printer", problem)
    scheme, _, target = setting.partition(":")
    if not setting:
        return _qt_printer()
    if scheme == "printer":
        return _qt_printer(target.strip())
    return FolderPrinter(Path(target))


def _qt_printer(name: str | None = None) -> QtPrinter:
    # Qt's printing and PDF modules load only for a system printer: a folder of PDFs (the demo) needs neither.
    from kiosk.devices.print_qt import QtPrinter

    return QtPrinter(name)


def __getattr__(name: str) -> Any:
    if name == "QtPrinter":  # kept importable from here, loaded on first use
        from kiosk.devices.print_qt import QtPrinter

        return QtPrinter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
