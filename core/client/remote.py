"""RemoteClient: a kiosk or door talking to encore-server over HTTPS; it holds no database credential.

The device proves who it is by signing the server's challenge with its Ed25519 key (kept in the OS keyring or a
0600 file) and gets a short-lived token, renewed by itself when the server says it expired.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from core.client.http import HttpLeg
from core.client.protocol import DeviceClient, DoorLink, Enrolment, HealthSink
from core.client.tls_pin import CertificatePin, normalise_fingerprint, pin_file_for, read_pin, store_pin
from core.config import Settings
from core.domain.api_bodies import EnrolResult, TokenResult, UnlockResult
from core.domain.catalog import Availability, ConcertSummary, SeatMap
from core.domain.clock import Clock, OffsetClock, SystemClock
from core.domain.devices import DeviceKind
from core.domain.door import DoorSnapshot, OfflineAdmit, Replay
from core.domain.errors import DeviceNotApproved, EncoreError, ErrorCode, NotAuthenticated
from core.domain.holds import Hold
from core.domain.ids import ConcertId, DeviceId, HoldId, PlaceId, SectionId, TicketId
from core.domain.live import AvailabilityView
from core.domain.orders import Order
from core.domain.payments import PaymentInput, SimulatedCard, StaffPin, TerminalKind
from core.domain.scans import ScanOutcome
from core.domain.tickets import Layout
from core.events.paused_bus import PausedBus
from core.events.protocol import EventBus
from core.events.watch import watch_availability
from core.iot.health import open_reporter
from core.security.device_keys import DeviceKey, default_ref
from core.security.secret_store import redis_url_with_password, resolve_secret
from core.security.tokens import challenge_message

if TYPE_CHECKING:
    from core.client.door_station import DoorStation

__all__ = ["RemoteClient"]

_RENEW_EARLY_S = 30.0


@dataclass(frozen=True, slots=True)
class _Challenge:
    challenge: str


@dataclass
class _Session:
    token: str
    expires_at: float
    """loop time after which the token is renewed before use."""


class RemoteClient:
    """DeviceClient over HTTPS. ``transport`` lets tests serve the real app in-process (httpx.ASGITransport)."""

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._settings = settings
        self._http = HttpLeg(
            settings.server_url,
            ca_file=settings.server_ca_file,
            transport=transport,
            pin=_pin(settings),
            deadline_s=settings.server_call_deadline_s,
        )
        self._key: DeviceKey | None = None
        self._kind: DeviceKind | None = None
        self._session: _Session | None = None
        self._renewing = asyncio.Lock()
        self._clock: Clock = SystemClock()
        self._bus: EventBus | None = None
        self._device_id: DeviceId | None = None
        self._namespace = self._settings.redis_namespace

    @property
    def clock(self) -> Clock:
        """The server's time: this machine's clock corrected by the offset seen at sign-in (beyond a second)."""
        return self._clock

    async def __aenter__(self) -> RemoteClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._bus is not None:
            await self._bus.close()
        await self._http.aclose()

    # --- identity ---------------------------------------------------------------------------------------

    async def enrol(self, kind: DeviceKind, name: str) -> Enrolment:
        async with self._http.deadline():  # registration and sign-in together
            return await self._enrol(kind, name)

    async def _enrol(self, kind: DeviceKind, name: str) -> Enrolment:
        ref = self._settings.device_key_ref or default_ref(kind.value)
        self._key = await asyncio.to_thread(DeviceKey.load_or_create, ref)
        self._kind = kind
        pin = self._http.pin
        if pin is not None and pin.trust_first and not self._settings.server_cert_sha256:
            self._http.pin_file = pin_file_for(ref)
            pin.expected = pin.expected or await asyncio.to_thread(read_pin, self._http.pin_file)
        public = base64.b64encode(self._key.public_key_bytes).decode()
        response = await self._http.call(
            "POST",
            "/v1/devices/enrol",
            body={"kind": kind.value, "name": name, "public_key": public},
            repeatable=True,  # registering the same key twice finds the first registration
        )
        found = self._http.decode(response, EnrolResult)
        if pin is not None and pin.learned and pin.expected and self._http.pin_file is not None:
            # Stored only once the server answered as an Encore server should.
            await asyncio.to_thread(store_pin, self._http.pin_file, pin.expected)
            pin.learned = False
        if not found.approved:
            self._session = None
            return Enrolment(found.device, found.fingerprint, False, None, False)
        try:
            issued = await self._sign_in()
        except DeviceNotApproved:
            return Enrolment(found.device, found.fingerprint, False, None, False)
        return Enrolment(issued.device, found.fingerprint, True, issued.terminal, issued.demo)

    async def _sign_in(self) -> TokenResult:
        if self._key is None:
            raise NotAuthenticated(
                "This device has not enrolled yet; it does so when it starts.", code=ErrorCode.UNAUTHENTICATED
            )
        public = base64.b64encode(self._key.public_key_bytes).decode()
        response = await self._http.call(
            "POST", "/v1/auth/challenge", body={"public_key": public}, repeatable=True
        )
        challenge = self._http.decode(response, _Challenge).challenge
        signature = base64.b64encode(self._key.sign(challenge_message(challenge))).decode()
        response = await self._http.call(
            "POST",
            "/v1/auth/token",
            body={"public_key": public, "challenge": challenge, "signature": signature},
            repeatable=True,
        )
        issued = self._http.decode(response, TokenResult)
        self._device_id = issued.device.id
        self._namespace = issued.redis_namespace
        loop = asyncio.get_running_loop()
        server_now = _server_now(response)
        offset = server_now - time.time()
        self._clock = (
            OffsetClock(SystemClock(), timedelta(seconds=offset)) if abs(offset) > 1.5 else SystemClock()
        )
        lifetime = issued.expires_at.timestamp() - server_now
        self._session = _Session(issued.access_token, loop.time() + max(1.0, lifetime - _RENEW_EARLY_S))
        return issued

    async def _token(self) -> str:
        async with self._renewing:
            session = self._session
            if session is None or asyncio.get_running_loop().time() >= session.expires_at:
                await self._sign_in()
            assert self._session is not None
            return self._session.token

    async def _call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, str] | None = None,
        repeatable: bool,
    ) -> httpx.Response:
        async with self._http.deadline():  # a sign-in first, or again after a lapsed token, counts too
            token = await self._token()
            try:
                return await self._http.call(
                    method, path, body=body, params=params, token=token, repeatable=repeatable
                )
            except EncoreError as exc:
                if exc.code != ErrorCode.UNAUTHENTICATED:
                    raise
            # The token lapsed or the server's key rotated: sign in again once, then repeat the request.
            self._session = None
            token = await self._token()
            return await self._http.call(
                method, path, body=body, params=params, token=token, repeatable=repeatable
            )

    # --- catalogue --------------------------------------------------------------------------------------

    async def list_on_sale(self) -> list[ConcertSummary]:
        return self._http.decode(
            await self._call("GET", "/v1/concerts/on-sale", repeatable=True), list[ConcertSummary]
        )

    async def list_door_concerts(self) -> list[ConcertSummary]:
        return self._http.decode(
            await self._call("GET", "/v1/concerts/door", repeatable=True), list[ConcertSummary]
        )

    async def get_seat_map(self, concert_id: ConcertId) -> SeatMap:
        response = await self._call("GET", f"/v1/concerts/{int(concert_id)}/seat-map", repeatable=True)
        return self._http.decode(response, SeatMap)

    async def get_availability(self, concert_id: ConcertId) -> Availability:
        response = await self._call("GET", f"/v1/concerts/{int(concert_id)}/availability", repeatable=True)
        return self._http.decode(response, Availability)

    # --- selling ----------------------------------------------------------------------------------------

    async def hold_places(
        self, concert_id: ConcertId, place_ids: Sequence[PlaceId], *, request_key: str
    ) -> Hold:
        body = {"concert_id": concert_id, "place_ids": list(place_ids), "request_key": request_key}
        return self._http.decode(
            await self._call("POST", "/v1/holds/places", body=body, repeatable=True), Hold
        )

    async def hold_best_available(
        self, concert_id: ConcertId, section_id: SectionId, quantity: int, *, request_key: str
    ) -> Hold:
        body = {
            "concert_id": concert_id,
            "section_id": section_id,
            "quantity": quantity,
            "request_key": request_key,
        }
        response = await self._call("POST", "/v1/holds/best-available", body=body, repeatable=True)
        return self._http.decode(response, Hold)

    async def hold_standing(
        self, concert_id: ConcertId, section_id: SectionId, quantity: int, *, request_key: str
    ) -> Hold:
        body = {
            "concert_id": concert_id,
            "section_id": section_id,
            "quantity": quantity,
            "request_key": request_key,
        }
        response = await self._call("POST", "/v1/holds/standing", body=body, repeatable=True)
        return self._http.decode(response, Hold)

    async def extend_hold(self, hold_id: HoldId) -> Hold:
        # Not repeatable: a lost reply to an extension that happened would spend a second extension.
        response = await self._call("POST", f"/v1/holds/{hold_id}/extend", repeatable=False)
        return self._http.decode(response, Hold)

    async def release_hold(self, hold_id: HoldId) -> None:
        await self._call("DELETE", f"/v1/holds/{hold_id}", repeatable=True)

    async def pay_and_checkout(
        self,
        hold_id: HoldId,
        payment: PaymentInput,
        *,
        idempotency_key: str,
        buyer_email: str | None = None,
        language: str = "en",
    ) -> Order:
        body = {
            "payment": _payment_body(payment),
            "idempotency_key": idempotency_key,
            "buyer_email": buyer_email,
            "language": language,
        }
        response = await self._call("POST", f"/v1/holds/{hold_id}/checkout", body=body, repeatable=True)
        return self._http.decode(response, Order)

    async def render_order(self, order_code: str, layout: Layout) -> bytes:
        response = await self._call(
            "GET", f"/v1/orders/{order_code}/pdf", params={"layout": Layout(layout).value}, repeatable=True
        )
        return response.content

    async def record_print(self, ticket_ids: Sequence[TicketId], *, ok: bool, reason: str = "") -> None:
        body = {"ticket_ids": list(ticket_ids), "ok": ok, "reason": reason}
        await self._call("POST", "/v1/prints", body=body, repeatable=False)

    async def unlock_with_pin(self, staff_number: int, pin: str) -> str:
        body = {"staff_number": staff_number, "pin": pin}
        response = await self._call("POST", "/v1/kiosk/unlock", body=body, repeatable=False)
        return self._http.decode(response, UnlockResult).name

    def watch_concert(self, concert_id: ConcertId) -> AsyncIterator[AvailabilityView]:
        """Live hints from Redis (as a user that may only subscribe), the truth from the server's API; without
        Redis the server is polled every few seconds."""
        return watch_availability(
            self._live_bus(),
            self.get_seat_map,
            self._clock,
            concert_id,
            resync_s=self._settings.live_resync_s,
        )

    def _live_bus(self) -> EventBus:
        if self._bus is None:
            if self._settings.redis_url:
                from core.events.redis_bus import RedisBus  # redis only when configured (start-up time)

                url = redis_url_with_password(self._settings)  # the device's subscribe-only Redis user
                namespace = (
                    self._settings.redis_namespace or self._namespace
                )  # the server says, unless pinned
                self._bus = RedisBus(
                    url,
                    tls=self._settings.redis_tls,
                    namespace=namespace,
                    ca_file=self._settings.broker_ca_file,
                )
            else:
                self._bus = PausedBus()
        return self._bus

    # --- door -------------------------------------------------------------------------------------------

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

        return DoorStation(
            _RemoteDoorLink(self),
            self._clock,
            concert_id,
            gate,
            local_path,
            online_timeout_s=online_timeout_s,
            probe_interval=probe_interval,
            max_snapshot_age=timedelta(seconds=self._settings.door_snapshot_max_age_s),
        )

    async def undo_last_admit(self) -> ScanOutcome:
        return self._http.decode(await self._call("POST", "/v1/door/undo", repeatable=False), ScanOutcome)

    async def scan(self, concert_id: ConcertId, gate: str, text: str, direction: str = "in") -> ScanOutcome:
        body = {"concert_id": concert_id, "gate": gate, "text": text, "direction": direction}
        # Not repeated blindly: a lost reply to an ADMIT must not turn into ALREADY USED at the same door (the
        # door station decides: it goes offline and journals).
        response = await self._call("POST", "/v1/door/scans", body=body, repeatable=False)
        return self._http.decode(response, ScanOutcome)

    # --- health -----------------------------------------------------------------------------------------

    async def open_health_sink(self) -> HealthSink | None:
        """Health goes to the venue's MQTT broker with this device's own MQTT user (its ACL lets it publish
        its own health topic only)."""
        if self._device_id is None:
            raise NotAuthenticated(
                "This device has not enrolled yet; it does so when it starts.", code=ErrorCode.UNAUTHENTICATED
            )
        password = await asyncio.to_thread(resolve_secret, self._settings.mqtt_password_ref)
        return open_reporter(self._settings, self._device_id, self._clock, password=password)


class _RemoteDoorLink:
    """The door station's online leg over HTTPS."""

    def __init__(self, client: RemoteClient) -> None:
        self._client = client

    async def scan(self, concert_id: ConcertId, gate: str, text: str, direction: str) -> ScanOutcome:
        return await self._client.scan(concert_id, gate, text, direction)

    async def snapshot(self, concert_id: ConcertId) -> DoorSnapshot:
        client = self._client
        response = await client._call("GET", f"/v1/door/snapshot/{int(concert_id)}", repeatable=True)
        return client._http.decode(response, DoorSnapshot)

    async def replay(self, admits: Sequence[OfflineAdmit]) -> list[Replay]:
        client = self._client
        # Repeatable: the server records each journal id once, so a second arrival changes nothing.
        response = await client._call("POST", "/v1/door/replay", body=list(admits), repeatable=True)
        return client._http.decode(response, list[Replay])


