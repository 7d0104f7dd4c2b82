"""What is on sale, seat maps and availability: any approved device may read them."""

from __future__ import annotations

from litestar import get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath

from core.api.auth import CALLER, DEVICE, DEVICE_TOKEN, Caller, api_state
from core.api.problems import DEVICE_PROBLEMS
from core.domain.catalog import Availability, ConcertSummary, SeatMap
from core.domain.ids import ConcertId
from core.services import catalog


@get(
    "/v1/concerts/on-sale",
    tags=["catalogue"],
    guards=DEVICE,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def on_sale(caller: NamedDependency[Caller], state: State) -> list[ConcertSummary]:
    return await catalog.list_on_sale(api_state(state).ctx)


@get(
    "/v1/concerts/{concert_id:int}/seat-map",
    tags=["catalogue"],
    guards=DEVICE,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def seat_map(concert_id: FromPath[int], caller: NamedDependency[Caller], state: State) -> SeatMap:
    return await catalog.get_seat_map(api_state(state).ctx, ConcertId(concert_id))


@get(
    "/v1/concerts/{concert_id:int}/availability",
    tags=["catalogue"],
    guards=DEVICE,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def availability(
    concert_id: FromPath[int], caller: NamedDependency[Caller], state: State
) -> Availability:
    return await catalog.get_availability(api_state(state).ctx, ConcertId(concert_id))


@get(
    "/v1/concerts/door",
    tags=["catalogue"],
    guards=DEVICE,
    dependencies=CALLER,
    security=DEVICE_TOKEN,
    responses=DEVICE_PROBLEMS,
)
async def door_concerts(caller: NamedDependency[Caller], state: State) -> list[ConcertSummary]:
    """Tonight's concerts by doors time, whatever their sales state (a door's chooser)."""
    return await catalog.list_door_concerts(api_state(state).ctx)


ROUTES = [on_sale, door_concerts, seat_map, availability]
