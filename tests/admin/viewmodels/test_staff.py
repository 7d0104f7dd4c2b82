"""The staff screen's view-model, without Qt, over the in-process staff client and real services: list, create,
assign a role, disable and enable, reset a password, set a PIN; refusals show the server's code and sentence and
change nothing (the last admin, bad input, a manager's session)."""

from __future__ import annotations

from admin.viewmodels.staff import NewStaffForm, StaffState, StaffViewModel
from core.client.staff_local import LocalStaffClient
from core.domain.staff import Role
from core.services.context import ServiceContext
from tests.dbstate import snapshot
from tests.support.staff_api import PASSWORD, make_staff

NEW_PASSWORD = "another long password"


async def _vm(ctx: ServiceContext, role: Role = Role.ADMIN) -> StaffViewModel:
    member = await make_staff(ctx, role, number=1)
    session = await LocalStaffClient.over(ctx).sign_in(member.email, PASSWORD)
    return StaffViewModel(session)


async def test_an_admin_creates_and_manages_an_account(ctx: ServiceContext) -> None:
    vm = await _vm(ctx)
    seen: list[StaffState] = []
    vm.changed.connect(seen.append)
    await vm.load()
    assert [m.staff_number for m in vm.state.members] == [1]
    assert vm.state.selected_id == vm.state.me
    form = NewStaffForm(
        "Dora@Example.org", "Dora Door", Role.DOOR, password="", pin="135790", staff_number="7"
    )
    await vm.create(form)
    dora = vm.state.selected
    assert dora is not None
    assert (dora.email, dora.role, dora.staff_number) == ("dora@example.org", Role.DOOR, 7)
    assert vm.state.notice == "Dora Door can now sign in (staff number 7)."
    await vm.set_role(Role.BOX_OFFICE)
    assert vm.state.selected is not None
    assert vm.state.selected.role is Role.BOX_OFFICE
    await vm.reset_password(NEW_PASSWORD)
    assert "new password" in vm.state.notice
    await LocalStaffClient.over(ctx).sign_in("dora@example.org", NEW_PASSWORD)  # the new one works
    await vm.set_pin("246813")
    assert "staff number 7, then the PIN" in vm.state.notice
    await vm.set_active(False)
    assert vm.state.selected is not None
    assert not vm.state.selected.active
    await vm.set_active(True)
    assert vm.state.selected.active
    assert [m.staff_number for m in vm.state.members] == [1, 7]
    assert any(s.busy for s in seen)
    assert not vm.state.busy
    await vm.aclose()


async def test_refusals_show_their_code_and_change_nothing(ctx: ServiceContext) -> None:
    vm = await _vm(ctx)
    await vm.load()
    await vm.create(NewStaffForm("mo@example.org", "Mo", Role.MANAGER, staff_number="2"))
    mo = vm.state.selected
    assert mo is not None
    before = await snapshot(ctx)
    vm.select(vm.state.me)
    for command, code in (
        (vm.set_role(Role.MANAGER), "last_admin"),
        (vm.set_active(False), "cannot_deactivate_self"),
        (vm.reset_password("short"), "password_too_short"),
        (vm.set_pin("12ab"), "pin_invalid"),
        (vm.create(NewStaffForm("not an address", "X", Role.DOOR)), "email_invalid"),
        (vm.create(NewStaffForm("mo@example.org", "Mo again", Role.DOOR)), "staff_exists"),
        (vm.create(NewStaffForm("x@example.org", "X", Role.DOOR, staff_number="2")), "staff_number_taken"),
        (vm.create(NewStaffForm("x@example.org", "X", Role.DOOR, staff_number="two")), "invalid_input"),
    ):
        await command
        assert vm.state.error_code == code
        assert vm.state.error
    assert "last active admin" in (await _last_admin_message(vm))
    assert await snapshot(ctx) == before
    await vm.aclose()


async def _last_admin_message(vm: StaffViewModel) -> str:
    vm.select(vm.state.me)
    await vm.set_role(Role.DOOR)
    return vm.state.error


async def test_a_manager_sees_the_refusal_not_the_accounts(ctx: ServiceContext) -> None:
    vm = await _vm(ctx, Role.MANAGER)
    before = await snapshot(ctx)
    await vm.load()
    assert (vm.state.error_code, vm.state.members) == ("not_allowed", ())
    await vm.create(NewStaffForm("x@example.org", "X", Role.ADMIN))
    assert vm.state.error_code == "not_allowed"
    assert {t for t, rows in (await snapshot(ctx)).items() if rows != before[t]} <= {"staff_sessions"}
    await vm.aclose()


async def test_a_pin_another_member_has_shows_what_to_do_and_changes_nothing(ctx: ServiceContext) -> None:
    vm = await _vm(ctx)
    await vm.load()
    await vm.create(NewStaffForm("mo@example.org", "Mo", Role.MANAGER, pin="246813"))
    await vm.create(NewStaffForm("di@example.org", "Di", Role.DOOR))
    assert vm.state.selected is not None
    assert vm.state.selected.display_name == "Di"
    before = await snapshot(ctx)
    await vm.set_pin("246813")
    assert vm.state.error_code == "staff_pin_taken"
    assert vm.state.error == (
        "This PIN cannot be used: every staff member needs a PIN of their own. Choose another PIN."
    )
    assert (vm.state.notice, vm.state.busy) == ("", False)
    assert await snapshot(ctx) == before
    await vm.aclose()
