"""The "Devices" screen, Qt-free: kiosks, doors and box-office desks by status (pending, approved, revoked) with
their key fingerprints and when each last signed in; approve, revoke (keeping or distrusting what it signed),
rename.

The widget binds to ``changed`` (a DevicesState each time) and calls the ``request_*`` commands, which start a
task this view-model keeps. After each change the list is read again, so fingerprints and statuses are the
server's. Every refusal shows the server's sentence and code, and nothing changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from psygnal import Signal

from admin.viewmodels.tasks import TaskOwner
from admin.viewmodels.venue_time import DESKTOP, ZoneRule, load_site_rule
from core.client.protocol import StaffSession
from core.domain.devices import Device, DeviceStatus
from core.domain.errors import EncoreError
from core.domain.ids import DeviceId

__all__ = ["STATUS_ORDER", "DevicesState", "DevicesViewModel", "RevokeQuestion"]

T = TypeVar("T")
STATUS_ORDER = (DeviceStatus.PENDING, DeviceStatus.APPROVED, DeviceStatus.REVOKED)
"""Pending first: what waits for a manager comes at the top."""


@dataclass(frozen=True, slots=True)
class RevokeQuestion:
    """Asked before a revoke (it is for good): which device, and what becomes of the tickets it signed."""

    device_id: DeviceId
    keep_tickets_valid: bool
    text: str


@dataclass(frozen=True, slots=True)
class DevicesState:
    devices: tuple[Device, ...] = ()
    """Pending, then approved, then revoked; by name within each."""
    selected_id: DeviceId | None = None
    busy: bool = False
    error: str = ""
    """The last refusal in the server's words; empty when there is none."""
    error_code: str = ""
    notice: str = ""
    """What the last command did, in a sentence."""
    question: RevokeQuestion | None = None
    """A revoke waiting for the manager's yes; None when nothing is asked."""
    clock: ZoneRule = DESKTOP
    """By which clock the devices' times are shown (a device belongs to no one venue)."""

    @property
    def selected(self) -> Device | None:
        return next((d for d in self.devices if d.id == self.selected_id), None)

    def count(self, status: DeviceStatus) -> int:
        return sum(1 for d in self.devices if d.status is status)


def _ordered(devices: list[Device]) -> tuple[Device, ...]:
    return tuple(sorted(devices, key=lambda d: (STATUS_ORDER.index(d.status), d.name.casefold(), d.id)))


class DevicesViewModel:
    changed = Signal(DevicesState)

    def __init__(self, session: StaffSession) -> None:
        self._session = session
        self._tasks = TaskOwner("devices")
        self.state = DevicesState()

    def _set(self, **changes: object) -> None:
        self.state = replace(self.state, **changes)  # type: ignore[arg-type]
        self.changed.emit(self.state)

    async def _run(self, call: Callable[[], Awaitable[T]]) -> T | None:
        """One server call with the screen busy; a refusal becomes the state's error (nothing else changes)."""
        self._set(busy=True, error="", error_code="", notice="")
        try:
            return await call()
        except EncoreError as exc:
            self._set(error=exc.message, error_code=exc.code)
        finally:
            self._set(busy=False)
        return None

    # --- commands --------------------------------------------------------------------------------------

    async def load(self) -> None:
        found = await self._run(self._session.list_devices)
        if self.state.clock is DESKTOP:
            self._set(clock=await load_site_rule(self._session))
        if found is not None:
            self._show(found, self.state.selected_id)

    def _show(self, found: list[Device], chosen: DeviceId | None) -> None:
        devices = _ordered(found)
        ids = {d.id for d in devices}
        if chosen not in ids:
            chosen = devices[0].id if devices else None
        self._set(devices=devices, selected_id=chosen)

    def select(self, device_id: DeviceId | None) -> None:
        self._set(selected_id=device_id, error="", error_code="", notice="", question=None)

    def ask_revoke(self, *, keep_tickets_valid: bool) -> None:
        """Ask before revoking: the question names the device and what happens to its tickets."""
        device = self.state.selected
        if device is None:
            self._set(error="Choose a device in the list first.", error_code="invalid_input", notice="")
            return
        if keep_tickets_valid:
            fate = "The tickets it sold stay valid."
        else:
            fate = (
                "Every ticket it signed will be REFUSED at the door from now on, including tickets buyers "
                "already hold. Choose this only for a lost or stolen device."
            )
        text = (
            f"Revoke {device.name} for good? It can no longer sign in; to use it again it must enrol anew "
            f"and be approved. {fate}"
        )
        self._set(question=RevokeQuestion(device.id, keep_tickets_valid, text), error="", notice="")

    def dismiss_question(self) -> None:
        self._set(question=None)

    async def confirm_revoke(self) -> None:
        """The manager said yes to the question asked (for the device it named, even if the list moved)."""
        question = self.state.question
        if question is None:
            return
        self._set(question=None, selected_id=question.device_id)
        await self.revoke(keep_tickets_valid=question.keep_tickets_valid)

    async def approve(self) -> None:
        await self._change(
            lambda d: self._session.approve_device(d.id), "{name} is approved: it may {work} now."
        )

    async def revoke(self, *, keep_tickets_valid: bool) -> None:
        outcome = (
            "the tickets it sold stay valid"
            if keep_tickets_valid
            else "the tickets it signed are NOT VALID at the door from now on"
        )
        await self._change(
            lambda d: self._session.revoke_device(d.id, keep_tickets_valid=keep_tickets_valid),
            "{name} is revoked for good; " + outcome + ".",
        )

    async def rename(self, name: str) -> None:
        await self._change(lambda d: self._session.rename_device(d.id, name), "Renamed to {name}.")

    async def _change(self, call: Callable[[Device], Awaitable[Device]], notice: str) -> None:
        device = self.state.selected
        if device is None:
            self._set(error="Choose a device in the list first.", error_code="invalid_input", notice="")
            return
        changed = await self._run(lambda: call(device))
        if changed is None:
            return
        found = await self._run(self._session.list_devices)
        if found is not None:
            self._show(found, changed.id)
        work = "check tickets in" if changed.kind.value == "door" else "sell"
        self._set(notice=notice.format(name=changed.name, work=work))

    # --- for widgets: start a kept task ----------------------------------------------------------------

    def request_load(self) -> None:
        self._tasks.start(self.load())

    def request_approve(self) -> None:
        self._tasks.start(self.approve())

    def request_confirm_revoke(self) -> None:
        self._tasks.start(self.confirm_revoke())

    def request_rename(self, name: str) -> None:
        self._tasks.start(self.rename(name))

    @property
    def busy(self) -> bool:
        return self._tasks.busy

    def close(self) -> None:
        """The screen went away (sign-out): cancel the calls still running."""
        self._tasks.cancel()

    async def aclose(self) -> None:
        await self._tasks.aclose()
