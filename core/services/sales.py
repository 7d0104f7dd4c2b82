"""Holding places: chosen seats, standing places, best available; extending and releasing a hold."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import NoReturn

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import actors as actors_db
from core.db import hold_batch
from core.db import hold_statements as hold_sql
from core.db import holds as holds_db
from core.db import places as places_db
from core.db.actors import check_status
from core.db.driver import Hot
from core.db.errors import busy, is_unique_violation
from core.domain.errors import (
    Conflict,
    ErrorCode,
    ExtensionLimit,
    HoldExpired,
    InputError,
    NotAllowed,
    NotEnoughPlaces,
    NotFound,
    SeatsTaken,
)
from core.domain.events import PlacesChanged
from core.domain.holds import HeldPlace, Hold, HoldState
from core.domain.ids import CategoryId, ConcertId, HoldId, PlaceId, SectionId
from core.domain.places import PlaceState
from core.domain.seat_picking import SeatSpot, best_blocks
from core.domain.staff import Actor, Permission, describe
from core.domain.validation import check_id, check_ids, clean_text
from core.domain.venues import SectionKind
from core.security.permissions import require
from core.services.common import concert_not_found, concert_on_sale, count_by_category, origin_of
from core.services.context import ServiceContext
from core.services.hold_lanes import Waiting

__all__ = ["extend_hold", "hold_best_available", "hold_places", "hold_standing", "release_hold"]

BEST_AVAILABLE_ATTEMPTS = 5
"""The first attempt takes the best block; after a collision, attempt k picks at random among the best 2**k,
so buyers asking at the same moment spread out instead of colliding on the same next-best block."""

HoldWork = Callable[[AsyncConnection | Hot], Awaitable[tuple[Hold, PlacesChanged | None]]]


def _check_quantity(quantity: object) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        raise InputError("quantity", "must be a whole number of places.", code=ErrorCode.QUANTITY_INVALID)
    if quantity < 1:
        raise InputError("quantity", f"must be at least 1, not {quantity}.", code=ErrorCode.QUANTITY_INVALID)
    return quantity


def _check_request_key(request_key: str | None) -> str | None:
    if request_key is None:
        return None
    return clean_text("request_key", request_key, limit=100, code=ErrorCode.REQUEST_KEY_INVALID)


def _held(p: places_db.PlaceDetail) -> HeldPlace:
    return HeldPlace(p.id, p.label, p.category, p.price, place=p.name, category_names=p.category_names)


def _hold_view(
    concert_id: ConcertId,
    max_extensions: int,
    hold_id: HoldId,
    until: datetime,
    placed: Sequence[places_db.PlaceDetail],
    extensions_used: int,
) -> Hold:
    return Hold(
        id=hold_id,
        concert_id=concert_id,
        places=tuple(_held(p) for p in placed),
        expires_at=until,
        extensions_used=extensions_used,
        extensions_allowed=max_extensions,
    )


def _new_hold(request_key: str | None) -> tuple[HoldId, str]:
    """The new hold's id and its request key. Every hold carries a key: a request without one gets its own, so
    the one statement that makes the hold can run again after a lost connection and find what the first run
    did (Database.statement). Made once per request, outside the statement's retries."""
    hold_id = HoldId(uuid.uuid4().hex)
    return hold_id, request_key if request_key is not None else f"auto:{hold_id}"


