"""Ticket words the apps need without the renderer: the printed layouts."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Layout"]


class Layout(StrEnum):
    """The stock a ticket PDF is laid out for."""

    TICKET80 = "ticket80"
    """80 mm thermal roll, one ticket a page (kiosk printers)."""
    A4 = "a4"
    """A4 sheet, three tickets a page with cut lines."""
    LETTER = "letter"
    """US letter sheet, three tickets a page."""
