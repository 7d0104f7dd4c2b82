"""What the kiosk, the door and (next) the admin app call: one interface, in-process or over HTTPS.

Two implementations keep the same contract:

- ``LocalClient`` (core/client/local.py) runs core's services in this process: the embedded SQLite mode of a
  laptop with no server (``make run``). It finds this machine's device by its key, exactly as the server would.
- ``RemoteClient`` (core/client/remote.py) talks to ``encore-server`` over HTTPS with httpx. The device proves
  who it is by signing the server's challenge with its Ed25519 key and gets a short-lived token; it never holds
  a database credential and never names an actor: the server derives the actor from the token.

Both raise the same ``EncoreError`` classes with the same codes (the server sends them as RFC 9457 problem
details and the remote client raises them again). A server that cannot be reached is ``StorageUnavailable``
(code ``server_unreachable``): for the apps it is the same fault as a database that cannot be reached.

No method takes an actor. No method returns a secret: a ticket's QR code is only ever inside a PDF of an order
this device may print.

Staff at an admin desktop sign in with e-mail and password instead (``StaffSignIn``) and get a ``StaffSession``
that acts as them: the server checks their role on every call. ``RemoteStaffClient``
(core/client/staff_remote.py) implements both over HTTPS.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from core.domain.catalog import Availability, ConcertSummary, SeatMap
from core.domain.clock import Clock
from core.domain.concert_bodies import ConcertDetails, ConcertOverview
from core.domain.concerts import Concert
from core.domain.dashboard import CheckinActivity, ConflictResolution, DeviceStatusRow, SalesSeries
from core.domain.devices import Device, DeviceKind
from core.domain.door import CheckinConflict, DoorSnapshot, OfflineAdmit, Replay
from core.domain.health import DeviceHealth
from core.domain.holds import Hold
from core.domain.ids import (
    ConcertId,
    DeviceId,
    HoldId,
    PlaceId,
    PlanId,
    SeatId,
    SectionId,
    StaffId,
    TicketId,
    VenueId,
)
from core.domain.live import AvailabilityView
from core.domain.order_desk import OrderDetails, OrderPage, OrderQuery
from core.domain.orders import Order
from core.domain.payments import PaymentInput, TerminalKind
from core.domain.plan_spec import GridSection
from core.domain.reports import AuditPage, AuditQuery, ExportKind
from core.domain.scans import ScanOutcome
from core.domain.staff import Role, Staff
from core.domain.tickets import Layout
from core.domain.venues import PlanLayout, SeatingPlan, SeatMark, Venue

if TYPE_CHECKING:  # annotations only: neither is needed to start a kiosk (start-up time)
    from core.client.door_station import DoorStation
    from core.domain.api_bodies import StaffSummary

__all__ = [
    "DeviceClient",
    "DoorLink",
    "Enrolment",
    "ExportStream",
    "HealthSink",
    "StaffSession",
    "StaffSignIn",
]


@dataclass(frozen=True, slots=True)
class Enrolment:
    """Where this machine stands with Encore.

    ``approved`` is False while a manager has not approved the device (and again once it is revoked): the app
    shows the fingerprint for the manager to compare and asks again later.
    """

    device: Device
    fingerprint: str
    """The device key's fingerprint, as the admin app shows it next to the pending device."""
    approved: bool
    terminal: TerminalKind | None
    """How this kiosk takes payment (decided by the server, never by the device); None for a door."""
    demo: bool
    """The database is the demo one: everything sold is a DEMO ticket."""


class HealthSink(Protocol):
    """Where a device reports its own health (MQTT through the broker's ACL, or nowhere)."""

    async def report(self, health: DeviceHealth) -> bool: ...

    async def aclose(self) -> None: ...


