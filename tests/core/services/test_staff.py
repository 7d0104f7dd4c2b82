"""Staff accounts on both engines: create, sign in, PIN, deactivate; failures say nothing about which part."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import staff as staff_table
from core.domain.errors import Conflict, InputError, NotAllowed, NotFound
from core.domain.ids import StaffId
from core.domain.staff import Role, StaffActor
from core.services import staff
from core.services.context import ServiceContext
from tests.core.services.admin_support import SYSTEM, audit_entries, make_actor, snapshot

PASSWORD = "correct horse battery"


async def _member(ctx: ServiceContext) -> StaffActor:
    admin = await make_actor(ctx, Role.ADMIN)
    member = await staff.create_staff(
        ctx,
        admin,
        email=" Dora@Example.ORG ",
        display_name="Dora",
        role=Role.DOOR,
        password=PASSWORD,
        pin="482100",
    )
    return StaffActor(member.id, member.role, member.display_name)


async def test_create_staff_normalises_and_hashes(ctx: ServiceContext) -> None:
    admin = await make_actor(ctx, Role.ADMIN)
    member = await staff.create_staff(
        ctx,
        admin,
        email=" Dora@Example.ORG ",
        display_name=" Dora ",
        role=Role.DOOR,
        password=PASSWORD,
        pin="482100",
    )
    assert (member.email, member.display_name, member.role, member.active) == (
        "dora@example.org",
        "Dora",
        Role.DOOR,
        True,
    )

    async def hashes(conn: AsyncConnection) -> tuple[str, str | None, str]:
        row = (
            await conn.execute(
                select(
                    staff_table.c.password_hash, staff_table.c.pin_hash, staff_table.c.pin_fingerprint
                ).where(staff_table.c.id == member.id)
            )
        ).one()
        return row[0], row[1], row[2]

    password_hash, pin_hash, pin_fingerprint = await ctx.db.read(hashes)
    assert password_hash.startswith("$argon2id$")
    assert pin_hash is None
    assert ctx.pin_key is not None
    assert pin_fingerprint == ctx.pin_key.fingerprint("482100")
    _, action, _, details = (await audit_entries(ctx))[-1]
    assert (action, details) == (
        "staff_created",
        {"email": "dora@example.org", "role": "door", "staff_number": member.staff_number},
    )
    assert PASSWORD not in repr(await audit_entries(ctx))


@pytest.mark.parametrize(
    ("email", "password", "pin", "code"),
    [
        ("not-an-email", PASSWORD, None, "email_invalid"),
        ("a@b", PASSWORD, None, "email_invalid"),
        ("a b@example.org", PASSWORD, None, "email_invalid"),
        ("x@example.org", "short", None, "password_too_short"),
        ("x@example.org", None, "12", "pin_invalid"),
        ("x@example.org", None, "1234", "pin_invalid"),  # new PINs have at least 6 digits
        ("x@example.org", None, "12345", "pin_invalid"),
        ("x@example.org", None, "1234567890123", "pin_invalid"),
        ("x@example.org", None, "12a456", "pin_invalid"),
    ],
)
async def test_create_staff_input_errors(
    ctx: ServiceContext, email: str, password: str | None, pin: str | None, code: str
) -> None:
    admin = await make_actor(ctx, Role.ADMIN)
    before = await snapshot(ctx)
    with pytest.raises(InputError) as info:
        await staff.create_staff(
            ctx, admin, email=email, display_name="X", role=Role.DOOR, password=password, pin=pin
        )
    assert info.value.code == code
    assert await snapshot(ctx) == before


async def test_duplicate_email_and_permissions(ctx: ServiceContext) -> None:
    await _member(ctx)
    admin = await make_actor(ctx, Role.ADMIN, "second-admin")
    manager = await make_actor(ctx, Role.MANAGER)
    before = await snapshot(ctx)
    with pytest.raises(Conflict) as dup:
        await staff.create_staff(ctx, admin, email="DORA@example.org", display_name="D", role=Role.DOOR)
    assert dup.value.code == "staff_exists"
    with pytest.raises(NotAllowed) as denied:
        await staff.create_staff(ctx, manager, email="new@example.org", display_name="N", role=Role.ADMIN)
    assert denied.value.code == "not_allowed"
    assert await snapshot(ctx) == before


async def test_sign_in(ctx: ServiceContext) -> None:
    member = await _member(ctx)
    actor = await staff.sign_in(ctx, email="DORA@example.org ", password=PASSWORD)
    assert actor == member
    entries = await audit_entries(ctx)
    assert [(e[1], e[2], e[3]["method"]) for e in entries[-1:]] == [
        ("sign_in", f"staff:{member.staff_id}", "password"),
    ]


async def test_failed_sign_ins_look_the_same_and_are_audited(ctx: ServiceContext) -> None:
    member = await _member(ctx)
    attempts = [("dora@example.org", "wrong password!"), ("nobody@example.org", PASSWORD)]
    messages = set()
    for email, password in attempts:
        with pytest.raises(NotAllowed) as info:
            await staff.sign_in(ctx, email=email, password=password)
        assert info.value.code == "sign_in_failed"
        messages.add(info.value.message)
    assert len(messages) == 1, "one message whatever was wrong"
    failed = [e for e in await audit_entries(ctx) if e[1] == "sign_in_failed"]
    assert [e[2] for e in failed] == [f"staff:{member.staff_id}", "email:nobody@example.org"]
    assert [e[3]["reason"] for e in failed] == ["wrong", "unknown"]
    assert "wrong password!" not in repr(failed)
    assert PASSWORD not in repr(failed)


async def test_inactive_account_cannot_sign_in(ctx: ServiceContext) -> None:
    member = await _member(ctx)
    admin = await make_actor(ctx, Role.ADMIN, "other-admin")
    off = await staff.set_staff_active(ctx, admin, member.staff_id, False)
    assert off.active is False
    assert (await audit_entries(ctx))[-1][1] == "staff_deactivated"
    with pytest.raises(NotAllowed) as info:
        await staff.sign_in(ctx, email="dora@example.org", password=PASSWORD)
    assert info.value.code == "sign_in_failed"
    assert (await audit_entries(ctx))[-1][3]["reason"] == "inactive"
    on = await staff.set_staff_active(ctx, admin, member.staff_id, True)
    assert on.active is True
    assert await staff.sign_in(ctx, email="dora@example.org", password=PASSWORD) == member


async def test_set_active_errors_change_nothing(ctx: ServiceContext) -> None:
    admin = await make_actor(ctx, Role.ADMIN)
    manager = await make_actor(ctx, Role.MANAGER)
    before = await snapshot(ctx)
    with pytest.raises(Conflict) as self_off:
        await staff.set_staff_active(ctx, admin, admin.staff_id, False)
    assert self_off.value.code == "cannot_deactivate_self"
    with pytest.raises(NotFound) as missing:
        await staff.set_staff_active(ctx, admin, StaffId(9999), False)
    assert missing.value.code == "staff_not_found"
    with pytest.raises(NotAllowed):
        await staff.set_staff_active(ctx, manager, admin.staff_id, False)
    assert await snapshot(ctx) == before


async def test_system_actor_may_create_staff(ctx: ServiceContext) -> None:
    member = await staff.create_staff(
        ctx, SYSTEM, email="ops@example.org", display_name="Ops", role=Role.ADMIN
    )
    assert member.role is Role.ADMIN


async def test_staff_numbers_are_given_in_turn_or_chosen_and_never_shared(ctx: ServiceContext) -> None:
    admin = await make_actor(ctx, Role.ADMIN)
    first = await staff.create_staff(ctx, admin, email="a@example.org", display_name="A", role=Role.DOOR)
    chosen = await staff.create_staff(
        ctx, admin, email="b@example.org", display_name="B", role=Role.DOOR, staff_number=42
    )
    after = await staff.create_staff(ctx, admin, email="c@example.org", display_name="C", role=Role.DOOR)
    # The admin above is number 1; without a choice the next number is one past the highest.
    assert (first.staff_number, chosen.staff_number, after.staff_number) == (2, 42, 43)
    before = await snapshot(ctx)
    with pytest.raises(Conflict) as taken:
        await staff.create_staff(
            ctx, admin, email="d@example.org", display_name="D", role=Role.DOOR, staff_number=42
        )
    assert taken.value.code == "staff_number_taken"
    assert "42" in taken.value.message
    for bad in (0, 1_000_000, -3, "7", True):
        with pytest.raises(InputError) as invalid:
            await staff.create_staff(
                ctx,
                admin,
                email="e@example.org",
                display_name="E",
                role=Role.DOOR,
                staff_number=bad,  # type: ignore[arg-type]
            )
        assert (invalid.value.code, invalid.value.field) == ("staff_number_invalid", "staff_number")
    assert await snapshot(ctx) == before


async def test_set_pin_by_a_manager_of_staff_or_oneself(ctx: ServiceContext) -> None:
    member = await _member(ctx)
    admin = await make_actor(ctx, Role.ADMIN, "pin-admin")
    manager = await make_actor(ctx, Role.MANAGER)
    before = await snapshot(ctx)
    with pytest.raises(NotAllowed) as other:
        await staff.set_pin(ctx, manager, member.staff_id, "135790")
    assert other.value.code == "not_allowed"
    with pytest.raises(InputError) as short:
        await staff.set_pin(ctx, member, member.staff_id, "1357")
    assert short.value.code == "pin_invalid"
    with pytest.raises(NotFound) as missing:
        await staff.set_pin(ctx, admin, StaffId(9999), "135790")
    assert missing.value.code == "staff_not_found"
    assert await snapshot(ctx) == before
    changed = await staff.set_pin(ctx, member, member.staff_id, "135790")
    assert changed.id == member.staff_id
    await staff.set_pin(ctx, admin, member.staff_id, "246802")
    assert [(e[0], e[1]) for e in (await audit_entries(ctx))[-2:]] == [
        (f"staff:{member.staff_id}", "staff_pin_set"),
        (f"staff:{admin.staff_id}", "staff_pin_set"),
    ]
    assert "246802" not in repr(await audit_entries(ctx))
