"""Reports over the API: the admin app's "Audit log" and "Exports" screens.

CSV exports stream (chunked transfer, a batch of rows per chunk) with their row count in ``X-Encore-Rows``, so
the app shows real progress and the server never builds a large concert's file in memory. The service checks
the role and the input before the first byte, so a refusal is a problem document, never a cut-off file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Stream

from core.api.auth import STAFF, STAFF_SESSION, WHO, api_state
from core.api.problems import STAFF_PROBLEMS
from core.domain.ids import ConcertId
from core.domain.reports import AuditPage, AuditQuery, ExportKind
from core.domain.staff import StaffActor
from core.services import reports
from core.services.reports import CsvExport

__all__ = ["ROUTES", "ROWS_HEADER", "STREAMED_HEADER"]

ROWS_HEADER = "x-encore-rows"
"""How many data rows the streamed CSV holds (the header line not counted)."""
STREAMED_HEADER = "x-encore-streamed"
"""Marks a response that streams: the request deadline covers its start, not the whole transfer
(core.api.timeouts)."""

_ROUTE: dict[str, Any] = {
    "responses": STAFF_PROBLEMS,
    "tags": ["reports"],
    "guards": STAFF,
    "dependencies": WHO,
    "security": STAFF_SESSION,
}


def _query(
    staff_id: int | None, device_id: int | None, action: str, since: datetime | None, until: datetime | None
) -> AuditQuery:
    return AuditQuery(staff_id=staff_id, device_id=device_id, action=action, since=since, until=until)


def _streamed(export: CsvExport) -> Stream:
    return Stream(
        export.chunks(),
        media_type="text/csv",  # Litestar adds the charset (utf-8)
        headers={
            "content-disposition": f'attachment; filename="{export.filename}"',
            ROWS_HEADER: str(export.total_rows),
            STREAMED_HEADER: "1",
            "cache-control": "no-store",
        },
    )


@get("/v1/audit", **_ROUTE)
async def audit_page(
    who: NamedDependency[StaffActor],
    state: State,
    staff_id: FromQuery[int | None] = None,
    device_id: FromQuery[int | None] = None,
    action: FromQuery[str] = "",
    since: FromQuery[datetime | None] = None,
    until: FromQuery[datetime | None] = None,
    before: FromQuery[int | None] = None,
    limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
) -> AuditPage:
    """One page of the audit log, newest first, filtered by person, device, action and period (admins)."""
    query = _query(staff_id, device_id, action, since, until)
    return await reports.search_audit(api_state(state).ctx, who, query, before=before, limit=limit)


@get("/v1/audit/export", media_type="text/csv", **_ROUTE)
async def audit_export(
    who: NamedDependency[StaffActor],
    state: State,
    staff_id: FromQuery[int | None] = None,
    device_id: FromQuery[int | None] = None,
    action: FromQuery[str] = "",
    since: FromQuery[datetime | None] = None,
    until: FromQuery[datetime | None] = None,
) -> Stream:
    """The filtered audit log as CSV, oldest first, streamed (admins)."""
    query = _query(staff_id, device_id, action, since, until)
    return _streamed(await reports.open_audit_export(api_state(state).ctx, who, query))


@get("/v1/concerts/{concert_id:int}/exports/{kind:str}", media_type="text/csv", **_ROUTE)
async def concert_export(
    concert_id: FromPath[int], kind: FromPath[ExportKind], who: NamedDependency[StaffActor], state: State
) -> Stream:
    """A concert's orders, tickets or check-ins as CSV, streamed (managers and admins)."""
    ctx = api_state(state).ctx
    return _streamed(await reports.open_concert_export(ctx, who, ConcertId(concert_id), kind))


@get("/v1/concerts/{concert_id:int}/sales-report", media_type="application/pdf", **_ROUTE)
async def sales_report(
    concert_id: FromPath[int], who: NamedDependency[StaffActor], state: State
) -> Response[bytes]:
    """The concert's sales report as an A4 PDF (managers and admins)."""
    pdf = await reports.sales_report_pdf(api_state(state).ctx, who, ConcertId(concert_id))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "content-disposition": f'attachment; filename="sales-report-{concert_id}.pdf"',
            "cache-control": "no-store",
        },
    )


ROUTES = [audit_page, audit_export, concert_export, sales_report]
