"""Reports over the API: a concert's CSV exports stream with their row count and re-read to the database's
numbers; the sales report PDF, rasterised and read back, prints the same totals; the audit log filters by person,
device, action and period and pages by id; box office and door accounts are refused every report."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pypdfium2
import pytest

from core.db import audit as audit_db
from core.domain.devices import DeviceKind
from core.domain.ids import StaffId
from core.domain.reports import AuditQuery
from core.domain.staff import DeviceActor, Role, StaffActor
from core.services import devices, reports, venues
from core.services.sales_report_pdf import money_text
from tests.builders import ROOT
from tests.dbstate import snapshot
from tests.support.report_data import busy_concert, truth
from tests.support.staff_api import bearer, make_staff, session_for


async def _csv(http, path: str, token: str) -> tuple[list[dict[str, str]], dict[str, str], int]:  # type: ignore[no-untyped-def]
    chunks = 0
    body = b""
    async with http.stream("GET", path, headers=bearer(token)) as response:
        assert response.status_code == 200, await response.aread()
        async for chunk in response.aiter_bytes():
            body += chunk
            chunks += 1
        headers = dict(response.headers)
    return list(csv.DictReader(io.StringIO(body.decode()))), headers, chunks


async def test_concert_exports_re_read_to_the_database_numbers(served, clock) -> None:
    stage = await busy_concert(served.ctx, clock)
    expected = await truth(served.ctx, stage.id)
    manager = await make_staff(served.ctx, Role.MANAGER)
    async with served.http() as http:
        token = await session_for(http, manager)
        rows, headers, _ = await _csv(http, f"/v1/concerts/{stage.id}/exports/orders", token)
        assert headers["x-encore-rows"] == str(len(rows)) == str(expected.orders)
        assert headers["content-type"].startswith("text/csv")
        assert sum(int(r["total_minor"]) for r in rows) == expected.gross_minor
        assert sum(int(r["tickets"]) for r in rows) == expected.tickets
        assert sum(int(r["refunded_minor"]) for r in rows) == expected.refunded_minor == 4500
        assert {r["status"] for r in rows} == {"paid", "partly_refunded"}

        rows, headers, _ = await _csv(http, f"/v1/concerts/{stage.id}/exports/tickets", token)
        assert int(headers["x-encore-rows"]) == len(rows) == expected.tickets == 9
        assert sum(int(r["price_minor"]) for r in rows) == expected.gross_minor
        assert sum(r["state"] == "void" for r in rows) == expected.refunded_tickets == 1
        assert {(r["section"], r["row"] != "") for r in rows} == {("Stalls", True), ("Floor", False)}

        rows, headers, _ = await _csv(http, f"/v1/concerts/{stage.id}/exports/checkins", token)
        assert len(rows) == expected.checkin_rows == 3
        assert sorted(r["gate"] for r in rows) == ["North", "North", "South"]
        assert len({r["ticket_serial"] for r in rows}) == expected.admitted


async def test_an_export_leaves_in_batches_not_one_body(served, monkeypatch) -> None:
    """Streamed: the header line first, then one chunk per batch of rows, each batch its own read."""
    admin = await make_staff(served.ctx, Role.ADMIN)
    for i in range(25):
        await venues.create_venue(served.ctx, ROOT, name=f"Hall {i}", timezone="UTC")
    monkeypatch.setattr(reports, "BATCH_ROWS", 10)
    actor = StaffActor(StaffId(admin.id), Role.ADMIN, admin.display_name)
    export = await reports.open_audit_export(served.ctx, actor, AuditQuery(action="venue_created"))
    chunks = [chunk async for chunk in export.chunks()]
    assert export.total_rows == 25
    assert [chunk.count(b"\n") for chunk in chunks] == [1, 10, 10, 5]
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode())))
    assert [r["subject"] for r in rows] == sorted(
        (r["subject"] for r in rows), key=lambda s: int(s.split(":")[1])
    )


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
    document = pypdfium2.PdfDocument(pdf)  # the wheel path of a fresh machine
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


_SCALE = 2.0


def _inked_boxes(pdf: bytes, needles: list[str]) -> list[tuple[int, int, int, int]]:
    """Each needle's box on the first page, rendered at _SCALE: found in the text, within the page, and inked
    (its pixels reach near-black on the light page): what a reader sees, not only what the text layer holds."""
    page = pypdfium2.PdfDocument(pdf)[0]
    width, height = page.get_size()
    image = page.render(scale=_SCALE).to_pil().convert("L")
    assert image.size[0] > 800
    textpage = page.get_textpage()
    boxes = []
    for needle in needles:
        found = textpage.search(needle, match_case=True).get_next()
        assert found is not None, f"{needle!r} is not on the first page"
        start, count = found
        chars = [textpage.get_charbox(i) for i in range(start, start + count)]
        left, bottom = min(c[0] for c in chars), min(c[1] for c in chars)
        right, top = max(c[2] for c in chars), max(c[3] for c in chars)
        assert 0 <= left < right <= width, f"{needle!r} is off the page"
        assert 0 <= bottom < top <= height, f"{needle!r} is off the page"
        box = (
            int(left * _SCALE),
            int((height - top) * _SCALE),
            int(right * _SCALE) + 1,
            int((height - bottom) * _SCALE) + 1,
        )
        darkest, lightest = image.crop(box).getextrema()
        assert darkest < 80 < lightest, f"{needle!r} is not printed legibly ({darkest}-{lightest})"
        boxes.append(box)
    return boxes


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


async def test_the_sales_report_pdf_prints_the_database_totals(served, clock, tmp_path: Path) -> None:
    stage = await busy_concert(served.ctx, clock)
    expected = await truth(served.ctx, stage.id)
    manager = await make_staff(served.ctx, Role.MANAGER)
    async with served.http() as http:
        token = await session_for(http, manager)
        answer = await http.get(f"/v1/concerts/{stage.id}/sales-report", headers=bearer(token))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    pdf = answer.content
    net = expected.gross_minor - expected.refunded_minor
    # Rasterised: each total is printed in ink inside the page, none drawn over another.
    totals = [money_text(m, "EUR") for m in (expected.gross_minor, expected.refunded_minor, net)]
    boxes = _inked_boxes(pdf, ["Gross sales", "Refunded", "Net sales", *totals])
    assert len(boxes) == 6
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if _overlap(a, b)]
    text = " ".join(_pdf_text(pdf, tmp_path).split())
    assert f"Gross sales {money_text(expected.gross_minor, 'EUR')}" in text
    assert f"Refunded {money_text(expected.refunded_minor, 'EUR')}" in text
    assert f"Net sales {money_text(net, 'EUR')}" in text
    assert f"Orders {expected.orders}" in text
    assert f"Tickets sold {expected.tickets}" in text
    assert (
        f"Admitted at the doors {expected.admitted} of {expected.tickets - expected.refunded_tickets}" in text
    )
    # by category: Stalls 5 sold (one refunded), Floor 4; by gate: North 2, South 1
    assert "Stalls EUR 45.00 5 1 EUR 225.00 EUR 45.00 EUR 180.00" in text
    assert "Floor EUR 30.00 4 0 EUR 120.00 EUR 0.00 EUR 120.00" in text
    assert "North 2" in text
    assert "South 1" in text
    # by day (Europe/Berlin): one order on the first day, two on the next
    report = await reports.sales_report(
        served.ctx, StaffActor(StaffId(manager.id), Role.MANAGER, "M"), stage.id
    )
    assert [(d.orders, d.tickets) for d in report.days] == [(1, 3), (2, 6)]
    for day in report.days:
        assert (
            f"{day.day:%a %d %b %Y} {day.orders} {day.tickets} {money_text(day.gross_minor, 'EUR')}" in text
        )


def _entries(answer) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    assert answer.status_code == 200, answer.text
    return [(e["action"], e["subject"]) for e in answer.json()["entries"]]


async def test_audit_filters_by_person_device_action_and_period(served, clock) -> None:
    admin = await make_staff(served.ctx, Role.ADMIN)
    other = await make_staff(served.ctx, Role.ADMIN, number=7)
    before_any = clock.now()
    async with served.http() as http:
        token = await session_for(http, admin)
        made = await http.post(
            "/v1/venues", json={"name": "Aula", "timezone": "Europe/Berlin"}, headers=bearer(token)
        )
        assert made.status_code == 201, made.text
        clock.advance(2 * 3600)
        middle = clock.now()
        token = await session_for(http, admin)  # the first session has lapsed meanwhile
        other_token = await session_for(http, other)
        other_made = await http.post(
            "/v1/venues", json={"name": "Kantine", "timezone": "Europe/Berlin"}, headers=bearer(other_token)
        )
        assert other_made.status_code == 201, other_made.text
        kiosk = await devices.register_device(served.ctx, name="Kiosk X", kind=DeviceKind.KIOSK)
        approved = await http.post(f"/v1/devices/{kiosk.id}/approve", headers=bearer(token))
        assert approved.status_code == 200, approved.text
        audit = "/v1/audit"

        mine = _entries(
            await http.get(
                audit, params={"staff_id": admin.id, "action": "venue_created"}, headers=bearer(token)
            )
        )
        assert mine == [("venue_created", f"venue:{made.json()['id']}")]
        theirs = await http.get(audit, params={"staff_id": other.id}, headers=bearer(token))
        assert ("venue_created", f"venue:{other_made.json()['id']}") in _entries(theirs)
        assert all(e["actor_name"] == other.display_name for e in theirs.json()["entries"])
        printed = DeviceActor(kiosk.id, "Kiosk X", DeviceKind.KIOSK)
        await served.ctx.db.write(
            lambda conn: audit_db.record(
                conn, at=clock.now(), actor=printed, action="tickets_printed", subject="order:ABC"
            )
        )
        device = await http.get(audit, params={"device_id": kiosk.id}, headers=bearer(token))
        assert _entries(device) == [("tickets_printed", "order:ABC")]
        assert device.json()["entries"][0]["actor_name"] == "Kiosk X"
        about = await http.get(audit, params={"action": "device_approved"}, headers=bearer(token))
        assert [(e["subject"], e["actor"]) for e in about.json()["entries"]] == [
            (f"device:{kiosk.id}", f"staff:{admin.id}")
        ]
        early = await http.get(
            audit,
            params={"action": "venue_created", "since": before_any.isoformat(), "until": middle.isoformat()},
            headers=bearer(token),
        )
        assert _entries(early) == [("venue_created", f"venue:{made.json()['id']}")]
        late = await http.get(
            audit, params={"action": "venue_created", "since": middle.isoformat()}, headers=bearer(token)
        )
        assert _entries(late) == [("venue_created", f"venue:{other_made.json()['id']}")]
        assert "venue_created" in late.json()["actions"]

        first = (await http.get(audit, params={"limit": 2}, headers=bearer(token))).json()
        assert len(first["entries"]) == 2
        assert first["older"] is not None
        assert first["total"] > 2
        second = (
            await http.get(audit, params={"limit": 2, "before": first["older"]}, headers=bearer(token))
        ).json()
        ids = [e["id"] for e in first["entries"] + second["entries"]]
        assert ids == sorted(ids, reverse=True)
        assert len(set(ids)) == 4


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"since": "2026-12-05T00:00:00+00:00", "until": "2026-12-04T00:00:00+00:00"}, "value_invalid"),
        ({"since": "2026-12-05T00:00:00"}, "time_not_aware"),
        ({"staff_id": 1, "device_id": 2}, "value_invalid"),
        ({"before": 0}, "value_invalid"),
    ],
)
async def test_a_bad_audit_filter_says_what_is_wrong_and_changes_nothing(served, params, code: str) -> None:
    admin = await make_staff(served.ctx, Role.ADMIN)
    async with served.http() as http:
        token = await session_for(http, admin)
        await http.get("/v1/me", headers=bearer(token))
        before = await snapshot(served.ctx)
        answer = await http.get("/v1/audit", params=params, headers=bearer(token))
        assert (answer.status_code, answer.json()["code"]) == (422, code)
        if "before" not in params:  # the export has no pages
            refused = await http.get("/v1/audit/export", params=params, headers=bearer(token))
            assert refused.json()["code"] == code
        assert await snapshot(served.ctx) == before


@pytest.mark.parametrize("role", [Role.BOX_OFFICE, Role.DOOR])
async def test_box_office_and_door_are_refused_every_report(served, clock, role: Role) -> None:
    stage = await busy_concert(served.ctx, clock)
    member = await make_staff(served.ctx, role)
    async with served.http() as http:
        token = await session_for(http, member)
        await http.get("/v1/me", headers=bearer(token))
        before = await snapshot(served.ctx)
        for path in (
            "/v1/audit",
            "/v1/audit/export",
            f"/v1/concerts/{stage.id}/exports/orders",
            f"/v1/concerts/{stage.id}/exports/tickets",
            f"/v1/concerts/{stage.id}/exports/checkins",
            f"/v1/concerts/{stage.id}/sales-report",
        ):
            answer = await http.get(path, headers=bearer(token))
            assert (answer.status_code, answer.json()["code"]) == (403, "not_allowed"), path
        assert await snapshot(served.ctx) == before
        anonymous = await http.get(f"/v1/concerts/{stage.id}/exports/orders")
        assert anonymous.status_code == 401


async def test_a_manager_may_export_but_not_read_the_audit_log(served, clock) -> None:
    stage = await busy_concert(served.ctx, clock)
    manager = await make_staff(served.ctx, Role.MANAGER)
    async with served.http() as http:
        token = await session_for(http, manager)
        assert (await http.get("/v1/audit", headers=bearer(token))).status_code == 403
        assert (
            await http.get(f"/v1/concerts/{stage.id}/exports/orders", headers=bearer(token))
        ).status_code == 200
        missing = await http.get("/v1/concerts/999999/exports/orders", headers=bearer(token))
        assert (missing.status_code, missing.json()["code"]) == (404, "concert_not_found")
        kind = await http.get(f"/v1/concerts/{stage.id}/exports/seats", headers=bearer(token))
        assert kind.status_code in (400, 422)


async def test_every_export_is_itself_audited(served, clock) -> None:
    """A concert export and an export of the audit log each leave an entry, at the moment of the export, naming
    who, what and how many rows; the audit export's own entry is not in the file it made."""
    stage = await busy_concert(served.ctx, clock)
    admin = await make_staff(served.ctx, Role.ADMIN)
    async with served.http() as http:
        token = await session_for(http, admin)
        clock.advance(17 * 60)  # the export's moment differs from every other entry's
        exported_at = clock.now()
        await _csv(http, f"/v1/concerts/{stage.id}/exports/tickets", token)
        found = (await http.get("/v1/audit", params={"action": "export_made"}, headers=bearer(token))).json()
        [entry] = found["entries"]
        assert (entry["actor"], entry["subject"]) == (f"staff:{admin.id}", f"concert:{stage.id}")
        assert entry["details"] == {"kind": "tickets", "rows": 9}
        assert datetime.fromisoformat(entry["at"]) == exported_at

        clock.advance(5 * 60)
        audit_exported_at = clock.now()
        rows, headers, _ = await _csv(http, "/v1/audit/export?action=export_made", token)
        assert [(r["action"], r["subject"]) for r in rows] == [("export_made", f"concert:{stage.id}")]
        assert headers["x-encore-rows"] == "1"
        found = (
            await http.get("/v1/audit", params={"action": "audit_exported"}, headers=bearer(token))
        ).json()
    [entry] = found["entries"]
    assert (entry["actor"], entry["subject"]) == (f"staff:{admin.id}", "audit_log")
    assert entry["details"] == {"rows": 1, "filter": {"action": "export_made"}}
    assert datetime.fromisoformat(entry["at"]) == audit_exported_at