def _settled(
    attempt: hold_sql.HoldAttempt, ask: hold_sql.Ask, count: int, section_id: SectionId | None = None
) -> tuple[Hold, PlacesChanged | None] | None:
    """The hold the statement made or the one the request key already made; None when it made none. Raises
    why when a check failed, in the order the checks have always been made."""
    if (prior := attempt.prior) is not None:
        # A retry is answered only while its actor may still act; the actor's status comes with the concert's
        # facts, so a "retry" naming a concert that does not exist is not answered with the hold either.
        if attempt.found is None:
            raise concert_not_found(ask.concert_id)
        check_status(ask.actor, attempt.found.actor_status)
        return _repeat(prior, ask.actor), None
    if attempt.placed:  # the statement made every check below before it wrote
        assert attempt.until is not None
        event = PlacesChanged(
            concert_id=ask.concert_id,
            changes=places_db.changes(attempt.placed, PlaceState.HELD, attempt.until),
            # all were takeable
            availability_delta=count_by_category((p.category_id for p in attempt.placed), -1),
            origin_device=origin_of(ask.actor),
        )
        view = _hold_view(
            ask.concert_id, attempt.max_extensions, ask.hold_id, attempt.until, attempt.placed, 0
        )
        return view, event
    concert = concert_on_sale(attempt.found, ask.concert_id, ask.actor, ask.now)
    if count > concert.max_per_order:
        raise InputError(
            "quantity",
            f"at most {concert.max_per_order} tickets can be bought in one order; you asked for {count}.",
            code=ErrorCode.QUANTITY_OVER_LIMIT,
        )
    if section_id is not None:
        assert attempt.found is not None
        _section_problem(attempt.found, section_id, SectionKind.STANDING)
    return None


def _repeat(prior: hold_sql.PriorHold, actor: Actor) -> Hold:
    """A retried request (its reply was lost) gets the hold it already made, not a second one."""
    row = own_hold(prior.row, actor)
    if row.state is HoldState.RELEASED:
        raise HoldExpired(
            "This hold was cancelled. Please choose your seats again.", code=ErrorCode.HOLD_RELEASED
        )
    if len(prior.places) < row.place_count:
        raise _lapsed_and_taken()
    return _hold_view(
        row.concert_id, prior.max_extensions, row.id, row.expires_at, prior.places, row.extensions
    )


CROWDED_PAUSES_S = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)
"""Pauses before a standing hold runs again when the places it needs were free but locked by other statements
at that instant (HoldAttempt.crowded). Such a lock lasts one statement; the last pause ends about 0.4 s after
the first run, and a crowd that outlasts them all is "busy, try again"."""


class _Crowded(Exception):
    """A standing hold's pick came up short on places other statements had locked (HoldAttempt.crowded).
    Raised out of the work so the connection goes back to the pool, and any transaction around the statement
    (behind PgBouncer) ends with its locks, before the pause."""


async def _pause(seconds: float) -> None:
    """A crowded hold's wait, with no connection and no transaction (a test looks inside it)."""
    await asyncio.sleep(seconds)


async def _write_hold(
    ctx: ServiceContext,
    work: HoldWork,
    *,
    idempotent: bool = True,
    pauses: Sequence[float] | None = CROWDED_PAUSES_S,
) -> Hold:
    """Run one hold's statement. A standing pick passes locked places by (SKIP LOCKED), so near a sell-out it
    can come up short while places are still free: another buyer's hold being refused had picked them for an
    instant. "Not enough places" then would be wrong (a CI sale ended with one place never sold): the hold runs
    again after a pause, and a crowd that outlasts every pause is ``storage_busy``, which is true. ``pauses``
    None: the first crowded run raises _Crowded (the caller pauses where it waits for nobody: hold_lanes)."""
    if pauses is None:
        pauses = ()
        patient = False
    else:
        patient = True
    pending = iter(pauses)
    repeats = 0
    while True:
        try:
            hold, event = await ctx.db.hot(work, writes=True, idempotent=idempotent)
        except IntegrityError as exc:
            if not is_unique_violation(exc, "holds", "request_key"):
                raise
            repeats += 1  # the same request, sent twice at once: the next run returns the first one's hold
            if repeats >= 2:
                raise Conflict(
                    "This request is already being handled. Please wait a moment.",
                    code=ErrorCode.REQUEST_IN_PROGRESS,
                ) from None
            continue
        except _Crowded:
            if not patient:
                raise
            if (pause := next(pending, None)) is None:
                raise busy() from None
            await _pause(pause)
            continue
        if event is not None:
            await ctx.publish(event)
        return hold


