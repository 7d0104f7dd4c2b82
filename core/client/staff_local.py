"""LocalStaffClient: the admin app's StaffSignIn over core's services in this process (the embedded demo).

The in-process twin of RemoteStaffClient: it signs in the way the server does (the same lock-out, the same
Google check, a real session) and every call of its session resolves that session first, so a signed-out or
deactivated account is refused here exactly as over HTTPS.
"""

from __future__ import annotations

import contextlib
import getpass
import platform
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType

from core.client.protocol import ExportStream, StaffSession, StaffSignIn
from core.client.staff_keyring import Desk
from core.config import Settings
from core.db import staff as staff_db
from core.domain.api_bodies import StaffSummary
from core.domain.catalog import ConcertSummary, SeatMap
from core.domain.clock import Clock
from core.domain.concert_bodies import ConcertDetails, ConcertOverview
from core.domain.concerts import Concert
from core.domain.dashboard import CheckinActivity, ConflictResolution, DeviceStatusRow, SalesSeries
from core.domain.devices import Device
from core.domain.door import CheckinConflict
from core.domain.ids import ConcertId, DeviceId, PlanId, SeatId, StaffId, VenueId
from core.domain.live import AvailabilityView
from core.domain.order_desk import OrderDetails, OrderPage, OrderQuery
from core.domain.plan_spec import GridSection
from core.domain.reports import AuditPage, AuditQuery, ExportKind
from core.domain.staff import Role, SessionToken, Staff, StaffActor
from core.domain.tickets import Layout
from core.domain.venues import PlanLayout, SeatingPlan, SeatMark, Venue
from core.events.watch import watch_availability
from core.services import (
    ServiceContext,
    concert_admin,
    concerts,
    dashboard,
    devices,
    door,
    google_sign_in,
    order_desk,
    reports,
    sessions,
    staff,
    venues,
)
from core.services.staff_devices import SignInDevice

__all__ = ["LocalStaffClient", "LocalStaffSession"]


