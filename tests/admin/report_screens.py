"""The Audit log and Exports screens and the sales report PDF for `make screenshots` (tests/admin/screenshots.py):
a concert with doors open tonight, 2,000 standing and 40 seated tickets sold, a refund and entries at two gates,
all through core's services; the Exports screen is shot while a real export's progress bar is half-way."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pypdfium2

from admin.ui.audit_page import AuditPage
from admin.ui.exports_page import ExportsPage
from admin.viewmodels.exports import ExportsState
from admin.viewmodels.navigation import ScreenKey
from core.domain.concert_spec import NewCategory
from core.domain.money import Money
from core.domain.orders import Payment
from core.domain.reports import ExportKind
from core.services import checkin, checkout, concerts, orders, sales
from core.services import tickets as tickets_service
from core.services.context import ServiceContext
from tests.builders import ROOT, build_stage, door_device

STANDING_ORDERS = 40
PER_ORDER = 50


async def report_concert(ctx: ServiceContext) -> None:
    stage = await build_stage(
        ctx, rows=8, seats_per_row=20, standing=STANDING_ORDERS * PER_ORDER, name="Report Hall"
    )
    now = ctx.clock.now()
    tonight = await concerts.create_concert(
        ctx,
        ROOT,
        venue_id=stage.concert.venue_id,
        plan_id=stage.concert.plan_id,
        title="Midsummer Night Live",
        artist="The Northern Lights Orchestra",
        doors_at=now - timedelta(minutes=30),
        starts_at=now + timedelta(hours=1),
        sales_open_at=now - timedelta(days=3),
        sales_close_at=now + timedelta(hours=1),
        currency="EUR",
        categories=[
            NewCategory("Stalls premium", 6500, "#c0392b", sections=("Stalls",)),
            NewCategory("Standing", 3900, "#1e8449", sections=("Floor",)),
        ],
        max_per_order=PER_ORDER,
    )
    await concerts.put_on_sale(ctx, ROOT, tonight.id)
    seat_map = await sales_seat_map(ctx, tonight.id)
    sold = []
    for n in range(STANDING_ORDERS):
        hold = await sales.hold_standing(ctx, stage.kiosk, tonight.id, seat_map["Floor"], PER_ORDER)
        sold.append(await _pay(ctx, stage.kiosk, hold, f"report-standing-{n}"))
    for n in range(20):
        seats = seat_map["Stalls seats"][2 * n : 2 * n + 2]
        hold = await sales.hold_places(ctx, stage.other_kiosk, tonight.id, seats)
        sold.append(await _pay(ctx, stage.other_kiosk, hold, f"report-seated-{n}"))
    await orders.refund_tickets(ctx, stage.manager, sold[-1].code, reason="Bought twice by mistake")
    door = await door_device(ctx, "Door north 2")
    south = await door_device(ctx, "Door south 1")
    for index, order in enumerate(sold[:6] + sold[-6:-1]):
        documents = await tickets_service.order_documents(ctx, stage.manager, order.code)
        for doc in documents[:12]:
            gate, device = ("North", door) if index % 2 else ("South", south)
            await checkin.scan_ticket(ctx, device, doc.qr_text, concert_id=tonight.id, gate=gate)


async def sales_seat_map(ctx: ServiceContext, concert_id: Any) -> dict[str, Any]:
    from core.services import catalog

    seat_map = await catalog.get_seat_map(ctx, concert_id)
    by_name = {s.name: s.id for s in seat_map.sections}
    seated = sorted(
        (p for p in seat_map.places if p.section_id == by_name["Stalls"]),
        key=lambda p: (p.row or "", p.number or 0),
    )
    return {"Floor": by_name["Floor"], "Stalls seats": [p.id for p in seated]}


async def _pay(ctx: ServiceContext, kiosk: Any, hold: Any, key: str) -> Any:
    payment = Payment("card", key, Money(hold.total.minor, "EUR"))
    return await checkout.checkout_hold(ctx, kiosk, hold.id, idempotency_key=key, payment=payment)


async def shoot_reports(
    app: Any,
    window: Any,
    size: tuple[int, int],
    shoot: Any,
    settle: Callable[..., Awaitable[None]],
) -> None:
    """The Audit log screen (a page of entries), the Exports screen half-way through the tickets export, and (once)
    the sales report PDF as PNG."""
    audit = window.shell.show_screen(ScreenKey.AUDIT)
    assert isinstance(audit, AuditPage)
    await settle(app, lambda: audit.table.rowCount() > 0 and not audit.vm.busy)
    shoot(window, "audit", size)

    exports = window.shell.show_screen(ScreenKey.EXPORTS)
    assert isinstance(exports, ExportsPage)
    await settle(app, lambda: exports.table.rowCount() > 0 and not exports.vm.busy)
    chosen = next(c for c in exports.vm.state.concerts if c.concert.title == "Midsummer Night Live")
    exports.vm.select(chosen.concert.id)
    await settle(app)
    out: Path = shoot.out
    taken = False

    def half_way(state: ExportsState) -> None:
        nonlocal taken
        if not taken and state.running and 0 < state.rows_done < state.rows_total * 3 // 4:  # half-way or so
            taken = True
            shoot(window, "exports-progress", size)

    exports.vm.changed.connect(half_way)
    scratch = Path(tempfile.mkdtemp(prefix="encore-shots-"))  # the export is real; its file is not kept
    exports.choose_file = lambda suggested, _kinds: scratch / suggested
    exports.csv_buttons[ExportKind.TICKETS].click()
    await settle(app, lambda: exports.vm.state.saved is not None and not exports.vm.state.running)
    exports.vm.changed.disconnect(half_way)
    shutil.rmtree(scratch, ignore_errors=True)
    await settle(app)
    shoot(window, "exports", size)

    if size == (1920, 1080):  # the PDF is the same at every window size
        pdf = out / "admin-sales-report.pdf"
        await exports.vm.save_sales_report(pdf)
        image = await asyncio.to_thread(
            lambda: pypdfium2.PdfDocument(pdf.read_bytes())[0].render(scale=2).to_pil()
        )
        png = out / "admin-sales-report.png"
        image.save(png)
        pdf.unlink()
        shoot.saved.append(png)
