"""The door's offline verdict: a ticket checked by its signature against the local snapshot, never the server.

One function decides; the door station journals what it says in the same local transaction.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import door_local as local_db
from core.domain.checkin import ScanResult
from core.domain.door import (
    DEMO_TICKET,
    OFFLINE_NOTE,
    SnapshotAge,
    SnapshotHeader,
    SnapshotTicket,
    describe_age,
)
from core.domain.ids import ConcertId
from core.domain.scans import ScanOutcome
from core.tickets.payload import InvalidTicket, MalformedTicket
from core.tickets.qr import read_ticket

__all__ = ["offline_verdict"]

_NOT_GENUINE = (
    "NOT VALID: this ticket was not issued by this box office, or it was altered. Do not admit; send the guest "
    "to the box office."
)
_NO_SNAPSHOT = (
    "NOT VALID: this door has no ticket list for this concert, so it cannot check tickets offline. "
    "Do not admit; call a manager."
)


def _offline(outcome: ScanOutcome) -> ScanOutcome:
    return replace(outcome, message=f"{outcome.message} {OFFLINE_NOTE}")


def _too_old(header: SnapshotHeader, age: SnapshotAge) -> ScanOutcome:
    made = age.refreshed_at.astimezone(ZoneInfo(header.timezone)).strftime("%H:%M")
    message = (
        f"CHECK BY HAND: this door's offline list is too old (made at {made}, {describe_age(age.age)} ago; "
        f"the limit is {describe_age(age.max_age)}), so it cannot check tickets. Connect the door to the "
        "network, or check tickets by hand."
    )
    return ScanOutcome(ScanResult.UNCHECKED, message)


async def offline_verdict(
    conn: AsyncConnection, text: str, concert_id: ConcertId, now: datetime, max_age: timedelta
) -> ScanOutcome:
    """What the door says about ``text`` from its local file alone (``conn``, a transaction on it).

    A list older than ``max_age`` decides nothing: refunds, sales and rotated keys since then are not in it,
    so every verdict from it (ADMIT and NOT VALID alike) could be wrong.
    """
    header = await local_db.snapshot_header(conn)
    if header is None or header.concert_id != concert_id:
        return _offline(ScanOutcome(ScanResult.NOT_VALID, _NO_SNAPSHOT))
    age = SnapshotAge.at(header.refreshed_at, now, max_age)
    if age.too_old:
        return _offline(_too_old(header, age))
    try:
        payload = read_ticket(text, await local_db.trusted_keys(conn))
    except MalformedTicket as exc:
        return _offline(ScanOutcome(ScanResult.NOT_VALID, f"NOT VALID: {exc.message}"))
    except InvalidTicket:
        return _offline(ScanOutcome(ScanResult.NOT_VALID, _NOT_GENUINE))
    # From here the payload is genuine (signed by a key this door trusts), so its ids can be shown.
    if payload.concert_id != concert_id:
        message = "WRONG CONCERT: this ticket is for another concert. Send the guest to the box office."
        return _offline(ScanOutcome(ScanResult.WRONG_CONCERT, message, payload.ticket_id, payload.concert_id))
    if await local_db.is_void(conn, payload.ticket_id):
        message = "VOID: this ticket was refunded or cancelled. Do not admit."
        return _offline(ScanOutcome(ScanResult.VOID, message, payload.ticket_id, concert_id))
    ticket = await local_db.ticket(conn, payload.ticket_id)
    if ticket is not None and ticket.key_id != payload.key_id:
        # Signed by a key the door trusts, but not the one that sold this ticket: a forgery.
        return _offline(ScanOutcome(ScanResult.NOT_VALID, _NOT_GENUINE, payload.ticket_id))
    if ticket is None:
        # Signed, but not in the snapshot (sold after it, or never completed): the door cannot vouch for it.
        return _offline(ScanOutcome(ScanResult.NOT_VALID, _NOT_GENUINE, payload.ticket_id))
    if ticket.demo and not header.demo_database:
        demo = ScanOutcome(
            ScanResult.NOT_VALID, DEMO_TICKET, ticket.ticket_id, concert_id, ticket.serial, ticket.place
        )
        return _offline(demo)
    return _offline(await _admit_or_not(conn, ticket, concert_id, header, now))


async def _admit_or_not(
    conn: AsyncConnection,
    ticket: SnapshotTicket,
    concert_id: ConcertId,
    header: SnapshotHeader,
    now: datetime,
) -> ScanOutcome:
    found = ScanOutcome(ScanResult.ADMIT, "", ticket.ticket_id, concert_id, ticket.serial, ticket.place)
    zone = ZoneInfo(header.timezone)
    if now < header.opens_at:
        opens = header.opens_at.astimezone(zone).strftime("%H:%M")
        message = f"TOO EARLY: entry opens at {opens}. Ask the guest to wait."
        return replace(found, result=ScanResult.TOO_EARLY, message=message)
    # This door's own admits (online or offline), else the ticket was already inside at the snapshot.
    used = await local_db.first_admit(conn, ticket.ticket_id, ScanResult.ADMIT.value)
    if used is None and ticket.admitted_at is not None:
        used = (ticket.admitted_at, ticket.admitted_gate or "another gate")
    if used is None:
        return replace(found, message=f"ADMIT: {ticket.place}.")
    at, gate = used
    message = (
        f"ALREADY USED: admitted at {at.astimezone(zone).strftime('%H:%M')} at {gate}. Do not admit again."
    )
    return replace(found, result=ScanResult.ALREADY_USED, message=message, first_scan_at=at, first_gate=gate)
