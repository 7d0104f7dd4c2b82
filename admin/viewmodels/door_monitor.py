"""The "Door" screen, Qt-free: one concert's check-ins live (admitted, inside, the rate, by gate and minute),
read every ``poll_s`` seconds, and for managers the offline-sync conflicts to resolve.

Door staff see the monitor only: the conflicts are a manager's (the server refuses them to door staff anyway,
so the view-model does not ask). Resolving reads the list again: another manager may have done it meanwhile.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from psygnal import Signal

from admin.viewmodels.tasks import TaskOwner
from core.client.protocol import StaffSession
from core.domain.catalog import ConcertSummary
from core.domain.dashboard import CheckinActivity, ConflictResolution
from core.domain.door import CheckinConflict
from core.domain.errors import EncoreError, ErrorCode
from core.domain.ids import ConcertId
from core.domain.staff import ROLE_PERMISSIONS, Permission

__all__ = ["RESOLUTION_WORDS", "DoorMonitorState", "DoorMonitorViewModel"]

POLL_S = 5.0
RESOLUTION_WORDS = {
    ConflictResolution.SAME_GUEST: "Same guest scanned twice: nothing wrong",
    ConflictResolution.COPIED_TICKET: "A copy got in: two people on one ticket",
    ConflictResolution.REFUNDED_ADMIT: "A refunded ticket got in: follow up with the buyer",
}


@dataclass(frozen=True, slots=True)
class DoorMonitorState:
    concerts: tuple[ConcertSummary, ...] = ()
    selected_id: ConcertId | None = None
    activity: CheckinActivity | None = None
    conflicts: tuple[CheckinConflict, ...] = ()
    """Open conflicts of the chosen concert, oldest duplicate first."""
    conflict_id: int | None = None
    """The conflict chosen to resolve."""
    sees_conflicts: bool = False
    """Managers and admins: door staff see the monitor only."""
    loaded: bool = False
    busy: bool = False
    error: str = ""
    error_code: str = ""
    notice: str = ""

    @property
    def selected(self) -> ConcertSummary | None:
        return next((c for c in self.concerts if c.concert.id == self.selected_id), None)

    @property
    def conflict(self) -> CheckinConflict | None:
        return next((c for c in self.conflicts if c.id == self.conflict_id), None)


class DoorMonitorViewModel:
    changed = Signal(DoorMonitorState)

    def __init__(self, session: StaffSession, *, poll_s: float = POLL_S) -> None:
        self._session = session
        self._tasks = TaskOwner("door-monitor")
        self._poller = TaskOwner("door-monitor-poll")
        self._poll_s = poll_s
        granted = ROLE_PERMISSIONS[session.staff.role]
        self.state = DoorMonitorState(
            sees_conflicts={Permission.VIEW_REPORTS, Permission.RESOLVE_CONFLICTS} <= granted
        )

    def _set(self, **changes: object) -> None:
        self.state = replace(self.state, **changes)  # type: ignore[arg-type]
        self.changed.emit(self.state)

    # --- commands --------------------------------------------------------------------------------------

    async def load(self) -> None:
        self._set(busy=True, error="", error_code="")
        try:
            found = await self._session.list_current_concerts()
        except EncoreError as exc:
            self._set(error=exc.message, error_code=exc.code)
            return
        finally:
            self._set(busy=False)
        chosen = self.state.selected_id
        if chosen not in {c.concert.id for c in found}:
            chosen = found[0].concert.id if found else None
        self._set(concerts=tuple(found), selected_id=chosen, loaded=True)
        await self.refresh()

    def select(self, concert_id: ConcertId | None) -> None:
        if concert_id != self.state.selected_id:
            self._set(selected_id=concert_id, activity=None, conflicts=(), conflict_id=None, notice="")
            self._tasks.start(self.refresh(), name="refresh")

    def choose_conflict(self, conflict_id: int | None) -> None:
        self._set(conflict_id=conflict_id, notice="", error="", error_code="")

    async def refresh(self) -> None:
        chosen = self.state.selected_id
        if chosen is None:
            return
        try:
            activity = await self._session.checkin_activity(chosen)
            conflicts = (
                await self._session.list_checkin_conflicts(chosen) if self.state.sees_conflicts else []
            )
        except EncoreError as exc:
            self._set(error=exc.message, error_code=exc.code)
            return
        if self.state.selected_id != chosen:
            return  # another concert was chosen meanwhile
        ids = {c.id for c in conflicts}
        keep = self.state.conflict_id if self.state.conflict_id in ids else None
        if keep is None and conflicts:
            keep = conflicts[0].id
        self._set(activity=activity, conflicts=tuple(conflicts), conflict_id=keep)

    async def resolve(self, resolution: ConflictResolution, note: str = "") -> None:
        conflict = self.state.conflict
        if conflict is None:
            self._set(error="Choose a conflict in the list first.", error_code=ErrorCode.INVALID_INPUT)
            return
        self._set(busy=True, error="", error_code="", notice="")
        try:
            await self._session.resolve_checkin_conflict(conflict.id, resolution, note)
        except EncoreError as exc:
            self._set(error=exc.message, error_code=exc.code)
        else:
            self._set(
                notice=f"Ticket {conflict.serial} ({conflict.place}): resolved as "
                f"“{RESOLUTION_WORDS[resolution]}”. The audit log has it."
            )
        finally:
            self._set(busy=False)
        await self.refresh()

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._poll_s)
            await self.refresh()

    # --- for widgets: start a kept task ----------------------------------------------------------------

    def request_load(self) -> None:
        """Load, then read the chosen concert's check-ins every poll_s until ``close``."""
        self._tasks.start(self.load(), name="load")
        if not self._poller.busy:
            self._poller.start(self._poll(), name="poll")

    def request_resolve(self, resolution: ConflictResolution, note: str = "") -> None:
        self._tasks.start(self.resolve(resolution, note), name="resolve")

    @property
    def busy(self) -> bool:
        return self._tasks.busy

    def close(self) -> None:
        self._tasks.cancel()
        self._poller.cancel()

    async def aclose(self) -> None:
        await self._tasks.aclose()
        await self._poller.aclose()
