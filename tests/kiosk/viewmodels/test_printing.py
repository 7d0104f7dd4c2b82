"""TicketPrinting without Qt: render → print → record on a real database, jams, reprints and refusals."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.client.local import LocalClient
from core.db.tables import audit_log
from core.domain.clock import ManualClock
from core.domain.errors import ErrorCode
from core.domain.orders import Order
from core.services import orders, tickets
from core.services.context import ServiceContext
from kiosk.devices.print_folder import FolderPrinter
from kiosk.viewmodels.printing import (
    PrinterState,
    PrinterStatus,
    PrintFailed,
    PrintPhase,
    PrintState,
    TicketPrinting,
)
from tests.builders import Stage, build_stage, decode_qr_texts, sell, signing_kiosk
from tests.dbstate import snapshot


class JammingPrinter:
    """A printer that jams the first `jams` times (no real printer runs here), then writes to a folder."""

    def __init__(self, folder: Path, jams: int = 1) -> None:
        self.jams = jams
        self.calls = 0
        self.folder = FolderPrinter(folder)

    async def print_pdf(self, pdf: bytes, *, job_name: str, copies: int = 1) -> None:
        self.calls += 1
        if self.calls <= self.jams:
            raise PrintFailed(
                "paper jam", message="The printer is jammed. Please call staff.", code=ErrorCode.PRINTER_ERROR
            )
        await self.folder.print_pdf(pdf, job_name=job_name, copies=copies)

    def status(self) -> PrinterStatus:
        return PrinterStatus(PrinterState.ERROR if self.calls < self.jams else PrinterState.READY, "jammer")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """The printer's folder (tmp_path also holds the test database)."""
    folder = tmp_path / "printed"
    folder.mkdir()
    return folder


def pdfs(folder: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted(folder.iterdir())]


@pytest.fixture
async def sold(ctx: ServiceContext) -> tuple[Stage, Any, Order]:
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Printing kiosk")
    order = await sell(ctx, stage, kiosk, stage.seats[:3], "print-1")
    return stage, kiosk, order


async def audit_rows(ctx: ServiceContext, action: str) -> list[Any]:
    async def work(conn: AsyncConnection) -> list[Any]:
        return list((await conn.execute(select(audit_log).where(audit_log.c.action == action))).all())

    return await ctx.db.read(work)


async def print_counts(ctx: ServiceContext, stage: Stage, order: Order) -> list[int]:
    found = await orders.find_order(ctx, stage.manager, order.code)
    return [t.print_count for t in found.tickets]


def record_phases(printing: TicketPrinting) -> list[PrintState]:
    seen: list[PrintState] = []
    printing.changed.connect(seen.append)
    return seen


async def test_prints_counts_and_audits(ctx: ServiceContext, sold: Any, out: Path) -> None:
    stage, kiosk, order = sold
    printing = TicketPrinting(FolderPrinter(out))
    seen = record_phases(printing)

    outcome = await printing.print_order(LocalClient.over(ctx, actor=kiosk), order)

    assert outcome.ok
    assert outcome.recorded
    assert outcome.error is None
    assert set(outcome.ticket_ids) == {t.id for t in order.tickets}
    assert [s.phase for s in seen] == [PrintPhase.RENDERING, PrintPhase.PRINTING, PrintPhase.PRINTED]
    assert (seen[0].tickets, seen[0].order_code) == (3, order.code)
    (written,) = pdfs(out)
    assert len(decode_qr_texts(written)) == 3
    assert await print_counts(ctx, stage, order) == [1, 1, 1]
    (row,) = await audit_rows(ctx, "tickets_printed")
    assert (row.actor, row.subject) == (
        f"device:{kiosk.device_id}",
        "tickets:" + ",".join(str(t) for t in outcome.ticket_ids),
    )


