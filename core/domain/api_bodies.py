"""The venue server API's request and response bodies that are not domain types, shared by server and client."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from core.domain.devices import Device, DeviceKind
from core.domain.orders import Order
from core.domain.payments import TerminalKind
from core.domain.staff import Role, Staff


@dataclass(frozen=True, slots=True)
class EnrolRequest:
    kind: DeviceKind
    name: str
    public_key: str
    """The device's Ed25519 public key, 32 bytes, base64."""


@dataclass(frozen=True, slots=True)
class EnrolResult:
    device: Device
    fingerprint: str
    approved: bool


@dataclass(frozen=True, slots=True)
class ChallengeRequest:
    public_key: str


@dataclass(frozen=True, slots=True)
class TokenRequest:
    public_key: str
    challenge: str
    signature: str
    """Ed25519 signature (base64) over challenge_message(challenge)."""


@dataclass(frozen=True, slots=True)
class TokenResult:
    access_token: str
    expires_at: datetime
    device: Device
    terminal: TerminalKind | None
    """How this kiosk takes payment; None for a door."""
    demo: bool
    redis_namespace: str
    """Where this venue's live events are (a device subscribes there as the venue's subscribe-only user)."""


@dataclass(frozen=True, slots=True)
class HoldPlacesRequest:
    concert_id: int
    place_ids: list[int]
    request_key: str


@dataclass(frozen=True, slots=True)
class HoldSectionRequest:
    concert_id: int
    section_id: int
    quantity: int
    request_key: str


@dataclass(frozen=True, slots=True)
class PaymentBody:
    method: TerminalKind
    pin: str | None = None
    """attended: the PIN of the staff member who took the money."""
    staff_number: int | None = None
    approve: bool | None = None
    """demo: the buyer's choice on the simulated card reader."""


@dataclass(frozen=True, slots=True)
class PayRequest:
    payment: PaymentBody
    idempotency_key: str
    buyer_email: str | None = None
    language: str = "en"
    """The buyer's language: the tickets print in it."""


@dataclass(frozen=True, slots=True)
class PrintRecord:
    ticket_ids: list[int]
    ok: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class UnlockRequest:
    staff_number: int
    pin: str


@dataclass(frozen=True, slots=True)
class UnlockResult:
    name: str


@dataclass(frozen=True, slots=True)
class ScanRequest:
    concert_id: int
    gate: str
    text: str
    direction: str = "in"


@dataclass(frozen=True, slots=True)
class SignInRequest:
    email: str
    password: str
    remember: bool = False
    """Also hand out a "remember me" token for this desktop (POST /v1/auth/remembered)."""
    device_id: str = ""
    """The admin app's install id (random, kept on the desktop): a sign-in from one new to this account mails
    its owner a notice."""
    device_name: str = ""
    """That desktop in words, for the notice ('encore-admin on box-office-1, Linux')."""


@dataclass(frozen=True, slots=True)
class GoogleSignInRequest:
    id_token: str
    """The ID token of Google's installed-app flow, run by the admin app (the server verifies it)."""
    remember: bool = False
    device_id: str = ""
    device_name: str = ""


@dataclass(frozen=True, slots=True)
class RememberedSignInRequest:
    remember_token: str
    """From an earlier sign-in with remember; used up by this one, which hands out the next."""
    device_id: str = ""
    device_name: str = ""


@dataclass(frozen=True, slots=True)
class StaffSummary:
    """Who is signed in, as the admin app shows it."""

    id: int
    name: str
    role: Role
    staff_number: int

    @classmethod
    def of(cls, member: Staff) -> StaffSummary:
        return cls(member.id, member.display_name, member.role, member.staff_number)


@dataclass(frozen=True, slots=True)
class SignInResult:
    session_token: str
    """Send as Authorization: Bearer ... on every staff request; POST /v1/auth/sign-out ends it."""
    expires_at: datetime
    """Unless used again before then (sliding, up to a hard cap)."""
    staff: StaffSummary
    remember_token: str | None = None
    """Asked for with remember: keep it in the OS keyring; it opens the next session once."""
    redis_namespace: str = ""
    """The database's live-update namespace: the admin desktop subscribes there (as devices do)."""


@dataclass(frozen=True, slots=True)
class NewStaffRequest:
    """A new staff account (admins). Who creates it is the session's staff member, never a field here."""

    email: str
    display_name: str
    role: Role
    password: str | None = None
    pin: str | None = None
    staff_number: int | None = None
    """None: the next free number."""


@dataclass(frozen=True, slots=True)
class StaffRoleRequest:
    role: Role


@dataclass(frozen=True, slots=True)
class StaffActiveRequest:
    active: bool
    """False disables the account: signed out everywhere, its remembered desktops forgotten."""


@dataclass(frozen=True, slots=True)
class PasswordResetRequest:
    password: str


@dataclass(frozen=True, slots=True)
class StaffPinRequest:
    pin: str
    """6 to 12 digits; a kiosk asks for the staff number first, so the number and PIN together name one person."""


@dataclass(frozen=True, slots=True)
class RenameRequest:
    name: str


@dataclass(frozen=True, slots=True)
class RevokeRequest:
    keep_tickets_valid: bool = True
    """False (a stolen kiosk): the tickets it signed are NOT VALID at the door from now on."""


def without_signatures(order: Order) -> Order:
    """An order as a device sees it: no ticket signature, so nothing it reads rebuilds a QR code (the PDF it
    may print carries the code; the database's signatures stay on the server)."""
    return replace(order, tickets=tuple(replace(t, signature=None) for t in order.tickets))