def _pin(settings: Settings) -> CertificatePin | None:
    """The certificate pin, if this device pins one: the setting's fingerprint, or trust on first use (the
    stored pin is read at enrolment, when the device key's place is known)."""
    if settings.server_cert_sha256:
        return CertificatePin(normalise_fingerprint(settings.server_cert_sha256))
    if settings.server_cert_trust_first:
        return CertificatePin(None, trust_first=True)
    return None


def _payment_body(payment: PaymentInput) -> dict[str, Any]:
    if isinstance(payment, StaffPin):
        return {
            "method": TerminalKind.ATTENDED.value,
            "staff_number": payment.staff_number,
            "pin": payment.pin,
        }
    if isinstance(payment, SimulatedCard):
        return {"method": TerminalKind.DEMO.value, "approve": payment.approve}
    raise TypeError(f"not a payment input: {type(payment).__name__}")


def _server_now(response: httpx.Response) -> float:
    """The server's clock from its Date header (token lifetimes are the server's), else this machine's."""
    date = response.headers.get("date")
    if date:
        try:
            return parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            pass
    return time.time()


if TYPE_CHECKING:  # mypy holds the remote implementations to the interfaces the apps code against

    def _is_device_client(client: RemoteClient) -> DeviceClient:
        return client

    def _is_door_link(link: _RemoteDoorLink) -> DoorLink:
        return link