async def hold_places(
    ctx: ServiceContext,
    actor: Actor,
    concert_id: ConcertId,
    place_ids: Sequence[PlaceId],
    *,
    request_key: str | None = None,
) -> Hold:
    """Hold exactly these seats: all of them or none. The error names the seats someone else took."""
    require(actor, Permission.SELL)
    check_id("concert", concert_id)
    wanted = [PlaceId(p) for p in dict.fromkeys(check_ids("places", list(place_ids)))]
    key = _check_request_key(request_key)
    if not wanted:
        raise InputError("places", "choose at least one seat.", code=ErrorCode.QUANTITY_INVALID)
    if len(wanted) != len(place_ids):
        raise InputError("places", "the same seat was chosen twice.", code=ErrorCode.PLACES_DUPLICATE)

    hold_id, key = _new_hold(key)

    async def work(conn: AsyncConnection | Hot) -> tuple[Hold, PlacesChanged | None]:
        ask = hold_sql.Ask(actor, concert_id, hold_id, ctx.clock.now(), key)
        attempt = await hold_sql.hold_chosen(conn, ask, wanted)
        if (done := _settled(attempt, ask, len(wanted))) is not None:
            return done
        _explain_shortfall(attempt, set(wanted))

    return await _write_hold(ctx, work)


def _explain_shortfall(attempt: hold_sql.HoldAttempt, wanted: set[PlaceId]) -> NoReturn:
    """Raise the error that says why the seats could not be held (nothing was written, or it rolls back)."""
    strangers = wanted - attempt.in_concert
    if strangers:
        raise InputError(
            "places",
            f"place(s) {', '.join(str(p) for p in sorted(strangers))} are not part of this concert. "
            "Reload the seat map and choose again.",
            code=ErrorCode.PLACE_NOT_IN_CONCERT,
        )
    refused = attempt.refused
    raise SeatsTaken([d.label for d in refused], places=[d.name for d in refused])


def _section_problem(found: actors_db.SaleContext, section_id: SectionId, want: SectionKind) -> None:
    section = found.section
    if section is None:
        raise InputError(
            "section",
            f"section {section_id} is not part of {found.concert.title}'s seating plan. Choose one on the map.",
            code=ErrorCode.SECTION_NOT_IN_CONCERT,
        )
    if want is SectionKind.STANDING and section.kind is not SectionKind.STANDING:
        raise InputError(
            "section",
            f"{section.name} has numbered seats; choose seats on the map.",
            code=ErrorCode.SECTION_NOT_STANDING,
        )


async def hold_standing(
    ctx: ServiceContext,
    actor: Actor,
    concert_id: ConcertId,
    section_id: SectionId,
    quantity: int,
    *,
    request_key: str | None = None,
) -> Hold:
    """Hold any ``quantity`` places of a standing section. Buyers never wait for each other's locks (SKIP
    LOCKED); on PostgreSQL, buyers of one section who would wait for a connection anyway are made together in
    one statement (core/services/hold_lanes.py)."""
    require(actor, Permission.SELL)
    check_id("concert", concert_id)
    check_id("section", section_id)
    quantity = _check_quantity(quantity)
    key = _check_request_key(request_key)

    hold_id, key = _new_hold(key)

    async def work(conn: AsyncConnection | Hot) -> tuple[Hold, PlacesChanged | None]:
        ask = hold_sql.Ask(actor, concert_id, hold_id, ctx.clock.now(), key)
        attempt = await hold_sql.hold_standing(conn, ask, section_id, quantity)
        if (done := _settled(attempt, ask, quantity, section_id)) is not None:
            return done
        if attempt.crowded:
            raise _Crowded
        assert attempt.found is not None
        assert attempt.found.section is not None
        raise NotEnoughPlaces(quantity, attempt.found.section.name)

    if not ctx.db.is_postgres:  # one writer at a time: nothing to gather
        return await _write_hold(ctx, work)

    def alone() -> Awaitable[Hold]:
        return _write_hold(ctx, work, pauses=None)  # a crowded run pauses out of the lane, below

    async def batch(group: Sequence[Waiting[Hold]]) -> dict[int, Hold]:
        return await _standing_batch(ctx, concert_id, section_id, group)

    lane = (type(actor), concert_id, section_id)  # a batch's actors are of one kind (one status look-up)
    request: Waiting[Hold] = Waiting((actor, hold_id), quantity, key)
    try:
        return await ctx.hold_lanes.hold(lane, request, alone, batch)
    except _Crowded:
        await _pause(CROWDED_PAUSES_S[0])
        return await _write_hold(ctx, work, pauses=CROWDED_PAUSES_S[1:])


