"""Rasterise ticket PDFs into Pillow images with pdfium: for previews, thermal printers and tests."""

from __future__ import annotations

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from PIL import Image

__all__ = ["rasterise"]


def rasterise(pdf: bytes, dpi: int = 200) -> list[Image.Image]:
    """One RGB image per page at `dpi` (PDF points are 1/72 inch)."""
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, not {dpi}")
    document = pdfium.PdfDocument(pdf)
    try:
        images: list[Image.Image] = []
        for index in range(len(document)):
            page = document[index]
            try:
                bitmap = page.render(scale=dpi / 72)
                images.append(bitmap.to_pil().convert("RGB"))
            finally:
                page.close()
        return images
    finally:
        document.close()