class DeviceClient(Protocol):
    """A kiosk's or a door's connection to Encore. Call ``enrol`` first; every other call needs an approved
    device and raises ``DeviceNotApproved`` once it is revoked."""

    @property
    def clock(self) -> Clock:
        """Encore's time (the database's or the server's), for countdowns: a hold lapses by the server's clock,
        not by this machine's."""
        ...

    # --- identity ---------------------------------------------------------------------------------------

    async def enrol(self, kind: DeviceKind, name: str) -> Enrolment:
        """Register this machine's key (pending) the first time; later find it. Cheap to call again while
        waiting for approval."""
        ...

    # --- catalogue (kiosk and door) ---------------------------------------------------------------------

    async def list_on_sale(self) -> list[ConcertSummary]: ...

    async def list_door_concerts(self) -> list[ConcertSummary]:
        """The door's chooser: tonight's concerts first, then the next ones, by doors time, whatever their
        sales state (sales close before the doors open)."""
        ...

    async def get_seat_map(self, concert_id: ConcertId) -> SeatMap: ...

    async def get_availability(self, concert_id: ConcertId) -> Availability: ...

    def watch_concert(self, concert_id: ConcertId) -> AsyncIterator[AvailabilityView]:
        """Availability as it changes: a snapshot first, then one per change (live events, or polling while
        they are paused). Ends only when the consumer stops iterating."""
        ...

    # --- selling (kiosk) --------------------------------------------------------------------------------

    async def hold_places(
        self, concert_id: ConcertId, place_ids: Sequence[PlaceId], *, request_key: str
    ) -> Hold: ...

    async def hold_best_available(
        self, concert_id: ConcertId, section_id: SectionId, quantity: int, *, request_key: str
    ) -> Hold: ...

    async def hold_standing(
        self, concert_id: ConcertId, section_id: SectionId, quantity: int, *, request_key: str
    ) -> Hold: ...

    async def extend_hold(self, hold_id: HoldId) -> Hold: ...

    async def release_hold(self, hold_id: HoldId) -> None: ...

    async def pay_and_checkout(
        self,
        hold_id: HoldId,
        payment: PaymentInput,
        *,
        idempotency_key: str,
        buyer_email: str | None = None,
        language: str = "en",
    ) -> Order:
        """Take the payment on the server (a staff PIN, or the demo card on a demo database) and turn the hold
        into an order, in one call. The same key returns the same order (a retry after a lost reply never
        charges or sells twice). A refusal after the charge voids it on the server (audited for staff). The
        tickets print in ``language``, the buyer's."""
        ...

    async def render_order(self, order_code: str, layout: Layout) -> bytes:
        """The order's tickets as one PDF (a kiosk may print its own orders for a while after the sale)."""
        ...

    async def record_print(self, ticket_ids: Sequence[TicketId], *, ok: bool, reason: str = "") -> None: ...

    async def unlock_with_pin(self, staff_number: int, pin: str) -> str:
        """A staff member leaves the locked-down kiosk: their staff number and PIN, checked on the server (one
        account's PIN; wrong PINs lock the device and the staff number). Returns their name."""
        ...

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
        """One gate of one concert: online check-in through this client (the guest waits at most
        ``online_timeout_s``), offline by signature from the snapshot kept in ``local_path``, the server asked
        again at most every ``probe_interval`` while offline. Close it with ``aclose``."""
        ...

    async def undo_last_admit(self) -> ScanOutcome: ...

    # --- health and shutdown ----------------------------------------------------------------------------

    async def open_health_sink(self) -> HealthSink | None:
        """None when the venue has no MQTT broker configured."""
        ...

    async def aclose(self) -> None: ...


class DoorLink(Protocol):
    """What a door station needs online; the client implements it, locally over services or over HTTPS."""

    async def scan(self, concert_id: ConcertId, gate: str, text: str, direction: str) -> ScanOutcome:
        """The online check-in (checkin.scan_ticket): every answer is a ScanOutcome; StorageUnavailable (or a
        TimeoutError) means offline."""
        ...

    async def snapshot(self, concert_id: ConcertId) -> DoorSnapshot:
        """The offline snapshot (door.download_snapshot): public keys, void list, valid tickets."""
        ...

    async def replay(self, admits: Sequence[OfflineAdmit]) -> list[Replay]:
        """Record offline admits on the server (door.replay_offline_admits), at most door.MAX_REPLAY at a
        time, in scan-time order; one Replay per admit, in the same order."""
        ...


