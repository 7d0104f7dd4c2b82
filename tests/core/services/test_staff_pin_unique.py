"""A kiosk PIN is unique among staff, kept by the database's unique index on both engines: a PIN another member
has is refused with staff_pin_taken (never saying whose), and nothing changes. A member choosing their own PIN
learns from that answer that someone has it, so three such answers in a row pause their own PIN changes."""

from __future__ import annotations

import pytest

from core.domain.clock import ManualClock
from core.domain.errors import Conflict, RateLimited
from core.domain.staff import Role, Staff, StaffActor
from core.services import staff
from core.services.context import ServiceContext
from tests.builders import ROOT
from tests.dbstate import snapshot
from tests.support.together import together

PIN = "246810"
OTHER = "135791"


async def _member(ctx: ServiceContext, name: str, pin: str | None = None) -> Staff:
    return await staff.create_staff(
        ctx, ROOT, email=f"{name}@venue.test", display_name=name.title(), role=Role.BOX_OFFICE, pin=pin
    )


def _says_what_to_do_not_whose(error: Conflict, holder: Staff) -> None:
    assert error.code == "staff_pin_taken"
    assert "Choose another PIN" in error.message
    for clue in (holder.display_name, holder.email, str(holder.staff_number), PIN):
        assert clue not in error.message


async def test_a_pin_another_member_has_is_refused_and_nothing_changes(ctx: ServiceContext) -> None:
    ada = await _member(ctx, "ada", PIN)
    bo = await _member(ctx, "bo", OTHER)
    before = await snapshot(ctx)
    with pytest.raises(Conflict) as taken:
        await staff.set_pin(ctx, ROOT, bo.id, PIN)
    _says_what_to_do_not_whose(taken.value, ada)
    with pytest.raises(Conflict) as taken_new:
        await _member(ctx, "cy", PIN)
    _says_what_to_do_not_whose(taken_new.value, ada)
    assert await snapshot(ctx) == before
    with pytest.raises(Conflict) as taken_by_self:  # the member setting their own: the same answer, counted
        await staff.set_pin(ctx, _as_self(bo), bo.id, PIN)
    _says_what_to_do_not_whose(taken_by_self.value, ada)
    after = await snapshot(ctx)
    assert after.pop("attempt_guards") != before.pop("attempt_guards")
    assert after == before


def _as_self(member: Staff) -> StaffActor:
    return StaffActor(member.id, member.role, member.display_name)


async def test_three_taken_answers_in_a_row_pause_a_members_own_pin_changes(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    """Else a member could try PIN after PIN and learn which ones colleagues have (each is half of their
    staff number + PIN). A PIN of their own that is free clears the count; a manager is never paused."""
    taken = [f"24681{i}" for i in range(4)]
    for i, pin in enumerate(taken):
        await _member(ctx, f"holder{i}", pin)
    bo = await _member(ctx, "bo", OTHER)
    me = _as_self(bo)
    for pin in taken[:2]:
        with pytest.raises(Conflict):
            await staff.set_pin(ctx, me, bo.id, pin)
    await staff.set_pin(ctx, me, bo.id, "975310")  # a free one: the count starts again
    for pin in taken[:3]:
        with pytest.raises(Conflict) as refused:
            await staff.set_pin(ctx, me, bo.id, pin)
        assert refused.value.code == "staff_pin_taken"
    before = await snapshot(ctx)
    with pytest.raises(RateLimited) as paused:  # even a free PIN: the answer would still tell
        await staff.set_pin(ctx, me, bo.id, "864200")
    assert paused.value.code == "rate_limited"
    assert paused.value.retry_after_s == pytest.approx(15 * 60)
    assert "paused for 15 minutes" in paused.value.message
    assert "ask a manager" in paused.value.message
    assert await snapshot(ctx) == before
    with pytest.raises(Conflict):  # a manager of staff: answered, never paused
        await staff.set_pin(ctx, ROOT, bo.id, taken[3])
    clock.advance(15 * 60)
    assert (await staff.set_pin(ctx, me, bo.id, "864200")).id == bo.id


async def test_a_manager_choosing_taken_pins_is_never_paused(ctx: ServiceContext) -> None:
    """The control: the pause counts members' own choices only."""
    await _member(ctx, "ada", PIN)
    bo = await _member(ctx, "bo")
    for _ in range(5):
        with pytest.raises(Conflict) as taken:
            await staff.set_pin(ctx, ROOT, bo.id, PIN)
        assert taken.value.code == "staff_pin_taken"


async def test_a_pin_is_free_again_once_its_member_has_another(ctx: ServiceContext) -> None:
    ada = await _member(ctx, "ada", PIN)
    bo = await _member(ctx, "bo")
    await staff.set_pin(ctx, ROOT, ada.id, PIN)  # their own PIN again: not taken by anyone else
    await staff.set_pin(ctx, ROOT, ada.id, OTHER)
    await staff.set_pin(ctx, ROOT, bo.id, PIN)
    with pytest.raises(Conflict) as taken:
        await staff.set_pin(ctx, ROOT, ada.id, PIN)
    assert taken.value.code == "staff_pin_taken"


async def test_two_admins_giving_two_members_one_pin_at_once_leave_exactly_one_with_it(
    ctx: ServiceContext,
) -> None:
    members = [await _member(ctx, "ada"), await _member(ctx, "bo")]
    outcomes = await together(2, lambda i: staff.set_pin(ctx, ROOT, members[i].id, PIN))
    assert [o for o in outcomes if o == "staff_pin_taken"] == ["staff_pin_taken"], outcomes
    (winner,) = [o for o in outcomes if isinstance(o, Staff)]
    assert winner.id in {m.id for m in members}