async def _standing_batch(
    ctx: ServiceContext, concert_id: ConcertId, section_id: SectionId, group: Sequence[Waiting[Hold]]
) -> dict[int, Hold]:
    """The holds one statement made for a lane's waiting requests (hold_lanes), by their place in ``group``;
    their live updates offered after its commit, as _write_hold does."""
    now = ctx.clock.now()
    asks = [
        hold_batch.BatchAsk(hold_sql.Ask(w.asked[0], concert_id, w.asked[1], now, w.request_key), w.places)
        for w in group
    ]

    async def work(conn: AsyncConnection | Hot) -> dict[HoldId, hold_sql.HoldAttempt]:
        assert isinstance(conn, Hot)  # PostgreSQL only
        return await hold_batch.hold_standing_batch(conn, asks, section_id)

    attempts = await ctx.db.hot(work, writes=True, idempotent=True)
    made: dict[int, Hold] = {}
    for n, b in enumerate(asks):
        if (attempt := attempts.get(b.ask.hold_id)) is None:
            continue
        done = _settled(attempt, b.ask, b.quantity, section_id)
        assert done is not None  # made: it placed every place
        made[n], event = done
        await ctx.publish(event)
    return made


async def hold_best_available(
    ctx: ServiceContext,
    actor: Actor,
    concert_id: ConcertId,
    section_id: SectionId,
    quantity: int,
    *,
    request_key: str | None = None,
) -> Hold:
    """Hold the best ``quantity`` adjacent seats of a seated section (or any places of a standing one)."""
    require(actor, Permission.SELL)
    check_id("concert", concert_id)
    check_id("section", section_id)
    quantity = _check_quantity(quantity)

    async def look(conn: AsyncConnection | Hot) -> tuple[SectionKind, str, list[SeatSpot]]:
        now = ctx.clock.now()
        found, free = await hold_sql.free_seats(conn, concert_id, actor, section_id, now)
        concert_on_sale(found, concert_id, actor, now)
        assert found is not None
        _section_problem(found, section_id, SectionKind.SEATED)
        assert found.section is not None
        return found.section.kind, found.section.name, free

    skip: frozenset[PlaceId] = frozenset()
    for attempt in range(BEST_AVAILABLE_ATTEMPTS):
        kind, name, free = await ctx.db.hot(look, writes=False)
        if kind is SectionKind.STANDING:
            return await hold_standing(ctx, actor, concert_id, section_id, quantity, request_key=request_key)
        blocks = best_blocks(free, quantity, skip=skip, limit=2**attempt)
        if not blocks:
            raise NotEnoughPlaces(quantity, f"{name} (side by side)")
        block = random.choice(blocks)
        try:
            return await hold_places(ctx, actor, concert_id, block, request_key=request_key)
        except SeatsTaken:
            skip = skip | frozenset(block)  # someone was quicker: look again without those seats
    raise SeatsTaken(
        (),
        message="Many people are choosing seats right now and the ones picked for you were taken. "
        "Please try again.",
        key=SeatsTaken.BUSY_KEY,
    )


