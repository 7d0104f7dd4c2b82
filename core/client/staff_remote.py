"""RemoteStaffClient: staff at an admin desktop sign in to encore-server with e-mail and password and act
through a session (the ``/v1`` staff routes); errors come back as the same EncoreError classes.

The session's token is only ever sent as a bearer header and is never in a repr or a log. Reads are retried on
a transport fault; writes (sign-in, approve, revoke, create) are not: a lost reply to one that happened would
do it twice or count a second sign-in try.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from urllib.parse import quote

import httpx

from core.client.http import HttpLeg, server_unreachable
from core.client.protocol import ExportStream, StaffSession, StaffSignIn
from core.client.staff_keyring import Desk
from core.client.tls_pin import CertificatePin, normalise_fingerprint
from core.config import Settings
from core.domain.api_bodies import SignInResult, StaffSummary
from core.domain.catalog import ConcertSummary, SeatMap
from core.domain.clock import Clock, SystemClock
from core.domain.concert_bodies import (
    CancelConcertRequest,
    ConcertDetails,
    ConcertOverview,
    NewConcertRequest,
)
from core.domain.concerts import Concert
from core.domain.dashboard import (
    CheckinActivity,
    ConflictResolution,
    DeviceStatusRow,
    ResolveConflictRequest,
    SalesSeries,
)
from core.domain.devices import Device
from core.domain.door import CheckinConflict
from core.domain.ids import ConcertId, DeviceId, PlanId, SeatId, StaffId, VenueId
from core.domain.live import AvailabilityView
from core.domain.order_desk import (
    OrderDetails,
    OrderPage,
    OrderQuery,
    RefundRequest,
    ReprintRequest,
    ResendRequest,
)
from core.domain.plan_spec import GridSection
from core.domain.reports import AuditPage, AuditQuery, ExportKind
from core.domain.staff import Role, Staff
from core.domain.tickets import Layout
from core.domain.venue_bodies import CsvPlanRequest, GridPlanRequest, MarkSeatsRequest, NewVenueRequest
from core.domain.venues import PlanLayout, SeatingPlan, SeatMark, Venue
from core.events.paused_bus import PausedBus
from core.events.protocol import EventBus
from core.events.watch import watch_availability
from core.security.secret_store import redis_url_with_password

__all__ = ["RemoteExport", "RemoteStaffClient", "RemoteStaffSession"]

ROWS_HEADER = "x-encore-rows"
"""core.api.routes_reports.ROWS_HEADER (the client does not import the server)."""


@dataclass(frozen=True, eq=False)
class RemoteExport:
    """A streamed CSV answer: the row count from its header, the bytes as they arrive."""

    response: httpx.Response = field(repr=False)

    @property
    def filename(self) -> str:
        _, _, name = self.response.headers.get("content-disposition", "").partition('filename="')
        return name.rstrip('"') or "export.csv"

    @property
    def total_rows(self) -> int:
        try:
            return int(self.response.headers.get(ROWS_HEADER, "0"))
        except ValueError:
            return 0

    async def chunks(self) -> AsyncGenerator[bytes, None]:
        # httpx's byte iterators are async generators too: each is closed here, in order, while the loop runs
        # (left to the garbage collector, httpcore's stream tried to await its close and was refused).
        parts = cast(AsyncGenerator[bytes, None], self.response.aiter_bytes())
        try:
            async with contextlib.aclosing(parts):
                async for chunk in parts:
                    yield chunk
        except httpx.TransportError as exc:  # the server went away mid-file: the file is incomplete
            raise server_unreachable(f"the export stopped half-way: {type(exc).__name__}") from None


def _audit_params(query: AuditQuery) -> dict[str, str]:
    params = {
        "staff_id": query.staff_id,
        "device_id": query.device_id,
        "action": query.action or None,
        "since": query.since.isoformat() if query.since else None,
        "until": query.until.isoformat() if query.until else None,
    }
    return {k: str(v) for k, v in params.items() if v is not None}


class RemoteStaffClient(StaffSignIn):
    """StaffSignIn over HTTPS. ``transport`` lets tests serve the real app in-process (httpx.ASGITransport).
    One keep-alive connection pool, shared by the sessions it opens; ``aclose`` ends it."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        desk: Desk | None = None,
    ) -> None:
        self._desk = desk or Desk("", "")
        self._settings = settings
        self._bus: EventBus | None = None
        self._namespace = settings.redis_namespace
        # A pinned fingerprint is honoured; trust on first use is a device's (its pin is stored beside its key).
        fingerprint = (
            normalise_fingerprint(settings.server_cert_sha256) if settings.server_cert_sha256 else None
        )
        self._http = HttpLeg(
            settings.server_url,
            ca_file=settings.server_ca_file,
            transport=transport,
            pin=CertificatePin(fingerprint) if fingerprint else None,
        )

    async def __aenter__(self) -> RemoteStaffClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._bus is not None:
            bus, self._bus = self._bus, None
            await bus.close()
        await self._http.aclose()

    def _live_bus(self) -> EventBus:
        """Live hints from Redis as the devices' subscribe-only user (one connection for every session), in
        the namespace the server named at sign-in unless one is pinned; without Redis the watchers poll."""
        if self._bus is None:
            if self._settings.redis_url:
                from core.events.redis_bus import RedisBus  # redis only when configured (start-up time)

                self._bus = RedisBus(
                    redis_url_with_password(self._settings),
                    tls=self._settings.redis_tls,
                    namespace=self._settings.redis_namespace or self._namespace,
                    ca_file=self._settings.broker_ca_file,
                )
            else:
                self._bus = PausedBus()
        return self._bus

    def _desk_body(self) -> dict[str, str]:
        return {"device_id": self._desk.install_id, "device_name": self._desk.name}

    async def sign_in(self, email: str, password: str, *, remember: bool = False) -> RemoteStaffSession:
        body = {"email": email, "password": password, "remember": remember, **self._desk_body()}
        return self._session(await self._http.call("POST", "/v1/auth/sign-in", body=body, repeatable=False))

    async def sign_in_google(self, id_token: str, *, remember: bool = False) -> RemoteStaffSession:
        body = {"id_token": id_token, "remember": remember, **self._desk_body()}
        return self._session(await self._http.call("POST", "/v1/auth/google", body=body, repeatable=False))

    async def sign_in_remembered(self, remember_token: str) -> RemoteStaffSession:
        body = {"remember_token": remember_token, **self._desk_body()}
        return self._session(
            await self._http.call("POST", "/v1/auth/remembered", body=body, repeatable=False)
        )

    async def ready(self) -> int | None:
        """The server's readiness (its database answers through its pool); the staff count is not its to tell."""
        await self._http.call("GET", "/v1/health/ready", repeatable=True)
        return None

    def _session(self, response: httpx.Response) -> RemoteStaffSession:
        result = self._http.decode(response, SignInResult)
        if result.redis_namespace:
            self._namespace = result.redis_namespace
        return RemoteStaffSession(
            self._http,
            result.session_token,
            result.expires_at,
            result.staff,
            result.remember_token,
            _bus=self._live_bus,
            _resync_s=self._settings.live_resync_s,
        )


