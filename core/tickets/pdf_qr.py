"""Vector QR codes for ticket PDFs, optionally snapped to a thermal printer's dot pitch."""

from __future__ import annotations

from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import black, white
from reportlab.pdfgen.canvas import Canvas

__all__ = ["draw_qr"]

_QUIET = 4  # modules of white around the symbol, as ISO/IEC 18004 asks


@lru_cache(maxsize=64)
def _qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    qr.add_data(text)
    qr.make(fit=True)
    return tuple(tuple(row) for row in qr.get_matrix())


def draw_qr(
    c: Canvas, text: str, cx: float, top: float, size: float, dot: float | None = None, *, draw: bool = True
) -> float:
    """Draw a QR code of about `size` points, quiet zone included, centred on cx below `top`; returns its size.

    With `dot` (a printer's dot pitch) modules and origin snap to whole dots, so a thermal head prints every
    module the same width instead of alternating 4- and 5-dot columns."""
    matrix = _qr_matrix(text)
    modules = len(matrix) + 2 * _QUIET
    module = size / modules
    if dot is not None:
        module = max(1, round(module / dot)) * dot
    total = module * modules
    x, y = cx - total / 2, top - total
    if dot is not None:
        x, y = round(x / dot) * dot, round(y / dot) * dot
    if not draw:
        return total
    c.setFillColor(white)
    c.rect(x, y, total, total, stroke=0, fill=1)
    path = c.beginPath()
    for r, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            run = col
            while run < len(row) and row[run]:
                run += 1
            top = y + total - (r + _QUIET) * module
            path.rect(x + (col + _QUIET) * module, top - module, (run - col) * module, module)
            col = run
    c.setFillColor(black)
    c.drawPath(path, stroke=0, fill=1)
    return total
