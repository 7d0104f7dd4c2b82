"""Checking tickets in at a door: scan, undo this door's last admit. Only door devices."""

from __future__ import annotations

from litestar import get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from core.api.auth import CALLER, DEVICE_TOKEN, DOOR, Caller, api_state
from core.api.problems import DEVICE_PROBLEMS
from core.domain.api_bodies import ScanRequest
from core.domain.door import DoorSnapshot, OfflineAdmit, Replay
from core.domain.ids import ConcertId
from core.domain.scans import ScanOutcome
from core.services import checkin, door, verification_bundle
from core.tickets.bundle import SealedBundle


@post(
    "/v1/door/scans",
    status_code=200,
    tags=["door"],
    guards=DOOR,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def scan(data: JSONBody[ScanRequest], caller: NamedDependency[Caller], state: State) -> ScanOutcome:
    """Verify the ticket's signature and admit it once (two gates at the same instant: one ADMIT)."""
    return await checkin.scan_ticket(
        api_state(state).ctx,
        caller.actor,
        data.text,
        concert_id=ConcertId(data.concert_id),
        gate=data.gate,
        direction=data.direction,
    )


@post(
    "/v1/door/undo",
    status_code=200,
    tags=["door"],
    guards=DOOR,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def undo(caller: NamedDependency[Caller], state: State) -> ScanOutcome:
    """Undo this door's last admit (within five minutes)."""
    return await checkin.undo_last_admit(api_state(state).ctx, caller.actor)


@get(
    "/v1/door/snapshot/{concert_id:int}",
    tags=["door"],
    guards=DOOR,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def snapshot(concert_id: FromPath[int], caller: NamedDependency[Caller], state: State) -> DoorSnapshot:
    """What the door needs to check this concert's tickets offline: public keys, void list, valid tickets."""
    return await door.download_snapshot(api_state(state).ctx, caller.actor, ConcertId(concert_id))


@post(
    "/v1/door/replay",
    status_code=200,
    tags=["door"],
    guards=DOOR,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def replay(
    data: JSONBody[list[OfflineAdmit]], caller: NamedDependency[Caller], state: State
) -> list[Replay]:
    """This door's offline admits, in scan-time order; safe to send again after a lost reply."""
    return await door.replay_offline_admits(api_state(state).ctx, caller.actor, data)


@get(
    "/v1/door/verification-bundle",
    tags=["door"],
    guards=DOOR,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def bundle(caller: NamedDependency[Caller], state: State) -> SealedBundle:
    """The signed verification bundle (trusted public keys, void list, upcoming concerts) for stateless
    verifiers such as the ticket-verification function; a door hands it on to the phones of its staff."""
    data = await verification_bundle.make_bundle(api_state(state).ctx, caller.actor)
    return SealedBundle.of(data)


ROUTES = [scan, undo, snapshot, replay, bundle]
