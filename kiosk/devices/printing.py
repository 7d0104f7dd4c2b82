"""The kiosk's ticket printer, chosen by the kiosk_printer setting: default printer, a named one, or a folder."""

from __future__ import annotations

from pathlib import Path

from core.config import printer_problem
from core.domain.errors import ConfigError
from kiosk.devices.print_folder import FolderPrinter
from kiosk.devices.print_qt import QtPrinter
from kiosk.viewmodels.printing import Printer

__all__ = ["FolderPrinter", "QtPrinter", "printer_for"]


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
