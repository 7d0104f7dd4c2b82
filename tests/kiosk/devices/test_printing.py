"""The kiosk's printers for real: PDF files in a folder, and Qt's printing path painting into a PDF offscreen."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PySide6.QtPrintSupport import QPrinterInfo
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.client.local import LocalClient
from core.db.tables import audit_log
from core.domain.errors import ConfigError
from core.domain.orders import Order
from core.services import orders, tickets
from core.services.context import ServiceContext
from kiosk.devices.printing import FolderPrinter, QtPrinter, printer_for
from kiosk.viewmodels.printing import PrinterState, PrintFailed, PrintPhase, TicketPrinting
from tests.builders import Stage, build_stage, decode_qr_texts, sell, signing_kiosk
from tests.dbstate import snapshot

MM = 72 / 25.4


@pytest.fixture
def sold(kiosk_ctx: ServiceContext, qt_run: Any) -> tuple[Stage, Any, Order]:
    async def make() -> tuple[Stage, Any, Order]:
        stage = await build_stage(kiosk_ctx, name="Print Hall")
        kiosk = await signing_kiosk(kiosk_ctx, "Print kiosk")
        return stage, kiosk, await sell(kiosk_ctx, stage, kiosk, stage.seats[:2], "print-dev")

    return qt_run(make())


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            (round(w / MM, 1), round(h / MM, 1))
            for w, h in (document.get_page_size(i) for i in range(len(document)))
        ]
    finally:
        document.close()


async def audit(ctx: ServiceContext, action: str) -> list[Any]:
    async def work(conn: AsyncConnection) -> list[Any]:
        return list((await conn.execute(select(audit_log).where(audit_log.c.action == action))).all())

    return await ctx.db.read(work)


def test_folder_printer_writes_the_very_pdf(
    kiosk_ctx: ServiceContext, qt_run: Any, sold: Any, tmp_path: Path
) -> None:
    stage, kiosk, order = sold
    folder = tmp_path / "hot"
    folder.mkdir()
    printing = TicketPrinting(printer_for(f"folder:{folder}"))

    outcome = qt_run(printing.print_order(LocalClient.over(kiosk_ctx, actor=kiosk), order))

    assert outcome.ok
    (written,) = folder.iterdir()  # no temp file left beside it
    assert written.suffix == ".pdf"
    assert order.code in written.name
    expected = qt_run(tickets.render_order(kiosk_ctx, kiosk, order.code))
    assert written.read_bytes() == expected  # rendering is deterministic: the same document, untouched
    texts = decode_qr_texts(written.read_bytes())
    assert len(texts) == 2
    found = qt_run(orders.find_order(kiosk_ctx, stage.manager, order.code))
    assert [t.print_count for t in found.tickets] == [1, 1]


def test_folder_copies_and_status(tmp_path: Path, qt_run: Any) -> None:
    printer = FolderPrinter(tmp_path)
    qt_run(printer.print_pdf(b"%PDF-1.4 test", job_name="../../etc/passwd order", copies=2))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2
    assert all(n.startswith("etc-passwd-order-") and n.endswith(".pdf") for n in names)  # stays in the folder
    assert printer.status().state is PrinterState.READY
    assert FolderPrinter(tmp_path / "gone").status().state is PrinterState.OFFLINE


def test_unwritable_folder_fails_keeps_the_order_and_audits_the_failure(
    kiosk_ctx: ServiceContext, qt_run: Any, sold: Any, tmp_path: Path
) -> None:
    stage, kiosk, order = sold
    not_a_folder = tmp_path / "stick"
    not_a_folder.write_text("a file where the USB stick's folder should be")  # root ignores permissions
    printing = TicketPrinting(printer_for(f"folder:{not_a_folder}"))
    before = qt_run(snapshot(kiosk_ctx))

    with pytest.raises(PrintFailed) as raised:
        qt_run(printing.printer.print_pdf(b"%PDF-", job_name="x"))
    assert raised.value.code == "print_folder_unwritable"
    assert "call staff" in raised.value.message
    outcome = qt_run(printing.print_order(LocalClient.over(kiosk_ctx, actor=kiosk), order))

    assert (outcome.ok, outcome.can_reprint, outcome.error_code) == (False, True, "print_folder_unwritable")
    assert printing.state.phase is PrintPhase.FAILED
    (row,) = qt_run(audit(kiosk_ctx, "print_failed"))
    assert str(not_a_folder) in row.details["reason"]
    after = qt_run(snapshot(kiosk_ctx))
    assert {t for t in before if before[t] != after[t]} == {"audit_log"}  # only the failure was written
    found = qt_run(orders.find_order(kiosk_ctx, stage.manager, order.code))
    assert [t.print_count for t in found.tickets] == [0, 0]


def test_qt_printer_paints_every_ticket_onto_80mm_pages(
    kiosk_ctx: ServiceContext, qt_run: Any, sold: Any, tmp_path: Path
) -> None:
    _, kiosk, order = sold
    target = tmp_path / "qt-printed.pdf"
    printing = TicketPrinting(QtPrinter(pdf_file=target))

    outcome = qt_run(printing.print_order(LocalClient.over(kiosk_ctx, actor=kiosk), order))

    assert outcome.ok
    printed = target.read_bytes()
    original = qt_run(tickets.render_order(kiosk_ctx, kiosk, order.code))
    # Qt's PDF engine writes the page box in whole points (80 mm = 226.8 pt becomes 227 pt): within 0.4 mm.
    flat = [mm for size in page_sizes_mm(printed) for mm in size]
    assert flat == pytest.approx([mm for size in page_sizes_mm(original) for mm in size], abs=0.4)
    assert [w for w, _ in page_sizes_mm(original)] == [80.0, 80.0]
    # The QR codes survived rasterising, painting and Qt's PDF engine: the door can scan them.
    assert decode_qr_texts(printed) == decode_qr_texts(original)
    if os.environ.get("ENCORE_KEEP_PRINT"):  # for looking at it: pdftoppm -png -r 100 <file>
        Path(os.environ["ENCORE_KEEP_PRINT"]).write_bytes(printed)


def test_a_named_printer_that_is_not_there_says_call_staff(qt_run: Any) -> None:
    name = f"encore-no-such-printer-{uuid.uuid4().hex[:8]}"
    printer = printer_for(f"printer:{name}")
    assert printer.status().state is PrinterState.OFFLINE

    with pytest.raises(PrintFailed) as raised:
        qt_run(printer.print_pdf(b"%PDF-", job_name="x"))

    assert raised.value.code == "printer_missing"
    assert raised.value.message.startswith("No printer is set up")
    assert "call staff" in raised.value.message
    assert name in raised.value.reason


def test_no_default_printer_says_call_staff(qt_run: Any) -> None:
    if not QPrinterInfo.defaultPrinter().isNull():
        pytest.skip("this machine has a default printer: printing to it would waste paper")
    printer = printer_for("")
    assert printer.status().state is PrinterState.OFFLINE
    with pytest.raises(PrintFailed) as raised:
        qt_run(printer.print_pdf(b"%PDF-", job_name="x"))
    assert (raised.value.code, raised.value.reason) == ("printer_missing", "no default printer")


@pytest.mark.parametrize("setting", ["folder:relative/path", "cups", "printer:", "folder:/a\nb"])
def test_a_bad_setting_is_a_config_error(setting: str) -> None:
    with pytest.raises(ConfigError) as raised:
        printer_for(setting)
    assert (raised.value.code, raised.value.key) == ("config_invalid", "kiosk_printer")
