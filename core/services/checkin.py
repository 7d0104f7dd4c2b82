"""The door: scan a printed ticket and get ADMIT or a clear reason; undo a mistaken admit."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import checkin as checkin_db
from core.db import device_keys as keys_db
from core.db import site as site_db
from core.db.actors import ensure_active
from core.domain import checkin_rules as rules
from core.domain.errors import Conflict, ErrorCode, InputError, NotAllowed
from core.domain.ids import ConcertId
from core.domain.orders import TicketState
from core.domain.scans import ScanOutcome
from core.domain.staff import Actor, DeviceActor, Permission
from core.domain.validation import check_id, clean_text
from core.iot.protocol import GateUnavailable, check_name
from core.security.permissions import require
from core.services.common import origin_of
from core.services.context import ServiceContext
from core.tickets.payload import InvalidTicket
from core.tickets.qr import parse_text
from core.tickets.signing import verify

__all__ = ["gate_commands_sent", "scan_ticket", "undo_last_admit"]

log = logging.getLogger(__name__)

UNDO_WINDOW = timedelta(minutes=5)


def check_gate(gate: object) -> str:
    """Gate names end up in MQTT topics (encore/gates/<gate>/open), so they follow the topic-name rule."""
    name = clean_text(
        "gate", gate, limit=64, code=ErrorCode.GATE_INVALID, hint="name the gate in 1 to 64 characters."
    )
    try:
        return check_name("gate", name)
    except InputError as exc:
        raise InputError("gate", exc.problem, code=ErrorCode.GATE_INVALID) from None


async def scan_ticket(
    ctx: ServiceContext, actor: Actor, text: str, *, concert_id: ConcertId, gate: str, direction: str = "in"
) -> ScanOutcome:
    """Verify the signature against the trusted keys, judge the ticket by the check-in rules (the same as
    offline, core.domain.checkin_rules), then admit with one atomic UPDATE. ``direction="out"`` is an exit
    scan, for concerts that allow re-entry.

    Every answer is a ScanOutcome (the door shows it); only a door that may not scan gets an error.
    """
    require(actor, Permission.CHECK_IN)
    check_id("concert", concert_id)
    gate = check_gate(gate)
    if direction not in ("in", "out"):
        raise InputError("direction", "scan 'in' (entry) or 'out' (exit).", code=ErrorCode.DIRECTION_INVALID)
    try:
        payload, signed, signature = parse_text(text)
    except InvalidTicket as exc:
        return rules.not_a_ticket(newer_format=exc.code == ErrorCode.TICKET_UNSUPPORTED_VERSION)

    async def work(conn: AsyncConnection) -> ScanOutcome:
        now = ctx.clock.now()
        await ensure_active(conn, actor)
        key = await keys_db.trusted_key(conn, payload.key_id)
        if key is None or not verify(key.public_key, signed, signature):
            return rules.not_genuine()
        ticket = await checkin_db.door_ticket(conn, payload.ticket_id)
        if ticket is None:
            return rules.not_genuine()  # the database knows every ticket sold
        # The ticket's own concert times the door (a ticket for another concert never gets that far).
        door = rules.DoorFacts(
            concert_id,
            ticket.opens_at,
            ticket.timezone,
            demo_database=await site_db.get(conn, site_db.DEMO) == "true",
        )
        facts = _facts(ticket, payload.concert_id, payload.key_id, signature)
        refused = rules.judge(facts, door, now, entry=direction == "in")
        if refused is not None:
            return refused
        if direction == "out":
            return await _exit(conn, actor, ticket, facts, door, gate, now)
        if await checkin_db.admit(conn, ticket.id, gate, now):
            await checkin_db.journal(
                conn,
                ticket_id=ticket.id,
                concert_id=ticket.concert_id,
                direction="in",
                gate=gate,
                device_id=origin_of(actor),
                at=now,
            )
            return rules.admitted(facts, door)
        winner = await checkin_db.door_ticket(conn, ticket.id)  # who admitted it, and when (maybe just now)
        assert winner is not None
        return rules.already_used(facts, door, now, winner.last_scan_at, winner.last_gate)

    outcome = await ctx.db.write(work)
    if outcome.admitted and ctx.gate is not None:
        # In the background: the verdict must not wait for a slow broker (a door that times out would
        # otherwise take its own committed ADMIT for a database outage).
        task = asyncio.create_task(_open_gate(ctx, gate, outcome), name=f"open-gate-{gate}")
        _GATE_COMMANDS.add(task)
        task.add_done_callback(_GATE_COMMANDS.discard)
    return outcome


def _facts(
    ticket: checkin_db.DoorTicket, signed_concert: ConcertId, key_id: int, signature: bytes
) -> rules.TicketFacts:
    # A genuine ticket is exactly what was signed at checkout (by the server's key, or a kiosk's before the
    # venue server existed): the same concert, key and signature. Any other trusted key signing this ticket id
    # is a forgery, however valid its signature.
    genuine = (
        ticket.concert_id == signed_concert and ticket.key_id == key_id and ticket.signature == signature
    )
    return rules.TicketFacts(
        ticket.id,
        ticket.concert_id,
        sold=genuine,
        forged=not genuine,
        void=ticket.state is TicketState.VOID,
        demo=ticket.demo,
        serial=ticket.serial,
        place=ticket.place,
        place_name=ticket.place_name,
        concert_title=ticket.concert_title,
        concert_at=ticket.doors_at,
    )


_GATE_COMMANDS: set[asyncio.Task[None]] = set()
"""Gate commands under way (asyncio keeps tasks only weakly)."""


async def gate_commands_sent() -> None:
    """Wait for the gate commands under way (shutdown, tests)."""
    await asyncio.gather(*_GATE_COMMANDS, return_exceptions=True)


async def _open_gate(ctx: ServiceContext, gate: str, outcome: ScanOutcome) -> None:
    """After the commit: the ADMIT stands even if the turnstile cannot be told (staff open it by hand)."""
    assert ctx.gate is not None
    try:
        await ctx.gate.open(gate, ticket_serial=outcome.serial)
    except (GateUnavailable, InputError):
        log.warning("gate %s did not get the open command for an admitted ticket; open it by hand", gate)


async def _exit(
    conn: AsyncConnection,
    actor: Actor,
    ticket: checkin_db.DoorTicket,
    facts: rules.TicketFacts,
    door: rules.DoorFacts,
    gate: str,
    now: datetime,
) -> ScanOutcome:
    if not ticket.reentry_allowed:
        raise Conflict(
            "This concert does not allow re-entry, so this door cannot scan exits. Switch it to entry scans.",
            code=ErrorCode.REENTRY_NOT_ALLOWED,
        )
    if not await checkin_db.leave(conn, ticket.id, gate, now):
        return rules.not_inside(facts, door)
    await checkin_db.journal(
        conn,
        ticket_id=ticket.id,
        concert_id=ticket.concert_id,
        direction="out",
        gate=gate,
        device_id=origin_of(actor),
        at=now,
    )
    return rules.exited(facts, door)


async def undo_last_admit(ctx: ServiceContext, actor: Actor) -> ScanOutcome:
    """The same door takes back its last admit (a mistaken scan) within a few minutes; audited."""
    require(actor, Permission.CHECK_IN)
    if not isinstance(actor, DeviceActor):
        raise NotAllowed(
            "Only the door device that admitted a ticket can undo it.", code=ErrorCode.NOT_ALLOWED
        )

    async def work(conn: AsyncConnection) -> ScanOutcome:
        now = ctx.clock.now()
        await ensure_active(conn, actor)
        last = await checkin_db.last_admit(conn, actor.device_id)
        if last is None or now - last.scanned_at > UNDO_WINDOW:
            raise Conflict(
                f"There is no admit from this door in the last {UNDO_WINDOW.seconds // 60} minutes to undo.",
                code=ErrorCode.NOTHING_TO_UNDO,
            )
        reopened = await checkin_db.undo_admit(conn, last, now)
        ticket = await checkin_db.door_ticket(conn, last.ticket_id)
        assert ticket is not None
        await audit.record(
            conn,
            at=now,
            actor=actor,
            action="admit_undone",
            subject=f"ticket:{ticket.serial}",
            admitted_at=last.scanned_at.isoformat(),
            reopened=reopened,
        )
        facts = rules.TicketFacts(
            ticket.id,
            ticket.concert_id,
            sold=True,
            serial=ticket.serial,
            place=ticket.place,
            place_name=ticket.place_name,
        )
        door = rules.DoorFacts(ticket.concert_id, ticket.opens_at, ticket.timezone)
        return rules.undone(facts, door, reopened=reopened)

    return await ctx.db.write(work)