class StaffSession(Protocol):
    """A signed-in staff member's connection (the admin app). Every call acts as them, with their role as it is
    now on the server; a refused call changes nothing. Once the session has ended (signed out, idle too long,
    a long shift, or the account deactivated) every call raises ``SessionInvalid``: sign in again."""

    @property
    def staff(self) -> StaffSummary:
        """Who signed in, as they were then (``me`` asks again)."""
        ...

    @property
    def remember_token(self) -> str | None:
        """With remember: the token that opens the next session on this desktop once (keep it in the OS
        keyring: core.client.staff_keyring). None otherwise."""
        ...

    async def me(self) -> StaffSummary: ...

    async def sign_out(self) -> None:
        """End the session on the server: its token stops working at once."""
        ...

    async def list_devices(self) -> list[Device]:
        """Every device, pending, approved or revoked (managers and admins)."""
        ...

    async def approve_device(self, device_id: DeviceId) -> Device:
        """A pending device may sell or check in from now on (compare its key fingerprint first)."""
        ...

    async def revoke_device(self, device_id: DeviceId, *, keep_tickets_valid: bool) -> Device:
        """For good: its next request is refused. ``keep_tickets_valid`` False (a stolen kiosk): the tickets it
        signed are NOT VALID at the door from now on."""
        ...

    async def rename_device(self, device_id: DeviceId, name: str) -> Device:
        """A new name of 1 to 100 characters (managers and admins), unique among devices."""
        ...

    async def list_staff(self) -> list[Staff]:
        """Every staff account by staff number (admins); no secrets."""
        ...

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
        """A new account (admins): a password to sign in and/or a PIN of 6 to 12 digits for the kiosks;
        ``staff_number`` None takes the next free number."""
        ...

    async def set_staff_role(self, staff_id: StaffId, role: Role) -> Staff:
        """Assign a role (admins). The last active admin cannot be demoted (Conflict last_admin)."""
        ...

    async def set_staff_active(self, staff_id: StaffId, active: bool) -> Staff:
        """Disable (signed out everywhere) or enable an account (admins); never your own, never the last
        active admin."""
        ...

    async def reset_staff_password(self, staff_id: StaffId, password: str) -> Staff:
        """A new password of at least 10 characters (admins); the member's other sessions end."""
        ...

    async def set_staff_pin(self, staff_id: StaffId, pin: str) -> Staff:
        """A kiosk PIN of 6 to 12 digits (admins); a kiosk asks for the staff number with it."""
        ...

    # --- venues and seating plans (managers and admins) ------------------------------------------------

    async def list_venues(self) -> list[Venue]: ...

    async def create_venue(self, *, name: str, timezone: str) -> Venue: ...

    async def list_plans(self, venue_id: VenueId) -> list[SeatingPlan]: ...

    async def create_plan_from_grid(
        self, venue_id: VenueId, *, name: str, sections: Sequence[GridSection]
    ) -> SeatingPlan:
        """A plan laid out by the grid generator (core.domain.plan_spec.GridSection)."""
        ...

    async def import_plan_csv(
        self, venue_id: VenueId, *, name: str, csv_text: str, source: str = "plan.csv"
    ) -> SeatingPlan:
        """A plan from a CSV file; a bad file raises PlanFileError with every problem and its line, and nothing
        is written."""
        ...

    async def get_plan_layout(self, plan_id: PlanId) -> PlanLayout:
        """The plan with every seat and its marks."""
        ...

    async def mark_seats(
        self,
        plan_id: PlanId,
        seat_ids: Sequence[SeatId],
        mark: SeatMark,
        *,
        on: bool = True,
        reason: str = "",
    ) -> PlanLayout:
        """Mark or unmark seats; blocking needs a reason and applies to concerts put on sale afterwards."""
        ...

    # --- concerts (managers and admins) -----------------------------------------------------------------

    async def list_concerts(self) -> list[ConcertOverview]:
        """Every concert, any status, the next to start first, with its prices and sales counts."""
        ...

    async def create_concert(
        self, venue_id: VenueId, plan_id: PlanId, *, currency: str, details: ConcertDetails
    ) -> Concert:
        """A new draft; every rule is checked (InputError with its code) and nothing is written on a bad one."""
        ...

    async def update_concert(self, concert_id: ConcertId, details: ConcertDetails) -> Concert:
        """Change a concert that is not cancelled; prices only while it is a draft (prices_locked)."""
        ...

    async def put_on_sale(self, concert_id: ConcertId) -> Concert: ...

    async def close_sales(self, concert_id: ConcertId) -> Concert: ...

    async def cancel_concert(
        self, concert_id: ConcertId, *, reason: str, orders: int, tickets: int
    ) -> Concert:
        """Cancel and refund every order; ``orders`` and ``tickets`` are the confirmed counts, and when they no
        longer hold nothing happens (Conflict cancel_counts_changed)."""
        ...

    # --- orders (box office, managers and admins) --------------------------------------------------------

    async def search_orders(self, query: OrderQuery) -> OrderPage:
        """A page of the orders that match, the latest first; prices are left out for the box office."""
        ...

    async def get_order(self, code: str) -> OrderDetails:
        """One order with its tickets, prints, check-ins, refunds and mails (NotFound order_not_found)."""
        ...

    async def refund_order(
        self, code: str, *, reason: str, ticket_ids: Sequence[int] | None = None
    ) -> OrderDetails:
        """Refund every valid ticket (None) or the chosen ones (managers and admins); the places come free."""
        ...

    async def reprint_order(self, code: str, layout: Layout = Layout.A4) -> bytes:
        """The order's valid tickets as a PDF rendered by the server (counted and audited as a reprint)."""
        ...

    async def resend_order_mail(self, code: str, *, to: str = "") -> OrderDetails:
        """Queue the tickets' e-mail again, to the buyer or to ``to``; the mail outbox sends it."""
        ...

    # --- reports: the audit log (admins), exports and the sales report (managers and admins) --------------

    async def search_audit(
        self, query: AuditQuery, *, before: int | None = None, limit: int = 50
    ) -> AuditPage:
        """One page of the audit log, newest first; ``before`` is the previous page's ``older``."""
        ...

    def export_audit(self, query: AuditQuery) -> AbstractAsyncContextManager[ExportStream]:
        """``async with session.export_audit(query) as export``: the filtered log as CSV, oldest first. Refusals
        are raised on entering, before any byte; leaving the block early stops the export."""
        ...

    def export_concert(
        self, concert_id: ConcertId, kind: ExportKind
    ) -> AbstractAsyncContextManager[ExportStream]:
        """A concert's orders, tickets or check-ins as CSV, as ``export_audit``."""
        ...

    async def sales_report_pdf(self, concert_id: ConcertId) -> bytes:
        """The concert's sales report (A4 PDF), drawn by the server."""
        ...

    # --- dashboard and door monitor ----------------------------------------------------------------------

    async def list_current_concerts(self) -> list[ConcertSummary]:
        """Today's and the next concerts, soonest first (door staff too: the monitor's chooser)."""
        ...

    def watch_concert(self, concert_id: ConcertId) -> AsyncIterator[AvailabilityView]:
        """Every place's state as it changes, as a kiosk's seat map watches it (live events, a re-read on a
        gap and every ``live_resync_s``, polling while live updates are paused); managers and admins."""
        ...

    async def sales_over_time(self, concert_id: ConcertId) -> SalesSeries: ...

    async def checkin_activity(self, concert_id: ConcertId, *, minutes: int = 30) -> CheckinActivity: ...

    async def device_health(self) -> list[DeviceStatusRow]:
        """Kiosks and doors (not revoked) with their latest MQTT health report, as the server heard it."""
        ...

    async def list_checkin_conflicts(self, concert_id: ConcertId | None = None) -> list[CheckinConflict]: ...

    async def resolve_checkin_conflict(
        self, conflict_id: int, resolution: ConflictResolution, note: str = ""
    ) -> None:
        """Settle one offline door conflict (managers and admins; audited)."""
        ...


