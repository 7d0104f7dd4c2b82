"""The devices screen's view-model, without Qt, over the in-process staff client and real services: pending first
with fingerprints, approve, rename, revoke keeping or distrusting the tickets; refusals show the server's code
and change nothing."""

from __future__ import annotations

from sqlalchemy import select

from admin.viewmodels.devices import DevicesState, DevicesViewModel
from core.client.staff_local import LocalStaffClient
from core.db.tables import device_keys
from core.domain.devices import DeviceKind, DeviceStatus
from core.domain.staff import Role
from core.security.device_keys import DeviceKey
from core.services import devices
from core.services.context import ServiceContext
from tests.builders import ROOT
from tests.dbstate import snapshot
from tests.support.staff_api import PASSWORD, make_staff


async def _vm(ctx: ServiceContext, role: Role = Role.MANAGER) -> DevicesViewModel:
    member = await make_staff(ctx, role)
    session = await LocalStaffClient.over(ctx).sign_in(member.email, PASSWORD)
    return DevicesViewModel(session)


async def _trusted(ctx: ServiceContext, device_id: int) -> list[bool]:
    async def work(conn):  # type: ignore[no-untyped-def]
        rows = await conn.execute(select(device_keys.c.trusted).where(device_keys.c.device_id == device_id))
        return [bool(t) for t in rows.scalars()]

    return await ctx.db.read(work)


async def test_a_manager_approves_renames_and_revokes(ctx: ServiceContext) -> None:
    keys = {name: DeviceKey.generate() for name in ("Zeta kiosk", "Alpha door", "Bar kiosk")}
    made = {
        name: await devices.register_device(
            ctx,
            name=name,
            kind=DeviceKind.DOOR if "door" in name else DeviceKind.KIOSK,
            public_key=k.public_key_bytes,
        )
        for name, k in keys.items()
    }
    await devices.approve_device(ctx, ROOT, made["Alpha door"].id)
    vm = await _vm(ctx)
    seen: list[DevicesState] = []
    vm.changed.connect(seen.append)
    await vm.load()
    assert [(d.name, d.status) for d in vm.state.devices] == [
        ("Bar kiosk", DeviceStatus.PENDING),
        ("Zeta kiosk", DeviceStatus.PENDING),
        ("Alpha door", DeviceStatus.APPROVED),
    ]
    assert [d.fingerprint for d in vm.state.devices] == [keys[d.name].fingerprint for d in vm.state.devices]
    assert vm.state.selected_id == made["Bar kiosk"].id

    await vm.approve()
    assert vm.state.notice == "Bar kiosk is approved: it may sell now."
    assert vm.state.selected is not None
    assert vm.state.selected.status is DeviceStatus.APPROVED
    await vm.rename("Bar kiosk 1")
    assert vm.state.notice == "Renamed to Bar kiosk 1."
    vm.ask_revoke(keep_tickets_valid=False)  # revoking is for good: first a question, and nothing changes
    assert vm.state.question is not None
    assert vm.state.question.text.startswith("Revoke Bar kiosk 1 for good?")
    assert "REFUSED at the door" in vm.state.question.text
    assert vm.state.selected is not None
    assert vm.state.selected.status is DeviceStatus.APPROVED
    vm.dismiss_question()  # "keep the device": still approved, nothing asked
    assert vm.state.question is None
    assert await _trusted(ctx, made["Bar kiosk"].id) == [True]
    vm.ask_revoke(keep_tickets_valid=False)
    vm.select(made["Alpha door"].id)  # choosing another device withdraws the question
    assert vm.state.question is None
    vm.select(made["Bar kiosk"].id)
    vm.ask_revoke(keep_tickets_valid=False)
    await vm.confirm_revoke()
    assert vm.state.question is None
    assert "NOT VALID" in vm.state.notice
    assert vm.state.selected is not None
    assert vm.state.selected.status is DeviceStatus.REVOKED
    assert vm.state.devices[-1].name == "Bar kiosk 1"  # revoked ones go last
    assert await _trusted(ctx, made["Bar kiosk"].id) == [False]

    vm.select(made["Zeta kiosk"].id)  # a kiosk retired in good order: what it signed stays trusted
    await vm.approve()
    vm.ask_revoke(keep_tickets_valid=True)
    assert vm.state.question is not None
    assert "The tickets it sold stay valid." in vm.state.question.text
    await vm.confirm_revoke()
    assert "stay valid" in vm.state.notice
    assert await _trusted(ctx, made["Zeta kiosk"].id) == [True]
    assert any(s.busy for s in seen)
    assert not vm.state.busy
    await vm.aclose()


async def test_refusals_show_their_code_and_change_nothing(ctx: ServiceContext) -> None:
    kiosk = await devices.register_device(ctx, name="Kiosk", kind=DeviceKind.KIOSK)
    await devices.register_device(ctx, name="Door", kind=DeviceKind.DOOR)
    await devices.revoke_device(ctx, ROOT, kiosk.id)
    vm = await _vm(ctx)
    await vm.load()
    vm.select(kiosk.id)
    before = await snapshot(ctx)
    for command, code in (
        (vm.approve(), "device_revoked"),
        (vm.rename("Door"), "device_exists"),
        (vm.rename("   "), "device_name_invalid"),
        (vm.rename("x" * 101), "device_name_invalid"),
    ):
        await command
        assert vm.state.error_code == code
        assert vm.state.error
    vm.select(None)
    await vm.approve()
    assert vm.state.error == "Choose a device in the list first."
    assert await snapshot(ctx) == before
    await vm.aclose()


async def test_box_office_sees_the_refusal_not_the_devices(ctx: ServiceContext) -> None:
    await devices.register_device(ctx, name="Kiosk", kind=DeviceKind.KIOSK)
    vm = await _vm(ctx, Role.BOX_OFFICE)
    await vm.load()
    assert (vm.state.error_code, vm.state.devices) == ("not_allowed", ())
    await vm.aclose()
