"""QSettings (where the admin's screens remember their layout) in a folder of the test's, never the user's."""

from __future__ import annotations

from PySide6.QtCore import QSettings


def own_settings(folder: str) -> None:
    """QSettings read and write under ``folder`` from now on, in every format and scope."""
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, scope, folder)
