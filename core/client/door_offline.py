"""The door's offline verdict: a ticket checked by its signature against the local snapshot, never the server.

The rules are the online ones (core.domain.checkin_rules); only the facts come from the local file. The door
station journals what this says in the same local transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import door_local as local_db
from core.domain import checkin_rules as rules
from core.domain.checkin import ScanResult
from core.domain.door import SnapshotAge
from core.domain.errors import ErrorCode
from core.domain.ids import ConcertId
from core.domain.scans import ScanOutcome
from core.tickets.payload import InvalidTicket, MalformedTicket
from core.tickets.qr import read_ticket

__all__ = ["offline_verdict"]


async def offline_verdict(
    conn: AsyncConnection, text: str, concert_id: ConcertId, now: datetime, max_age: timedelta
) -> ScanOutcome:
    """What the door says about ``text`` from its local file alone (``conn``, a transaction on it).

    A list older than ``max_age`` decides nothing: refunds, sales and rotated keys since then are not in it,
    so every verdict from it (ADMIT and NOT VALID alike) could be wrong.
    """
    header = await local_db.snapshot_header(conn)
    if header is None or header.concert_id != concert_id:
        return rules.no_ticket_list()
    door = rules.DoorFacts(
        concert_id, header.opens_at, header.timezone, demo_database=header.demo_database, offline=True
    )
    age = SnapshotAge.at(header.refreshed_at, now, max_age)
    if age.too_old:
        return rules.list_too_old(door, age)
    try:
        payload = read_ticket(text, await local_db.trusted_keys(conn))
    except MalformedTicket as exc:
        return rules.not_a_ticket(newer_format=exc.code == ErrorCode.TICKET_UNSUPPORTED_VERSION, offline=True)
    except InvalidTicket:
        return rules.not_genuine(door)
    # From here the payload is genuine (signed by a key this door trusts), so its ids can be shown.
    ticket = await local_db.ticket(conn, payload.ticket_id)
    facts = rules.TicketFacts(
        payload.ticket_id,
        payload.concert_id,
        # Signed, but not in the snapshot (sold after it, or never completed): the door cannot vouch for it.
        sold=ticket is not None,
        # Signed by a key the door trusts, but not the one that sold this ticket: a forgery.
        forged=ticket is not None and ticket.key_id != payload.key_id,
        void=await local_db.is_void(conn, payload.ticket_id),
        demo=ticket is not None and ticket.demo,
        serial=ticket.serial if ticket else None,
        place=ticket.place if ticket else None,
        place_name=ticket.place_name if ticket else None,
    )
    refused = rules.judge(facts, door, now)
    if refused is not None:
        return refused
    # This door's own admits (online or offline), else the ticket was already inside at the snapshot.
    used = await local_db.first_admit(conn, payload.ticket_id, ScanResult.ADMIT.value)
    if used is None and ticket is not None and ticket.admitted_at is not None:
        used = (ticket.admitted_at, ticket.admitted_gate or "another gate")
    if used is None:
        return rules.admitted(facts, door)
    return rules.already_used(facts, door, now, *used)