@dataclass(eq=False)
class RemoteStaffSession(StaffSession):
    """StaffSession over HTTPS: every call carries the session's token."""

    _http: HttpLeg = field(repr=False)
    _token: str = field(repr=False)
    expires_at: datetime
    """When the session lapses unless used before (the server slides it, up to a hard cap)."""
    _staff: StaffSummary
    _remember_token: str | None = field(default=None, repr=False)
    _bus: Callable[[], EventBus] = field(default=PausedBus, repr=False)
    _resync_s: float = 30.0
    _clock: Clock = field(default_factory=SystemClock, repr=False)

    @property
    def staff(self) -> StaffSummary:
        return self._staff

    @property
    def remember_token(self) -> str | None:
        return self._remember_token

    async def _call(self, method: str, path: str, *, body: Any = None, repeatable: bool) -> httpx.Response:
        return await self._http.call(method, path, body=body, token=self._token, repeatable=repeatable)

    async def me(self) -> StaffSummary:
        return self._http.decode(await self._call("GET", "/v1/me", repeatable=True), StaffSummary)

    async def sign_out(self) -> None:
        await self._call("POST", "/v1/auth/sign-out", repeatable=False)

    async def list_devices(self) -> list[Device]:
        return self._http.decode(await self._call("GET", "/v1/devices", repeatable=True), list[Device])

    async def approve_device(self, device_id: DeviceId) -> Device:
        response = await self._call("POST", f"/v1/devices/{int(device_id)}/approve", repeatable=False)
        return self._http.decode(response, Device)

    async def revoke_device(self, device_id: DeviceId, *, keep_tickets_valid: bool) -> Device:
        response = await self._call(
            "POST",
            f"/v1/devices/{int(device_id)}/revoke",
            body={"keep_tickets_valid": bool(keep_tickets_valid)},
            repeatable=False,
        )
        return self._http.decode(response, Device)

    async def rename_device(self, device_id: DeviceId, name: str) -> Device:
        response = await self._call(
            "POST", f"/v1/devices/{int(device_id)}/rename", body={"name": name}, repeatable=False
        )
        return self._http.decode(response, Device)

    async def list_staff(self) -> list[Staff]:
        return self._http.decode(await self._call("GET", "/v1/staff", repeatable=True), list[Staff])

    async def create_staff(
        self,
        *,
        email: str,
        display_name: str,
        role: Role,
        password: str | None = None,
        pin: str | None = None,
        staff_number: int | None = None,
    ) -> Staff:
        body = {
            "email": email,
            "display_name": display_name,
            "role": role,
            "password": password,
            "pin": pin,
            "staff_number": staff_number,
        }
        return self._http.decode(await self._call("POST", "/v1/staff", body=body, repeatable=False), Staff)

    async def _staff_change(self, staff_id: StaffId, what: str, body: dict[str, Any]) -> Staff:
        response = await self._call("POST", f"/v1/staff/{int(staff_id)}/{what}", body=body, repeatable=False)
        return self._http.decode(response, Staff)

    async def set_staff_role(self, staff_id: StaffId, role: Role) -> Staff:
        return await self._staff_change(staff_id, "role", {"role": role})

    async def set_staff_active(self, staff_id: StaffId, active: bool) -> Staff:
        return await self._staff_change(staff_id, "active", {"active": active})

    async def reset_staff_password(self, staff_id: StaffId, password: str) -> Staff:
        return await self._staff_change(staff_id, "password", {"password": password})

    async def set_staff_pin(self, staff_id: StaffId, pin: str) -> Staff:
        return await self._staff_change(staff_id, "pin", {"pin": pin})

    async def list_venues(self) -> list[Venue]:
        return self._http.decode(await self._call("GET", "/v1/venues", repeatable=True), list[Venue])

    async def create_venue(self, *, name: str, timezone: str) -> Venue:
        body = NewVenueRequest(name=name, timezone=timezone)
        return self._http.decode(await self._call("POST", "/v1/venues", body=body, repeatable=False), Venue)

    async def list_plans(self, venue_id: VenueId) -> list[SeatingPlan]:
        response = await self._call("GET", f"/v1/venues/{int(venue_id)}/plans", repeatable=True)
        return self._http.decode(response, list[SeatingPlan])

    async def create_plan_from_grid(
        self, venue_id: VenueId, *, name: str, sections: Sequence[GridSection]
    ) -> SeatingPlan:
        body = GridPlanRequest(name=name, sections=list(sections))
        response = await self._call(
            "POST", f"/v1/venues/{int(venue_id)}/plans/grid", body=body, repeatable=False
        )
        return self._http.decode(response, SeatingPlan)

    async def import_plan_csv(
        self, venue_id: VenueId, *, name: str, csv_text: str, source: str = "plan.csv"
    ) -> SeatingPlan:
        body = CsvPlanRequest(name=name, csv_text=csv_text, source=source)
        response = await self._call(
            "POST", f"/v1/venues/{int(venue_id)}/plans/csv", body=body, repeatable=False
        )
        return self._http.decode(response, SeatingPlan)

    async def get_plan_layout(self, plan_id: PlanId) -> PlanLayout:
        return self._http.decode(
            await self._call("GET", f"/v1/plans/{int(plan_id)}", repeatable=True), PlanLayout
        )

    async def mark_seats(
        self,
        plan_id: PlanId,
        seat_ids: Sequence[SeatId],
        mark: SeatMark,
        *,
        on: bool = True,
        reason: str = "",
    ) -> PlanLayout:
        body = MarkSeatsRequest(seat_ids=[int(i) for i in seat_ids], mark=mark, on=on, reason=reason)
        response = await self._call("POST", f"/v1/plans/{int(plan_id)}/marks", body=body, repeatable=False)
        return self._http.decode(response, PlanLayout)

    async def list_concerts(self) -> list[ConcertOverview]:
        response = await self._call("GET", "/v1/concerts", repeatable=True)
        return self._http.decode(response, list[ConcertOverview])

    async def create_concert(
        self, venue_id: VenueId, plan_id: PlanId, *, currency: str, details: ConcertDetails
    ) -> Concert:
        body = NewConcertRequest(
            venue_id=int(venue_id), plan_id=int(plan_id), currency=currency, details=details
        )
        return self._http.decode(
            await self._call("POST", "/v1/concerts", body=body, repeatable=False), Concert
        )

    async def update_concert(self, concert_id: ConcertId, details: ConcertDetails) -> Concert:
        response = await self._call("PUT", f"/v1/concerts/{int(concert_id)}", body=details, repeatable=False)
        return self._http.decode(response, Concert)

    async def put_on_sale(self, concert_id: ConcertId) -> Concert:
        return await self._concert_action(concert_id, "put-on-sale")

    async def close_sales(self, concert_id: ConcertId) -> Concert:
        return await self._concert_action(concert_id, "close-sales")

    async def cancel_concert(
        self, concert_id: ConcertId, *, reason: str, orders: int, tickets: int
    ) -> Concert:
        body = CancelConcertRequest(reason=reason, orders=orders, tickets=tickets)
        return await self._concert_action(concert_id, "cancel", body)

    async def _concert_action(self, concert_id: ConcertId, action: str, body: Any = None) -> Concert:
        response = await self._call(
            "POST", f"/v1/concerts/{int(concert_id)}/{action}", body=body, repeatable=False
        )
        return self._http.decode(response, Concert)

    async def search_audit(
        self, query: AuditQuery, *, before: int | None = None, limit: int = 50
    ) -> AuditPage:
        params = _audit_params(query) | {"limit": str(int(limit))}
        if before is not None:
            params["before"] = str(int(before))
        response = await self._http.call(
            "GET", "/v1/audit", params=params, token=self._token, repeatable=True
        )
        return self._http.decode(response, AuditPage)

    @asynccontextmanager
    async def export_audit(self, query: AuditQuery) -> AsyncIterator[ExportStream]:
        async with self._http.stream(
            "/v1/audit/export", params=_audit_params(query), token=self._token
        ) as got:
            yield RemoteExport(got)

    @asynccontextmanager
    async def export_concert(self, concert_id: ConcertId, kind: ExportKind) -> AsyncIterator[ExportStream]:
        path = f"/v1/concerts/{int(concert_id)}/exports/{ExportKind(kind).value}"
        async with self._http.stream(path, token=self._token) as got:
            yield RemoteExport(got)

    async def sales_report_pdf(self, concert_id: ConcertId) -> bytes:
        response = await self._call("GET", f"/v1/concerts/{int(concert_id)}/sales-report", repeatable=True)
        if not response.content.startswith(b"%PDF-"):
            raise server_unreachable("an answer that is not a PDF")
        return response.content

    async def list_current_concerts(self) -> list[ConcertSummary]:
        response = await self._call("GET", "/v1/dashboard/concerts", repeatable=True)
        return self._http.decode(response, list[ConcertSummary])

    async def _places(self, concert_id: ConcertId) -> SeatMap:
        response = await self._call(
            "GET", f"/v1/dashboard/concerts/{int(concert_id)}/places", repeatable=True
        )
        return self._http.decode(response, SeatMap)

    def watch_concert(self, concert_id: ConcertId) -> AsyncIterator[AvailabilityView]:
        """Live hints from Redis (subscribe-only), the truth from the server's API; without Redis it polls."""
        return watch_availability(self._bus(), self._places, self._clock, concert_id, resync_s=self._resync_s)

    async def sales_over_time(self, concert_id: ConcertId) -> SalesSeries:
        response = await self._call("GET", f"/v1/dashboard/concerts/{int(concert_id)}/sales", repeatable=True)
        return self._http.decode(response, SalesSeries)

    async def checkin_activity(self, concert_id: ConcertId, *, minutes: int = 30) -> CheckinActivity:
        response = await self._http.call(
            "GET",
            f"/v1/dashboard/concerts/{int(concert_id)}/checkins",
            params={"minutes": str(minutes)},
            token=self._token,
            repeatable=True,
        )
        return self._http.decode(response, CheckinActivity)

    async def device_health(self) -> list[DeviceStatusRow]:
        response = await self._call("GET", "/v1/dashboard/devices", repeatable=True)
        return self._http.decode(response, list[DeviceStatusRow])

    async def list_checkin_conflicts(self, concert_id: ConcertId | None = None) -> list[CheckinConflict]:
        params = None if concert_id is None else {"concert_id": str(int(concert_id))}
        response = await self._http.call(
            "GET", "/v1/checkin-conflicts", params=params, token=self._token, repeatable=True
        )
        return self._http.decode(response, list[CheckinConflict])

    async def resolve_checkin_conflict(
        self, conflict_id: int, resolution: ConflictResolution, note: str = ""
    ) -> None:
        body = ResolveConflictRequest(resolution=resolution, note=note)
        await self._call(
            "POST", f"/v1/checkin-conflicts/{int(conflict_id)}/resolve", body=body, repeatable=False
        )

    def _order_path(self, code: str, action: str = "") -> str:
        # Whatever was typed goes into one path segment; a character no code has (a slash would be decoded into
        # another path) becomes '_', so the server answers order_code_invalid, as the in-process client does.
        segment = re.sub(r"[^A-Za-z0-9 -]", "_", code.strip()) or "-"
        return f"/v1/orders/{quote(segment, safe='')}" + (f"/{action}" if action else "")

    async def search_orders(self, query: OrderQuery) -> OrderPage:
        response = await self._call("POST", "/v1/orders/search", body=query, repeatable=True)
        return self._http.decode(response, OrderPage)

    async def get_order(self, code: str) -> OrderDetails:
        return self._http.decode(
            await self._call("GET", self._order_path(code), repeatable=True), OrderDetails
        )

    async def refund_order(
        self, code: str, *, reason: str, ticket_ids: Sequence[int] | None = None
    ) -> OrderDetails:
        body = RefundRequest(reason=reason, ticket_ids=None if ticket_ids is None else list(ticket_ids))
        response = await self._call("POST", self._order_path(code, "refund"), body=body, repeatable=False)
        return self._http.decode(response, OrderDetails)

    async def reprint_order(self, code: str, layout: Layout = Layout.A4) -> bytes:
        body = ReprintRequest(layout=layout)
        response = await self._call("POST", self._order_path(code, "reprint"), body=body, repeatable=False)
        return response.content

    async def resend_order_mail(self, code: str, *, to: str = "") -> OrderDetails:
        body = ResendRequest(to=to)
        response = await self._call("POST", self._order_path(code, "resend"), body=body, repeatable=False)
        return self._http.decode(response, OrderDetails)
