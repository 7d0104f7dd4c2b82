"""Times as the admin app shows them: by the venue's clock with the zone's abbreviation ('2026-12-08 20:00 CET'),
never by the desktop's, and the rule for times that belong to no one venue (audit entries, devices, days sold).

A manager's laptop may be set to another zone (travel, a head office elsewhere, a cloud VM in UTC): a time shown
by its clock would be a wrong doors time at the venue. The abbreviation says which clock a time is by.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.client.protocol import StaffSession
from core.domain.errors import EncoreError
from core.domain.staff import ROLE_PERMISSIONS, Permission

__all__ = ["DAY_TIME", "DESKTOP", "ZoneRule", "in_zone", "load_site_rule", "site_rule", "zone_time"]

DAY_TIME = "%Y-%m-%d %H:%M"


def _zone(name: str) -> tzinfo | None:
    """The IANA zone ``name``; None (this computer's zone) for '' or a name this machine does not know."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def in_zone(moment: datetime, zone: str) -> datetime:
    """``moment`` by ``zone``'s clock ('' : this computer's)."""
    found = _zone(zone)
    return moment.astimezone(found) if found is not None else moment.astimezone()


def zone_time(moment: datetime, zone: str, fmt: str = DAY_TIME) -> str:
    """'2026-12-08 20:00 CET': ``moment`` by ``zone``'s clock ('' : this computer's), with its abbreviation."""
    local = in_zone(moment, zone)
    return f"{local.strftime(fmt)} {local.tzname() or zone}".rstrip()


def _desktop_abbreviation() -> str:
    return datetime.now().astimezone().tzname() or ""


@dataclass(frozen=True, slots=True)
class ZoneRule:
    """By which clock the times that belong to no one venue are shown and days are counted."""

    zone: str = ""
    """An IANA name; '' is this computer's zone."""
    note: str = "Times are this computer's time."
    """The rule in a sentence, shown on the screen."""

    def show(self, moment: datetime, fmt: str = DAY_TIME) -> str:
        return zone_time(moment, self.zone, fmt)

    def today(self) -> date:
        """Today by this clock (the date fields start from it)."""
        return in_zone(datetime.now(UTC), self.zone).date()

    def midnight(self, day: date) -> datetime:
        """The start of ``day`` by this clock."""
        found = _zone(self.zone)
        if found is None:
            return datetime.combine(day, time()).astimezone()
        return datetime.combine(day, time(), tzinfo=found)


DESKTOP = ZoneRule()
"""Before the venues are known: this computer's clock."""


def site_rule(zones: Iterable[str]) -> ZoneRule:
    """The venues' zone when they all have one (the usual installation: one venue); else this computer's,
    named, since no single venue's clock is right for everything."""
    known = sorted({z for z in zones if _zone(z) is not None})
    if len(known) == 1:
        return ZoneRule(known[0], f"Times are {known[0]} time, where the venue is.")
    here = _desktop_abbreviation()
    if known:
        return ZoneRule(
            "", f"Times are this computer's time ({here}): the venues are in {len(known)} time zones."
        )
    return ZoneRule("", f"Times are this computer's time ({here}): no venue is set up yet.")


async def load_site_rule(session: StaffSession) -> ZoneRule:
    """The rule from the venues' zones. A role that may not read the venues (box office) gets this computer's
    clock, named (asking would only be refused)."""
    if Permission.MANAGE_CATALOG not in ROLE_PERMISSIONS[session.staff.role]:
        return ZoneRule("", f"Times are this computer's time ({_desktop_abbreviation()}).")
    try:
        venues = await session.list_venues()
    except EncoreError:
        return ZoneRule("", f"Times are this computer's time ({_desktop_abbreviation()}).")
    return site_rule(v.timezone for v in venues)
