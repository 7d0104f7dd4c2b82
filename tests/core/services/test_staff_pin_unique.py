"""A kiosk PIN is unique among staff, kept by the database's unique index on both engines: a PIN another member
has is refused with staff_pin_taken (never saying whose), and nothing changes."""

from __future__ import annotations

import pytest

from core.domain.errors import Conflict
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
    with pytest.raises(Conflict) as taken_by_self:  # the member setting their own: the same answer
        await staff.set_pin(ctx, StaffActor(bo.id, bo.role, bo.display_name), bo.id, PIN)
    _says_what_to_do_not_whose(taken_by_self.value, ada)
    with pytest.raises(Conflict) as taken_new:
        await _member(ctx, "cy", PIN)
    _says_what_to_do_not_whose(taken_new.value, ada)
    assert await snapshot(ctx) == before


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
