"""Printing ticket PDFs through Qt: pages rasterised with QtPdf on a worker thread, painted on the GUI thread."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from core.domain.errors import ErrorCode
from kiosk.viewmodels.printing import PrinterState, PrinterStatus, PrintFailed

MAX_DPI = 300
"""Thermal heads print 203 dpi and a ticket gains nothing above 300; more only makes bigger jobs and longer
GUI-thread painting (measured: tests/benchmarks/kiosk_print_stall.py)."""
_MM_PER_PT = 25.4 / 72
# The screen says the purchase is safe (once); these say what went wrong and who can help.
_NO_PRINTER = "No printer is set up for this kiosk. Please call staff to print your tickets."
_NOT_PRINTED = "The printer did not print the ticket. Please call staff."


STRIP_PIXELS = 300_000
"""Pixels painted per GUI-thread step. Qt's PDF engine copies and compresses an image on the GUI thread (about
20 ms for a whole 300 dpi ticket page, and PySide holds the GIL throughout), so a page goes down in strips of
about 3 ms with the event loop running between them."""


@dataclass(frozen=True, slots=True)
class Page:
    size: QPageSize
    strips: tuple[tuple[int, QImage], ...]
    """(top row, image) pieces of the page at the printer's resolution, exactly size.sizePixels(dpi) together:
    painted 1:1, so the GUI thread never scales."""


def rasterise(pdf: bytes, dpi: int) -> list[Page]:
    """Every page of `pdf` as an image at `dpi`. Thread-safe (QtPdf serialises pdfium; QImage is a value):
    meant for a worker thread, with every QObject made and dropped on that thread."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    try:
        document.load(buffer)
        if document.status() is not QPdfDocument.Status.Ready or document.pageCount() < 1:
            raise PrintFailed(
                f"the ticket PDF could not be read ({document.error().name})", message=_NOT_PRINTED
            )
        pages = []
        for index in range(document.pageCount()):
            points = document.pagePointSize(index)
            size = QPageSize(
                QSizeF(points.width() * _MM_PER_PT, points.height() * _MM_PER_PT),
                QPageSize.Unit.Millimeter,
                "Encore ticket",
                QPageSize.SizeMatchPolicy.ExactMatch,
            )
            pixels = size.sizePixels(dpi)
            rendered = document.render(index, pixels)
            # pdfium leaves the paper transparent: put it on white. RGB32 is what Qt's PDF engine paints fastest
            # (measured: grayscale or 1-bit images cost the GUI thread more, not less).
            image = QImage(pixels, QImage.Format.Format_RGB32)
            image.fill(Qt.GlobalColor.white)
            painter = QPainter(image)
            painter.drawImage(0, 0, rendered)
            painter.end()
            rows = max(1, STRIP_PIXELS // max(1, image.width()))
            strips = tuple(
                (top, image.copy(0, top, image.width(), min(rows, image.height() - top)))
                for top in range(0, image.height(), rows)
            )
            pages.append(Page(size, strips))
        return pages
    finally:
        document.close()
        buffer.close()


def _layout(page: Page) -> QPageLayout:
    return QPageLayout(page.size, QPageLayout.Orientation.Portrait, QMarginsF())


class QtPrinter:
    """A system printer (CUPS on Linux) by name, the default printer (name None), or Qt's PDF output to a file.

    Nothing asks the buyer anything: no dialogs; the page is the PDF page (80 mm roll: 80 mm wide, as long as
    the ticket), margins zero because the ticket carries its own."""

    def __init__(
        self, name: str | None = None, *, pdf_file: Path | str | None = None, max_dpi: int = MAX_DPI
    ):
        self.name = name
        self.pdf_file = Path(pdf_file) if pdf_file is not None else None
        self.max_dpi = max_dpi

    async def print_pdf(self, pdf: bytes, *, job_name: str, copies: int = 1) -> None:
        if copies < 1:
            raise ValueError(f"copies must be at least 1, not {copies}")
        printer = self._printer(job_name, copies)
        pages = await asyncio.to_thread(rasterise, pdf, printer.resolution())
        await self._paint(printer, pages)

    def status(self) -> PrinterStatus:
        if self.pdf_file is not None:
            return PrinterStatus(PrinterState.READY, f"PDF file {self.pdf_file}")
        info = self._info()
        if info.isNull():
            return PrinterStatus(PrinterState.OFFLINE, f"printer {self.name or '(default)'} is not set up")
        if info.state() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
            return PrinterStatus(PrinterState.ERROR, f"printer {info.printerName()} reports an error")
        return PrinterStatus(PrinterState.READY, f"printer {info.printerName()}")

    def _info(self) -> QPrinterInfo:
        return QPrinterInfo.defaultPrinter() if self.name is None else QPrinterInfo.printerInfo(self.name)

    def _printer(self, job_name: str, copies: int) -> QPrinter:
        """A configured QPrinter (GUI thread: QPrinter is not to be shared across threads)."""
        if self.pdf_file is not None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(self.pdf_file))
        else:
            info = self._info()
            if info.isNull():
                what = "no default printer" if self.name is None else f"printer {self.name!r} not found"
                raise PrintFailed(what, message=_NO_PRINTER, code=ErrorCode.PRINTER_MISSING)
            printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
            if not printer.isValid():
                raise PrintFailed(
                    f"printer {self.name!r} is not usable",
                    message=_NO_PRINTER,
                    code=ErrorCode.PRINTER_MISSING,
                )
        printer.setResolution(min(printer.resolution(), self.max_dpi))
        printer.setFullPage(True)
        printer.setDocName(job_name)
        printer.setCopyCount(copies)
        return printer

    async def _paint(self, printer: QPrinter, pages: list[Page]) -> None:
        """Page by page, back to the event loop between pages: the GUI thread only copies ready images."""
        printer.setPageLayout(_layout(pages[0]))
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintFailed(
                "the printer refused the job", message=_NOT_PRINTED, code=ErrorCode.PRINTER_REFUSED
            )
        finished = False
        try:
            for index, page in enumerate(pages):
                if index:
                    # Takes effect on the next page: thermal tickets differ in length.
                    printer.setPageLayout(_layout(page))
                    if not printer.newPage():
                        raise PrintFailed("the printer stopped mid-job", message=_NOT_PRINTED)
                for top, strip in page.strips:
                    painter.drawImage(QPointF(0, top), strip)
                    await asyncio.sleep(0)
            finished = True
        finally:
            if not finished:
                printer.abort()  # a half-printed job must not reach the paper as if it were whole
            painter.end()
        if printer.printerState() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
            raise PrintFailed(
                "the printer reported an error", message=_NOT_PRINTED, code=ErrorCode.PRINTER_ERROR
            )
