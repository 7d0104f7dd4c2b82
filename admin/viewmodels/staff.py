"""The "Staff and roles" screen, Qt-free: every account, a new one, and for the chosen one its role, enabled or
disabled, a new password and a kiosk PIN.

The widget binds to ``changed`` (a StaffState each time) and calls the ``request_*`` commands, which start a task
this view-model keeps. Every refusal shows the server's sentence and code (the last admin, a short password, a
role that may not do this), and nothing changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from psygnal import Signal

from admin.viewmodels.tasks import TaskOwner
from core.client.protocol import StaffSession
from core.domain.errors import EncoreError
from core.domain.ids import StaffId
from core.domain.staff import Role, Staff

__all__ = ["NewStaffForm", "StaffState", "StaffViewModel"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class NewStaffForm:
    """What the "new account" form holds, as typed."""

    email: str
    display_name: str
    role: Role
    password: str = ""
    """Empty: no password (the member signs in with Google, or only uses a PIN at the kiosks)."""
    pin: str = ""
    staff_number: str = ""
    """Empty: the next free number."""


@dataclass(frozen=True, slots=True)
class StaffState:
    members: tuple[Staff, ...] = ()
    """Every account by staff number, active or not."""
    selected_id: StaffId | None = None
    me: StaffId | None = None
    """The signed-in admin (who may not disable themselves)."""
    busy: bool = False
    error: str = ""
    """The last refusal in the server's words; empty when there is none."""
    error_code: str = ""
    notice: str = ""
    """What the last command did, in a sentence."""

    @property
    def selected(self) -> Staff | None:
        return next((m for m in self.members if m.id == self.selected_id), None)

    @property
    def active_admins(self) -> int:
        return sum(1 for m in self.members if m.role is Role.ADMIN and m.active)


class StaffViewModel:
    changed = Signal(StaffState)

    def __init__(self, session: StaffSession) -> None:
        self._session = session
        self._tasks = TaskOwner("staff")
        self.state = StaffState(me=StaffId(session.staff.id))

    def _set(self, **changes: object) -> None:
        self.state = replace(self.state, **changes)  # type: ignore[arg-type]
        self.changed.emit(self.state)

    def _refuse(self, message: str, code: str = "invalid_input") -> None:
        self._set(error=message, error_code=code, notice="")

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

    def _put(self, member: Staff, notice: str) -> None:
        others = [m for m in self.state.members if m.id != member.id]
        members = tuple(sorted((*others, member), key=lambda m: m.staff_number))
        self._set(members=members, selected_id=member.id, notice=notice)

    # --- commands --------------------------------------------------------------------------------------

    async def load(self) -> None:
        members = await self._run(self._session.list_staff)
        if members is None:
            return
        ids = {m.id for m in members}
        chosen = self.state.selected_id if self.state.selected_id in ids else None
        if chosen is None and members:
            chosen = members[0].id
        self._set(members=tuple(members), selected_id=chosen)

    def select(self, staff_id: StaffId | None) -> None:
        self._set(selected_id=staff_id, error="", error_code="", notice="")

    async def create(self, form: NewStaffForm) -> None:
        number: int | None = None
        if form.staff_number.strip():
            if not form.staff_number.strip().isdigit():
                self._refuse("Staff number: a whole number, or leave it empty for the next free one.")
                return
            number = int(form.staff_number.strip())
        made = await self._run(
            lambda: self._session.create_staff(
                email=form.email,
                display_name=form.display_name,
                role=form.role,
                password=form.password or None,
                pin=form.pin or None,
                staff_number=number,
            )
        )
        if made is not None:
            self._put(made, f"{made.display_name} can now sign in (staff number {made.staff_number}).")

    async def set_role(self, role: Role) -> None:
        member = self._need_member()
        if member is None:
            return
        changed = await self._run(lambda: self._session.set_staff_role(member.id, role))
        if changed is not None:
            self._put(changed, f"{changed.display_name} is now {ROLE_WORDS[changed.role]}.")

    async def set_active(self, active: bool) -> None:
        member = self._need_member()
        if member is None:
            return
        changed = await self._run(lambda: self._session.set_staff_active(member.id, active))
        if changed is not None:
            done = "enabled" if changed.active else "disabled and signed out everywhere"
            self._put(changed, f"{changed.display_name}'s account is {done}.")

    async def reset_password(self, password: str) -> None:
        member = self._need_member()
        if member is None:
            return
        changed = await self._run(lambda: self._session.reset_staff_password(member.id, password))
        if changed is not None:
            self._put(changed, f"{changed.display_name} has a new password; their other sessions ended.")

    async def set_pin(self, pin: str) -> None:
        member = self._need_member()
        if member is None:
            return
        changed = await self._run(lambda: self._session.set_staff_pin(member.id, pin))
        if changed is not None:
            self._put(
                changed,
                f"{changed.display_name} has a new kiosk PIN; at a kiosk they enter staff number "
                f"{changed.staff_number}, then the PIN.",
            )

    def _need_member(self) -> Staff | None:
        member = self.state.selected
        if member is None:
            self._refuse("Choose an account in the list first.")
        return member

    # --- for widgets: start a kept task ----------------------------------------------------------------

    def request_load(self) -> None:
        self._tasks.start(self.load())

    def request_create(self, form: NewStaffForm) -> None:
        self._tasks.start(self.create(form))

    def request_set_role(self, role: Role) -> None:
        self._tasks.start(self.set_role(role))

    def request_set_active(self, active: bool) -> None:
        self._tasks.start(self.set_active(active))

    def request_reset_password(self, password: str) -> None:
        self._tasks.start(self.reset_password(password))

    def request_set_pin(self, pin: str) -> None:
        self._tasks.start(self.set_pin(pin))

    @property
    def busy(self) -> bool:
        return self._tasks.busy

    def close(self) -> None:
        """The screen went away (sign-out): cancel the calls still running."""
        self._tasks.cancel()

    async def aclose(self) -> None:
        await self._tasks.aclose()


ROLE_WORDS = {
    Role.ADMIN: "an admin",
    Role.MANAGER: "a manager",
    Role.BOX_OFFICE: "box office",
    Role.DOOR: "door",
}
