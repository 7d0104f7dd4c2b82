"""LocalClient: the DeviceClient over core's services in this process (the embedded mode, ``make run``).

It finds this machine's device by its key exactly as the server would and keeps the actor it derives itself;
the app never names one. In this mode it also sends the queued ticket mail (a server does that in remote mode,
so kiosks there hold no mail credentials).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from core.client.protocol import DeviceClient, DoorLink, Enrolment, HealthSink
from core.config import Settings
from core.domain.catalog import Availability, ConcertSummary, SeatMap
from core.domain.clock import Clock
from core.domain.devices import Device, DeviceKind
from core.domain.door import DoorSnapshot, OfflineAdmit, Replay
from core.domain.errors import DeviceNotApproved, EncoreError
from core.domain.holds import Hold
from core.domain.ids import ConcertId, HoldId, PlaceId, SectionId, TicketId
from core.domain.live import AvailabilityView
from core.domain.orders import Order
from core.domain.payments import PaymentInput
from core.domain.scans import ScanOutcome
from core.domain.staff import Actor, DeviceActor
from core.domain.tickets import Layout
from core.mail.protocol import Mailer
from core.services import (
    ServiceContext,
    adapters,
    catalog,
    checkin,
    devices,
    door,
    health,
    live,
    mail,
    payments,
    purchase,
    sales,
    staff,
    tickets,
)

if TYPE_CHECKING:
    from core.client.door_station import DoorStation

__all__ = ["MAIL_EVERY_S", "LocalClient", "LocalDoorLink"]

log = logging.getLogger(__name__)

MAIL_EVERY_S = 30.0
"""How often queued ticket mail is sent in the embedded mode."""


class LocalDoorLink:
    """A door's online side (DoorLink) over core's services, acting as ``actor``."""

    def __init__(self, ctx: ServiceContext, actor: Actor) -> None:
        self._ctx = ctx
        self._actor = actor

    async def scan(self, concert_id: ConcertId, gate: str, text: str, direction: str) -> ScanOutcome:
        return await checkin.scan_ticket(
            self._ctx, self._actor, text, concert_id=concert_id, gate=gate, direction=direction
        )

    async def snapshot(self, concert_id: ConcertId) -> DoorSnapshot:
        return await door.download_snapshot(self._ctx, self._actor, concert_id)

    async def replay(self, admits: Sequence[OfflineAdmit]) -> list[Replay]:
        return await door.replay_offline_admits(self._ctx, self._actor, admits)


class LocalClient:
    """``async with LocalClient(settings) as client:`` opens a ServiceContext (and, in the embedded mode, the
    mail loop when a mail relay is configured); ``LocalClient.over(ctx)`` borrows an open one (tests, tools)
    and sends no mail."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        send_mail: bool = True,
        mail_every_s: float = MAIL_EVERY_S,
        mailer: Mailer | None = None,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._send_mail = send_mail
        self._mail_every_s = mail_every_s
        self._mailer = mailer  # else the one the settings configure
        self._ctx: ServiceContext | None = None
        self._stack: contextlib.AsyncExitStack | None = None
        self._actor: Actor | None = None
        self._device: Device | None = None
        self._mail_task: asyncio.Task[None] | None = None
        self._mail_stop = asyncio.Event()

    @classmethod
    def over(cls, ctx: ServiceContext, *, actor: Actor | None = None) -> LocalClient:
        """A client on a context opened elsewhere (which it does not close), acting as ``actor`` until
        ``enrol`` finds this machine's device: tests and tools in this process, never a device's app."""
        client = cls(ctx.settings, clock=ctx.clock, send_mail=False)
        client._ctx = ctx
        client._actor = actor
        return client

    async def __aenter__(self) -> LocalClient:
        if self._ctx is None:
            stack = contextlib.AsyncExitStack()
            self._ctx = await stack.enter_async_context(
                ServiceContext.open(self._settings, clock=self._clock)
            )
            self._stack = stack
            # Only the embedded mode sends mail from here; with a server database the scheduler sends it
            # (`encore-ops scheduler`), so devices hold no SMTP credentials.
            if self._send_mail and self._settings.is_embedded:
                await self._start_mail()
        return self

    async def __aexit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._mail_task is not None:
            task, self._mail_task = self._mail_task, None
            # The stop signal ends the loop even if a library swallows the cancel (as asyncio.wait_for does
            # on Python 3.11); the cancel only cuts a slow relay short.
            self._mail_stop.set()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if self._stack is not None:
            stack, self._stack = self._stack, None
            self._ctx = None
            await stack.aclose()

    @property
    def ctx(self) -> ServiceContext:
        if self._ctx is None:
            raise RuntimeError("open the LocalClient first: async with LocalClient(settings) as client")
        return self._ctx

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    def _acting(self) -> Actor:
        if self._actor is None:
            raise DeviceNotApproved(
                "This device is not approved yet (or was revoked). Ask a manager to approve it in the admin app "
                "under Devices."
            )
        return self._actor

    # --- identity ---------------------------------------------------------------------------------------

    async def enrol(self, kind: DeviceKind, name: str) -> Enrolment:
        found = await devices.enrol_this_device(self.ctx, kind=kind, name=name)
        self._device, self._actor = found.device, found.actor
        terminal = None
        if kind is DeviceKind.KIOSK and found.actor is not None:
            terminal = payments.open_terminal(self.ctx).kind
        return Enrolment(
            found.device, found.fingerprint, found.actor is not None, terminal, self.ctx.settings.demo_mode
        )

    # --- catalogue --------------------------------------------------------------------------------------

    async def list_on_sale(self) -> list[ConcertSummary]:
        return await catalog.list_on_sale(self.ctx)

    async def list_door_concerts(self) -> list[ConcertSummary]:
        return await catalog.list_door_concerts(self.ctx)

    async def get_seat_map(self, concert_id: ConcertId) -> SeatMap:
        return await catalog.get_seat_map(self.ctx, concert_id)

    async def get_availability(self, concert_id: ConcertId) -> Availability:
        return await catalog.get_availability(self.ctx, concert_id)

    def watch_concert(self, concert_id: ConcertId) -> AsyncIterator[AvailabilityView]:
        return live.watch_concert(self.ctx, concert_id)

    # --- selling ----------------------------------------------------------------------------------------

    async def hold_places(
        self, concert_id: ConcertId, place_ids: Sequence[PlaceId], *, request_key: str
    ) -> Hold:
        return await sales.hold_places(
            self.ctx, self._acting(), concert_id, place_ids, request_key=request_key
        )

    async def hold_best_available(
        self, concert_id: ConcertId, section_id: SectionId, quantity: int, *, request_key: str
    ) -> Hold:
        return await sales.hold_best_available(
            self.ctx, self._acting(), concert_id, section_id, quantity, request_key=request_key
        )

    async def hold_standing(
        self, concert_id: ConcertId, section_id: SectionId, quantity: int, *, request_key: str
    ) -> Hold:
        return await sales.hold_standing(
            self.ctx, self._acting(), concert_id, section_id, quantity, request_key=request_key
        )

    async def extend_hold(self, hold_id: HoldId) -> Hold:
        return await sales.extend_hold(self.ctx, self._acting(), hold_id)

    async def release_hold(self, hold_id: HoldId) -> None:
        await sales.release_hold(self.ctx, self._acting(), hold_id)

    async def pay_and_checkout(
        self,
        hold_id: HoldId,
        payment: PaymentInput,
        *,
        idempotency_key: str,
        buyer_email: str | None = None,
        language: str = "en",
    ) -> Order:
        return await purchase.pay_and_checkout(
            self.ctx,
            self._acting(),
            hold_id,
            payment,
            idempotency_key=idempotency_key,
            buyer_email=buyer_email,
            language=language,
        )

    async def render_order(self, order_code: str, layout: Layout) -> bytes:
        return await tickets.render_order(self.ctx, self._acting(), order_code, layout)

    async def record_print(self, ticket_ids: Sequence[TicketId], *, ok: bool, reason: str = "") -> None:
        await tickets.record_print(self.ctx, self._acting(), ticket_ids, ok=ok, reason=reason)

    async def unlock_with_pin(self, staff_number: int, pin: str) -> str:
        return (await staff.unlock_with_pin(self.ctx, self._acting(), staff_number, pin)).name

    # --- the door ---------------------------------------------------------------------------------------

    async def open_door_station(
        self,
        concert_id: ConcertId,
        gate: str,
        local_path: Path | str,
        *,
        online_timeout_s: float = 2.5,
        probe_interval: timedelta = timedelta(seconds=10),
    ) -> DoorStation:
        from core.client.door_station import DoorStation  # door mode only: sales kiosks start without it

        link = LocalDoorLink(self.ctx, self._acting())
        return DoorStation(
            link,
            self.ctx.clock,
            concert_id,
            gate,
            local_path,
            online_timeout_s=online_timeout_s,
            probe_interval=probe_interval,
            max_snapshot_age=timedelta(seconds=self.ctx.settings.door_snapshot_max_age_s),
        )

    async def undo_last_admit(self) -> ScanOutcome:
        return await checkin.undo_last_admit(self.ctx, self._acting())

    # --- health and mail --------------------------------------------------------------------------------

    async def open_health_sink(self) -> HealthSink | None:
        actor = self._acting()
        if not isinstance(actor, DeviceActor):
            raise DeviceNotApproved("Only an enrolled device reports its health.")
        return await health.open_health_reporter(self.ctx, actor.device_id)

    async def _start_mail(self) -> None:
        mailer = self._mailer or await adapters.open_mailer(self.ctx.settings)
        if mailer is not None:
            self._mail_stop = asyncio.Event()
            self._mail_task = asyncio.create_task(self._mail_loop(mailer), name="ticket-mail")

    async def _mail_loop(self, mailer: Mailer) -> None:
        """One mail at a time, the stop signal checked before each, so closing never waits for more than the
        mail in hand (each is bounded in time), whether or not the cancel reached us."""
        while not self._mail_stop.is_set():
            try:
                run = await mail.send_due_mail(self.ctx, mailer, limit=1)
                if run.sent or run.retry_later or run.failed:
                    continue  # more may be due now
            except EncoreError as error:
                log.warning("ticket mail not sent now (%s); trying again later", error.code)
            except Exception:
                # The loop is the only sender in this mode: it must outlive a surprise.
                log.exception("ticket mail failed unexpectedly; trying again later")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._mail_every_s):
                    await self._mail_stop.wait()


if TYPE_CHECKING:  # mypy holds the in-process implementations to the interfaces the apps code against

    def _is_device_client(client: LocalClient) -> DeviceClient:
        return client

    def _is_door_link(link: LocalDoorLink) -> DoorLink:
        return link
