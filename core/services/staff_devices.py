"""Sign-ins from desktops a staff member has not used before: recorded, and a notice mailed to them (through the
mail outbox, so a slow relay never holds up a sign-in)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit, outbox
from core.db import staff as staff_db
from core.db import staff_devices as db
from core.db.tables import venues
from core.domain.staff import StaffActor
from core.mail.messages import SignInNotice, sign_in_notice_mail

__all__ = ["SignInDevice", "note_device", "sign_in_notice_message"]

NOTICE = "sign_in_notice"
_METHODS = {"password": "e-mail and password", "google": "Google sign-in", "remembered": "remembered sign-in"}


@dataclass(frozen=True, slots=True)
class SignInDevice:
    """Where a sign-in comes from: the app's install id (random, kept by the app) and words for people."""

    install_id: str
    label: str
    method: str = "password"
    """password, google or remembered."""


def _label(device: SignInDevice) -> str:
    text = " ".join(str(device.label).split())[:200]
    return text or "an unnamed device"


async def note_device(conn: AsyncConnection, actor: StaffActor, device: SignInDevice, now: datetime) -> bool:
    """Record this sign-in's device; on a device new to this staff member, queue the notice mail and audit it.
    True when the device was new."""
    install_id = str(device.install_id)[:200]
    if not install_id:
        return False  # an old client that does not say: nothing to compare, nothing to send
    device_hash = hashlib.sha256(install_id.encode()).hexdigest()
    label = _label(device)
    if not await db.seen(conn, actor.staff_id, device_hash, label, now):
        return False
    member = await staff_db.get_staff(conn, actor.staff_id)
    if member is None:
        return False
    timezone = (await conn.execute(select(venues.c.timezone).order_by(venues.c.id).limit(1))).scalar()
    details = {
        "staff_name": member.display_name,
        "signed_in_at": now.isoformat(),
        "timezone": timezone or "UTC",
        "method": _METHODS.get(device.method, device.method),
        "where": label,
    }
    await outbox.enqueue_notice(conn, NOTICE, member.email, details, now)
    await audit.record(
        conn, at=now, actor=actor, action="sign_in_new_device", subject=f"staff:{actor.staff_id}", where=label
    )
    return True


def sign_in_notice_message(to: str, details: dict[str, Any], *, sender: str) -> EmailMessage:
    notice = SignInNotice(
        to=to,
        staff_name=str(details.get("staff_name", "")),
        signed_in_at=datetime.fromisoformat(str(details["signed_in_at"])),
        timezone=str(details.get("timezone") or "UTC"),
        method=str(details.get("method", "")),
        where=str(details.get("where", "")),
    )
    return sign_in_notice_mail(notice, sender=sender)
