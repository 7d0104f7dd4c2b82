"""The Exports screen's view-model, without Qt, over the in-process staff client and real services: a CSV saved
whole with the rows announced, a refusal shown in the server's words with no file left, a folder that cannot be
written named as such, and a cancelled export leaves neither the file nor its part file."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest

from admin.viewmodels.exports import ExportsState, ExportsViewModel
from core.client.staff_local import LocalStaffClient
from core.domain.clock import ManualClock
from core.domain.reports import ExportKind
from core.domain.staff import Role
from core.services import reports
from core.services.context import ServiceContext
from tests.support.report_data import busy_concert, truth
from tests.support.staff_api import PASSWORD, make_staff


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Where the screen saves: a folder of its own (the test database lives in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _text(path: Path) -> str:
    return path.read_text()


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def _vm(ctx: ServiceContext, role: Role) -> ExportsViewModel:
    member = await make_staff(ctx, role)
    session = await LocalStaffClient.over(ctx).sign_in(member.email, PASSWORD)
    return ExportsViewModel(session)


async def test_orders_saved_whole_and_the_sales_report_beside_them(
    ctx: ServiceContext, clock: ManualClock, out: Path
) -> None:
    stage = await busy_concert(ctx, clock)
    expected = await truth(ctx, stage.id)
    vm = await _vm(ctx, Role.MANAGER)
    await vm.load()
    vm.select(stage.id)
    progress: list[tuple[int, int]] = []
    vm.changed.connect(lambda s: progress.append((s.rows_done, s.rows_total)) if s.running else None)
    await vm.export_csv(ExportKind.ORDERS, out / "orders.csv")
    rows = list(csv.DictReader(io.StringIO(_text(out / "orders.csv"))))
    assert len(rows) == expected.orders == 3
    assert sum(int(r["total_minor"]) for r in rows) == expected.gross_minor
    assert progress[-1] == (3, 3)
    assert vm.state.notice == "Saved 3 orders to orders.csv."
    await vm.save_sales_report(out / "report.pdf")
    assert _bytes(out / "report.pdf").startswith(b"%PDF-")
    assert _names(out) == ["orders.csv", "report.pdf"]


async def test_box_office_is_refused_and_no_file_is_left(
    ctx: ServiceContext, clock: ManualClock, out: Path
) -> None:
    stage = await busy_concert(ctx, clock)
    vm = await _vm(ctx, Role.BOX_OFFICE)
    vm._set(concerts=(), selected_id=None)
    await vm.export_csv(ExportKind.TICKETS, out / "tickets.csv")
    assert vm.state.error_code == "invalid_input"  # nothing chosen yet
    await vm.load()  # box office may not list concerts for managing them
    assert vm.state.error_code == "not_allowed"
    # a concert chosen anyway (as a stale screen might): the server refuses the export itself
    manager_vm = await _vm(ctx, Role.MANAGER)
    await manager_vm.load()
    vm._set(concerts=manager_vm.state.concerts, selected_id=stage.id)
    await vm.export_csv(ExportKind.TICKETS, out / "tickets.csv")
    assert (vm.state.error_code, vm.state.running) == ("not_allowed", "")
    assert "may not see reports" in vm.state.error
    assert _names(out) == []


async def test_a_folder_that_cannot_be_written_is_named(
    ctx: ServiceContext, clock: ManualClock, out: Path
) -> None:
    stage = await busy_concert(ctx, clock)
    vm = await _vm(ctx, Role.ADMIN)
    await vm.load()
    vm.select(stage.id)
    await vm.export_csv(ExportKind.CHECKINS, out / "missing" / "checkins.csv")
    assert vm.state.error_code == "file_not_written"
    assert "Choose another folder" in vm.state.error
    assert _names(out) == []


async def test_a_cancelled_export_leaves_no_file(
    ctx: ServiceContext, clock: ManualClock, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage = await busy_concert(ctx, clock)
    monkeypatch.setattr(reports, "BATCH_ROWS", 2)  # several chunks, so there is a moment between them
    vm = await _vm(ctx, Role.MANAGER)
    await vm.load()
    vm.select(stage.id)

    def cancel_midway(state: ExportsState) -> None:
        if state.running and state.rows_done > 0:
            vm.cancel()

    vm.changed.connect(cancel_midway)
    vm.request_export(ExportKind.TICKETS, out / "tickets.csv")
    for _ in range(200):
        await asyncio.sleep(0.01)
        if not vm.busy:
            break
    assert vm.state.notice == "The tickets export was cancelled; no file was saved."
    assert _names(out) == []
    await vm.aclose()
