"""Hypothesis stateful test: hold / standing / release / time passing / extend / checkout / refund, checked
against a simple in-memory model of who owns which place, on both engines."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from core.domain.clock import ManualClock
from core.domain.errors import EncoreError
from core.domain.ids import HoldId, PlaceId
from core.domain.money import Money
from core.domain.orders import Payment
from core.domain.places import PlaceState
from core.services import catalog, checkout, orders, sales
from tests.builders import Stage, build_stage
from tests.support.context import open_context

HOLD_S = 60
CAP = 10
_names = itertools.count()


@dataclass
class ModelHold:
    id: HoldId
    owner: int  # 0 or 1: which kiosk
    places: tuple[PlaceId, ...]
    price: int
    state: str = "active"  # active | released | checked_out
    extensions: int = 0


@dataclass
class Model:
    now: datetime
    free_at: dict[PlaceId, datetime | None] = field(default_factory=dict)
    """place -> None when free; held_until when held. Sold places are not in here."""
    owner: dict[PlaceId, HoldId] = field(default_factory=dict)
    sold: set[PlaceId] = field(default_factory=set)

    def takeable(self, p: PlaceId) -> bool:
        if p in self.sold:
            return False
        until = self.free_at[p]
        return until is None or until <= self.now

    def shown(self, p: PlaceId) -> PlaceState:
        if p in self.sold:
            return PlaceState.SOLD
        return PlaceState.FREE if self.takeable(p) else PlaceState.HELD


def _machine(database_url: str) -> type[RuleBasedStateMachine]:
    class Sales(RuleBasedStateMachine):
        holds = Bundle("holds")
        orders_ = Bundle("orders")

        def __init__(self) -> None:
            super().__init__()
            self.loop = asyncio.new_event_loop()
            self.clock = ManualClock(datetime(2026, 12, 1, 18, 0, tzinfo=UTC))
            self._cm = open_context(database_url, self.clock)
            self.ctx = self.run(self._cm.__aenter__())
            self.stage: Stage = self.run(
                build_stage(
                    self.ctx,
                    rows=1,
                    seats_per_row=6,
                    standing=6,
                    hold_seconds=HOLD_S,
                    max_extensions=CAP,
                    name=f"Model Hall {next(_names)}",
                )
            )
            self.model = Model(self.clock.now())
            for p in (*self.stage.seats, *self.stage.standing_places):
                self.model.free_at[p] = None
            self.price = {p: 4500 for p in self.stage.seats} | {p: 3000 for p in self.stage.standing_places}
            self.hold_objs: dict[HoldId, ModelHold] = {}

        def run(self, coro):
            return self.loop.run_until_complete(coro)

        def teardown(self) -> None:
            self.run(self._cm.__aexit__(None, None, None))
            self.loop.close()

        def actor(self, n: int):
            return self.stage.kiosk if n == 0 else self.stage.other_kiosk

        def _take(self, hold_id: HoldId, owner: int, taken: tuple[PlaceId, ...]) -> ModelHold:
            until = self.model.now + timedelta(seconds=HOLD_S)
            for p in taken:
                self.model.free_at[p] = until
                self.model.owner[p] = hold_id
            mh = ModelHold(hold_id, owner, taken, sum(self.price[p] for p in taken))
            self.hold_objs[hold_id] = mh
            return mh

        def _mine(self, mh: ModelHold) -> bool:
            return all(self.model.owner.get(p) == mh.id and p not in self.model.sold for p in mh.places)

        @rule(target=holds, owner=st.integers(0, 1), picks=st.sets(st.integers(0, 5), min_size=1, max_size=4))
        def hold_seats(self, owner, picks):
            wanted = [self.stage.seats[i] for i in sorted(picks)]
            expect_ok = all(self.model.takeable(p) for p in wanted)
            try:
                hold = self.run(sales.hold_places(self.ctx, self.actor(owner), self.stage.id, wanted))
            except EncoreError as exc:
                assert not expect_ok, exc
                assert exc.code == "seats_taken"
                return None
            assert expect_ok
            assert sorted(p.place_id for p in hold.places) == sorted(wanted)
            return self._take(hold.id, owner, tuple(wanted))

        @rule(target=holds, owner=st.integers(0, 1), n=st.integers(1, 4))
        def hold_standing(self, owner, n):
            free = [p for p in self.stage.standing_places if self.model.takeable(p)]
            try:
                hold = self.run(
                    sales.hold_standing(self.ctx, self.actor(owner), self.stage.id, self.stage.standing, n)
                )
            except EncoreError as exc:
                assert len(free) < n, exc
                assert exc.code == "not_enough_places"
                return None
            got = tuple(p.place_id for p in hold.places)
            assert len(got) == n and set(got) <= set(free)
            return self._take(hold.id, owner, got)

        @rule(seconds=st.sampled_from([1, 30, 59, 61, 200]))
        def time_passes(self, seconds):
            self.clock.advance(seconds)
            self.model.now = self.clock.now()

        @rule(mh=holds)
        def extend(self, mh):
            if mh is None:
                return
            try:
                hold = self.run(sales.extend_hold(self.ctx, self.actor(mh.owner), mh.id))
            except EncoreError as exc:
                expected = {
                    "checked_out": "hold_checked_out",
                    "released": "hold_released",
                }.get(mh.state) or ("extension_limit" if mh.extensions >= CAP else "hold_expired")
                assert exc.code == expected, (exc, mh)
                if mh.state == "active" and mh.extensions < CAP:
                    assert not self._mine(mh)
                return
            assert mh.state == "active" and mh.extensions < CAP and self._mine(mh)
            mh.extensions += 1
            assert hold.extensions_used == mh.extensions
            for p in mh.places:
                self.model.free_at[p] = self.model.now + timedelta(seconds=HOLD_S)

        @rule(mh=consumes(holds))
        def release(self, mh):
            if mh is None:
                return
            try:
                self.run(sales.release_hold(self.ctx, self.actor(mh.owner), mh.id))
            except EncoreError as exc:
                assert mh.state == "checked_out" and exc.code == "hold_checked_out", exc
                return
            assert mh.state in ("active", "released")
            if mh.state == "active":
                for p in mh.places:
                    if self.model.owner.get(p) == mh.id and p not in self.model.sold:
                        self.model.free_at[p] = None
                        del self.model.owner[p]
            mh.state = "released"

        @rule(target=orders_, mh=holds)
        def pay(self, mh):
            if mh is None:
                return None
            payment = Payment("card", "t", Money(mh.price, "EUR"))
            try:
                order = self.run(
                    checkout.checkout_hold(
                        self.ctx, self.actor(mh.owner), mh.id, idempotency_key=f"{mh.id}-pay", payment=payment
                    )
                )
            except EncoreError as exc:
                expected = {"checked_out": "hold_checked_out", "released": "hold_released"}.get(mh.state)
                assert exc.code == (expected or "hold_expired"), (exc, mh)
                if expected is None:
                    assert not self._mine(mh)
                return None
            if mh.state == "checked_out":  # same key again: the same order back
                return None
            assert mh.state == "active" and self._mine(mh)
            mh.state = "checked_out"
            self.model.sold |= set(mh.places)
            return order

        @rule(order=consumes(orders_))
        def refund(self, order):
            if order is None:
                return
            self.run(orders.refund_tickets(self.ctx, self.stage.manager, order.code, reason="model"))
            for t in order.tickets:
                self.model.sold.discard(t.place_id)
                self.model.free_at[t.place_id] = None
                self.model.owner.pop(t.place_id, None)

        @invariant()
        def database_matches_model(self):
            seat_map = self.run(catalog.get_seat_map(self.ctx, self.stage.id))
            shown = {p.id: p.state for p in seat_map.places}
            expected = {p: self.model.shown(p) for p in self.model.free_at}
            assert shown == expected
            avail = self.run(catalog.get_availability(self.ctx, self.stage.id))
            assert avail.total == sum(1 for p in self.model.free_at if self.model.takeable(p))

    return Sales


@pytest.mark.slow
def test_sales_behave_like_the_model(database_url):
    machine = _machine(database_url)
    examples = 25 if database_url.startswith("sqlite") else 12
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