def own_hold(row: holds_db.HoldRow | None, actor: Actor) -> holds_db.HoldRow:
    """The checks every use of a hold shares: it exists, it is this actor's, it was not paid for already."""
    if row is None:
        raise NotFound(
            "This hold does not exist. Please choose your seats again.", code=ErrorCode.HOLD_NOT_FOUND
        )
    if row.actor != describe(actor):
        raise NotAllowed(
            "This hold belongs to another kiosk or person and cannot be used here.",
            code=ErrorCode.HOLD_NOT_YOURS,
        )
    if row.state is HoldState.CHECKED_OUT:
        raise Conflict("These places have already been paid for.", code=ErrorCode.HOLD_CHECKED_OUT)
    return row


def check_hold_id(hold_id: object) -> HoldId:
    """Hold ids are 32 hex characters; anything else cannot be a hold (and must not reach the database)."""
    if (
        not isinstance(hold_id, str)
        or len(hold_id) != 32
        or not all(c in "0123456789abcdef" for c in hold_id)
    ):
        raise NotFound(
            "This hold does not exist. Please choose your seats again.", code=ErrorCode.HOLD_NOT_FOUND
        )
    return HoldId(hold_id)


def _lapsed_and_taken() -> HoldExpired:
    return HoldExpired(
        "Your time ran out and some of your places went to another buyer, so nothing was sold. Please choose again."
    )


def lapsed_delta(placed: Sequence[places_db.PlaceDetail], now: datetime) -> dict[CategoryId, int]:
    """Places of a lapsed hold already counted as takeable; taking them back (extend, checkout) counts -1."""
    return count_by_category(
        (p.category_id for p in placed if p.held_until is not None and p.held_until <= now), -1
    )


async def extend_hold(ctx: ServiceContext, actor: Actor, hold_id: HoldId) -> Hold:
    """More time to pay, up to the concert's cap (at least ten extensions, WCAG 2.2.1)."""
    require(actor, Permission.SELL)
    hold_id = check_hold_id(hold_id)

    async def work(conn: AsyncConnection | Hot) -> tuple[Hold, PlacesChanged | None]:
        now = ctx.clock.now()
        change = await hold_sql.extend(conn, hold_id, actor, now)
        row = own_hold(change.row, actor)
        if row.state is HoldState.RELEASED:
            raise HoldExpired(
                "This hold was cancelled. Please choose your seats again.", code=ErrorCode.HOLD_RELEASED
            )
        if row.extensions >= change.max_extensions:
            raise ExtensionLimit(
                f"The time for these seats has been extended {row.extensions} times, which is the most allowed. "
                "Please finish paying now, or ask staff for help."
            )
        mine = change.mine
        if len(mine) < row.place_count:
            raise _lapsed_and_taken()
        assert change.done
        assert change.until is not None
        event = PlacesChanged(
            row.concert_id,
            places_db.changes(mine, PlaceState.HELD, change.until),
            availability_delta=lapsed_delta(mine, now),
            origin_device=origin_of(actor),
        )
        view = _hold_view(
            row.concert_id, change.max_extensions, hold_id, change.until, mine, row.extensions + 1
        )
        return view, event

    # Not run again after a lost connection: a second run would count a second extension.
    return await _write_hold(ctx, work, idempotent=False)


async def release_hold(ctx: ServiceContext, actor: Actor, hold_id: HoldId) -> None:
    """Give the places back at once (cancel, idle timeout). Releasing twice is harmless."""
    require(actor, Permission.SELL)
    hold_id = check_hold_id(hold_id)

    async def work(conn: AsyncConnection | Hot) -> PlacesChanged | None:
        now = ctx.clock.now()
        change = await hold_sql.release(conn, hold_id, actor)
        row = own_hold(change.row, actor)
        if row.state is HoldState.RELEASED:
            return None
        mine = change.mine
        still_held = (p.category_id for p in mine if p.held_until is not None and p.held_until > now)
        return PlacesChanged(
            row.concert_id,
            places_db.changes(mine, PlaceState.FREE),
            availability_delta=count_by_category(still_held, +1),  # lapsed ones were takeable already
            origin_device=origin_of(actor),
        )

    # Releasing twice is harmless, so the one statement may run again after a lost connection.
    await ctx.publish(await ctx.db.hot(work, writes=True, idempotent=True))
