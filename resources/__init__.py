"""Encore's shipped files — fonts, QSS themes, translations, door sounds, demo seating plans — as a package, so
the code finds them beside itself wherever it runs: a source checkout, an installed wheel, a PyInstaller bundle."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ROOT", "path"]

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """A shipped file or folder, e.g. ``path("fonts", "DejaVuSansMono.ttf")``."""
    return ROOT.joinpath(*parts)