class LocalStaffClient(StaffSignIn):
    """``async with LocalStaffClient(settings)`` opens a ServiceContext; ``LocalStaffClient.over(ctx)`` borrows
    an open one (tests) and does not close it."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None, desk: Desk | None = None) -> None:
        self._settings = settings
        self._desk = desk or Desk("", "")
        self._clock = clock
        self._ctx: ServiceContext | None = None
        self._stack: contextlib.AsyncExitStack | None = None

    @classmethod
    def over(cls, ctx: ServiceContext, *, desk: Desk | None = None) -> LocalStaffClient:
        client = cls(ctx.settings, clock=ctx.clock, desk=desk)
        client._ctx = ctx
        return client

    async def __aenter__(self) -> LocalStaffClient:
        if self._ctx is None:
            stack = contextlib.AsyncExitStack()
            self._ctx = await stack.enter_async_context(
                ServiceContext.open(self._settings, clock=self._clock)
            )
            self._stack = stack
        return self

    async def __aexit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._stack is not None:
            stack, self._stack = self._stack, None
            self._ctx = None
            await stack.aclose()

    @property
    def ctx(self) -> ServiceContext:
        if self._ctx is None:
            raise RuntimeError("open the LocalStaffClient first: async with LocalStaffClient(settings)")
        return self._ctx

    async def sign_in(self, email: str, password: str, *, remember: bool = False) -> LocalStaffSession:
        actor = await staff.sign_in(self.ctx, email=email, password=password)
        return await self._open(actor, "password", remember)

    async def sign_in_google(self, id_token: str, *, remember: bool = False) -> LocalStaffSession:
        return await self._open(await google_sign_in.sign_in_google(self.ctx, id_token), "google", remember)

    async def sign_in_remembered(self, remember_token: str) -> LocalStaffSession:
        actor, session = await sessions.open_remembered(
            self.ctx, remember_token, note=self._note(), device=self._device("remembered")
        )
        return await self._session(actor, session)

    async def ready(self) -> int | None:
        return await self.ctx.db.read(staff_db.count_active)

    def _note(self) -> str:
        return f"in-process {getpass.getuser()}@{platform.node()}"

    def _device(self, method: str) -> SignInDevice:
        return SignInDevice(self._desk.install_id, self._desk.name, method)

    async def _open(self, actor: StaffActor, method: str, remember: bool) -> LocalStaffSession:
        session = await sessions.open_session(
            self.ctx, actor, note=self._note(), device=self._device(method), remember=remember
        )
        return await self._session(actor, session)

    async def _session(self, actor: StaffActor, session: SessionToken) -> LocalStaffSession:
        member = await staff.get_own_account(self.ctx, actor)
        return LocalStaffSession(
            self.ctx, session.token, session.expires_at, StaffSummary.of(member), session.remember_token
        )


@dataclass(eq=False)
class LocalStaffSession(StaffSession):
    """StaffSession in process: each call resolves the session token first, as the server does."""

    _ctx: ServiceContext = field(repr=False)
    _token: str = field(repr=False)
    expires_at: datetime
    _staff: StaffSummary
    _remember_token: str | None = field(default=None, repr=False)

    @property
    def staff(self) -> StaffSummary:
        return self._staff

    @property
    def remember_token(self) -> str | None:
        return self._remember_token

    async def _who(self) -> StaffActor:
        return await sessions.resolve_session(self._ctx, self._token)

    async def me(self) -> StaffSummary:
        return StaffSummary.of(await staff.get_own_account(self._ctx, await self._who()))

    async def sign_out(self) -> None:
        await sessions.close_session(self._ctx, self._token)

    async def list_devices(self) -> list[Device]:
        return list(await devices.list_devices(self._ctx, await self._who()))

    async def approve_device(self, device_id: DeviceId) -> Device:
        return await devices.approve_device(self._ctx, await self._who(), device_id)

    async def revoke_device(self, device_id: DeviceId, *, keep_tickets_valid: bool) -> Device:
        return await devices.revoke_device(
            self._ctx, await self._who(), device_id, keep_tickets_valid=keep_tickets_valid
        )

    async def rename_device(self, device_id: DeviceId, name: str) -> Device:
        return await devices.rename_device(self._ctx, await self._who(), device_id, name)

    async def list_staff(self) -> list[Staff]:
        return list(await staff.list_staff(self._ctx, await self._who()))

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
        return await staff.create_staff(
            self._ctx,
            await self._who(),
            email=email,
            display_name=display_name,
            role=role,
            password=password,
            pin=pin,
            staff_number=staff_number,
        )

    async def set_staff_role(self, staff_id: StaffId, role: Role) -> Staff:
        return await staff.set_staff_role(self._ctx, await self._who(), staff_id, role)

    async def set_staff_active(self, staff_id: StaffId, active: bool) -> Staff:
        return await staff.set_staff_active(self._ctx, await self._who(), staff_id, active)

    async def reset_staff_password(self, staff_id: StaffId, password: str) -> Staff:
        return await staff.reset_staff_password(self._ctx, await self._who(), staff_id, password)

    async def set_staff_pin(self, staff_id: StaffId, pin: str) -> Staff:
        return await staff.set_pin(self._ctx, await self._who(), staff_id, pin)

    async def list_venues(self) -> list[Venue]:
        return list(await venues.list_venues(self._ctx, await self._who()))

    async def create_venue(self, *, name: str, timezone: str) -> Venue:
        return await venues.create_venue(self._ctx, await self._who(), name=name, timezone=timezone)

    async def list_plans(self, venue_id: VenueId) -> list[SeatingPlan]:
        return list(await venues.list_plans(self._ctx, await self._who(), venue_id))

    async def create_plan_from_grid(
        self, venue_id: VenueId, *, name: str, sections: Sequence[GridSection]
    ) -> SeatingPlan:
        return await venues.create_plan_from_grid(
            self._ctx, await self._who(), venue_id, name=name, sections=sections
        )

    async def import_plan_csv(
        self, venue_id: VenueId, *, name: str, csv_text: str, source: str = "plan.csv"
    ) -> SeatingPlan:
        return await venues.import_plan_csv(
            self._ctx, await self._who(), venue_id, name=name, csv_text=csv_text, source=source
        )

    async def get_plan_layout(self, plan_id: PlanId) -> PlanLayout:
        return await venues.get_plan_layout(self._ctx, await self._who(), plan_id)

    async def mark_seats(
        self,
        plan_id: PlanId,
        seat_ids: Sequence[SeatId],
        mark: SeatMark,
        *,
        on: bool = True,
        reason: str = "",
    ) -> PlanLayout:
        return await venues.mark_seats(
            self._ctx, await self._who(), plan_id, seat_ids, mark, on=on, reason=reason
        )

    async def list_concerts(self) -> list[ConcertOverview]:
        return await concert_admin.list_concerts(self._ctx, await self._who())

    async def create_concert(
        self, venue_id: VenueId, plan_id: PlanId, *, currency: str, details: ConcertDetails
    ) -> Concert:
        return await concert_admin.create_concert(
            self._ctx, await self._who(), venue_id, plan_id, currency, details
        )

    async def update_concert(self, concert_id: ConcertId, details: ConcertDetails) -> Concert:
        return await concert_admin.update_concert(self._ctx, await self._who(), concert_id, details)

    async def put_on_sale(self, concert_id: ConcertId) -> Concert:
        return await concerts.put_on_sale(self._ctx, await self._who(), concert_id)

    async def close_sales(self, concert_id: ConcertId) -> Concert:
        return await concerts.close_sales(self._ctx, await self._who(), concert_id)

    async def cancel_concert(
        self, concert_id: ConcertId, *, reason: str, orders: int, tickets: int
    ) -> Concert:
        return await concert_admin.cancel_concert_refunding(
            self._ctx,
            await self._who(),
            concert_id,
            reason=reason,
            expect_orders=orders,
            expect_tickets=tickets,
        )

    async def search_audit(
        self, query: AuditQuery, *, before: int | None = None, limit: int = 50
    ) -> AuditPage:
        return await reports.search_audit(self._ctx, await self._who(), query, before=before, limit=limit)

    @asynccontextmanager
    async def export_audit(self, query: AuditQuery) -> AsyncIterator[ExportStream]:
        yield await reports.open_audit_export(self._ctx, await self._who(), query)

    @asynccontextmanager
    async def export_concert(self, concert_id: ConcertId, kind: ExportKind) -> AsyncIterator[ExportStream]:
        yield await reports.open_concert_export(self._ctx, await self._who(), concert_id, kind)

    async def sales_report_pdf(self, concert_id: ConcertId) -> bytes:
        return await reports.sales_report_pdf(self._ctx, await self._who(), concert_id)

    async def list_current_concerts(self) -> list[ConcertSummary]:
        return await dashboard.list_current_concerts(self._ctx, await self._who())

    def watch_concert(self, concert_id: ConcertId) -> AsyncIterator[AvailabilityView]:
        async def load(chosen: ConcertId) -> SeatMap:
            return await dashboard.get_places(self._ctx, await self._who(), chosen)

        ctx = self._ctx
        return watch_availability(ctx.bus, load, ctx.clock, concert_id, resync_s=ctx.settings.live_resync_s)

    async def sales_over_time(self, concert_id: ConcertId) -> SalesSeries:
        return await dashboard.sales_over_time(self._ctx, await self._who(), concert_id)

    async def checkin_activity(self, concert_id: ConcertId, *, minutes: int = 30) -> CheckinActivity:
        return await dashboard.checkin_activity(self._ctx, await self._who(), concert_id, minutes=minutes)

    async def device_health(self) -> list[DeviceStatusRow]:
        return await dashboard.device_health(self._ctx, await self._who())

    async def list_checkin_conflicts(self, concert_id: ConcertId | None = None) -> list[CheckinConflict]:
        return await door.list_conflicts(self._ctx, await self._who(), concert_id)

    async def resolve_checkin_conflict(
        self, conflict_id: int, resolution: ConflictResolution, note: str = ""
    ) -> None:
        await dashboard.resolve_conflict(self._ctx, await self._who(), conflict_id, resolution, note)

    async def search_orders(self, query: OrderQuery) -> OrderPage:
        return await order_desk.search_orders(self._ctx, await self._who(), query)

    async def get_order(self, code: str) -> OrderDetails:
        return await order_desk.order_details(self._ctx, await self._who(), code)

    async def refund_order(
        self, code: str, *, reason: str, ticket_ids: Sequence[int] | None = None
    ) -> OrderDetails:
        return await order_desk.refund_order(
            self._ctx, await self._who(), code, reason=reason, ticket_ids=ticket_ids
        )

    async def reprint_order(self, code: str, layout: Layout = Layout.A4) -> bytes:
        return await order_desk.reprint_order(self._ctx, await self._who(), code, layout)

    async def resend_order_mail(self, code: str, *, to: str = "") -> OrderDetails:
        return await order_desk.resend_order_mail(self._ctx, await self._who(), code, to=to)