async def test_a_jam_keeps_the_order_and_a_reprint_prints_it(
    ctx: ServiceContext, sold: Any, out: Path
) -> None:
    stage, kiosk, order = sold
    printer = JammingPrinter(out)
    printing = TicketPrinting(printer)

    failed = await printing.print_order(LocalClient.over(ctx, actor=kiosk), order)

    assert (failed.ok, failed.can_reprint, failed.recorded) == (False, True, True)
    assert (failed.error_code, failed.reason) == (ErrorCode.PRINTER_ERROR, "paper jam")
    # The buyer's sentence is the kiosk's (translated), not the printer's English; the reason goes to the audit.
    assert str(failed.error) == "The printer did not print the ticket. Please call staff."
    s = printing.state
    assert (s.phase, s.can_reprint, s.error_code, s.attempts) == (
        PrintPhase.FAILED,
        True,
        ErrorCode.PRINTER_ERROR,
        1,
    )
    assert await print_counts(ctx, stage, order) == [0, 0, 0]  # nothing counted as printed
    (row,) = await audit_rows(ctx, "print_failed")
    assert row.details["reason"] == "paper jam"
    assert row.subject == "tickets:" + ",".join(str(t.id) for t in order.tickets)
    kept = await orders.find_order(ctx, stage.manager, order.code)
    assert (kept.status, len(kept.tickets)) == (order.status, 3)  # the sale stands

    again = await printing.reprint(LocalClient.over(ctx, actor=kiosk), order)

    assert again.ok
    assert (printing.state.phase, printing.state.attempts, printing.state.error) == (
        PrintPhase.PRINTED,
        2,
        None,
    )
    assert await print_counts(ctx, stage, order) == [1, 1, 1]
    assert len(pdfs(out)) == 1


async def test_after_the_print_window_the_kiosk_must_call_staff(
    ctx: ServiceContext, clock: ManualClock, sold: Any, out: Path
) -> None:
    stage, kiosk, order = sold
    printer = JammingPrinter(out, jams=0)
    printing = TicketPrinting(printer)
    clock.advance((tickets.KIOSK_PRINT_WINDOW + timedelta(seconds=1)).total_seconds())
    before = await snapshot(ctx)

    outcome = await printing.print_order(LocalClient.over(ctx, actor=kiosk), order)

    assert (outcome.ok, outcome.can_reprint, outcome.error_code) == (False, False, "not_allowed")
    assert str(outcome.error) == "Only staff can print these tickets now. Please call staff."
    assert printing.state.phase is PrintPhase.FAILED
    assert printer.calls == 0
    assert await snapshot(ctx) == before
    # Staff with the reprint permission can still print it, through the same path.
    assert (await printing.reprint(LocalClient.over(ctx, actor=stage.manager), order)).ok
    assert await print_counts(ctx, stage, order) == [1, 1, 1]


async def test_a_refunded_order_has_nothing_to_print(ctx: ServiceContext, sold: Any, out: Path) -> None:
    stage, kiosk, order = sold
    await orders.refund_tickets(ctx, stage.manager, order.code, reason="changed plans")
    printer = JammingPrinter(out, jams=0)
    printing = TicketPrinting(printer)
    before = await snapshot(ctx)

    outcome = await printing.print_order(LocalClient.over(ctx, actor=kiosk), order)

    assert (outcome.ok, outcome.error_code, outcome.can_reprint) == (False, "nothing_to_print", False)
    assert printer.calls == 0
    assert await snapshot(ctx) == before


async def test_a_double_tap_prints_once(ctx: ServiceContext, sold: Any, out: Path) -> None:
    _, kiosk, order = sold
    printer = JammingPrinter(out, jams=0)
    printing = TicketPrinting(printer)
    done = asyncio.get_running_loop().create_future()
    printing.changed.connect(
        lambda s: s.phase is PrintPhase.PRINTED and not done.done() and done.set_result(s)
    )

    printing.request_print(LocalClient.over(ctx, actor=kiosk), order)
    printing.request_print(LocalClient.over(ctx, actor=kiosk), order)
    printing.request_reprint(LocalClient.over(ctx, actor=kiosk), order)  # nothing failed: no reprint on offer
    async with asyncio.timeout(10):
        await done

    assert printer.calls == 1
    await printing.aclose()