class ExportStream(Protocol):
    """A CSV export on its way: the file name to offer, how many data rows it holds, and its bytes. Each chunk
    holds whole lines of one record each (the first chunk starts with the header line)."""

    @property
    def filename(self) -> str: ...

    @property
    def total_rows(self) -> int: ...

    def chunks(self) -> AsyncGenerator[bytes, None]:
        """The bytes as they arrive: an async generator, which a reader that stops early closes (aclose) while
        the export is still open, so nothing under it is left for the garbage collector to close."""
        ...


class StaffSignIn(Protocol):
    """Where staff sign in: e-mail and password in, a session out. Wrong passwords lock the address for a
    growing time (``SignInLockedOut``); a failed sign-in is ``NotAuthenticated`` and says no more."""

    async def sign_in(self, email: str, password: str, *, remember: bool = False) -> StaffSession: ...

    async def sign_in_google(self, id_token: str, *, remember: bool = False) -> StaffSession:
        """An ID token from Google's sign-in (core.client.google_flow): the server verifies it and finds the
        active staff account with its e-mail address; unknown or disabled accounts are refused by name."""
        ...

    async def sign_in_remembered(self, remember_token: str) -> StaffSession:
        """A session from a remembered sign-in (used up; the session brings the next token). Refused with
        remember_token_invalid once signed out, expired or used."""
        ...

    async def ready(self) -> int | None:
        """Whether Encore answers before anyone signs in (``encore-admin --self-test``): the number of active
        staff accounts where this client can count them (the embedded database), None from a server that says
        it is ready; a StorageUnavailable naming what does not answer otherwise."""
        ...

    async def aclose(self) -> None: ...
