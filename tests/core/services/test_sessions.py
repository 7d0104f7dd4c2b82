"""Staff sessions on both engines: an opaque token stored only as its SHA-256, sliding expiry with a hard cap,
sign-out, and refusals (each with its code, changing nothing)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import update

from core.db.tables import staff as staff_table
from core.domain.clock import ManualClock
from core.domain.devices import DeviceKind
from core.domain.errors import NotAllowed, SessionInvalid
from core.domain.staff import DeviceActor, Role, StaffActor
from core.services import devices, sessions, staff
from core.services.context import ServiceContext
from tests.builders import ROOT
from tests.core.services.admin_support import audit_entries
from tests.dbstate import snapshot


@pytest.fixture
async def member(ctx: ServiceContext) -> StaffActor:
    made = await staff.create_staff(ctx, ROOT, email="m@venue.test", display_name="Max", role=Role.MANAGER)
    return StaffActor(made.id, made.role, made.display_name)


async def _session_rows(ctx: ServiceContext) -> list[tuple]:
    return (await snapshot(ctx))["staff_sessions"]


async def test_a_session_names_its_staff_member_and_stores_only_the_tokens_hash(
    ctx: ServiceContext, clock: ManualClock, member: StaffActor
) -> None:
    opened = await sessions.open_session(ctx, member, note="Firefox on the box office PC")
    assert len(opened.token) >= 43, "at least 256 random bits, base64url"
    assert opened.token not in repr(opened)
    assert opened.expires_at == clock.now() + sessions.SESSION_IDLE
    assert await sessions.resolve_session(ctx, opened.token) == member
    state = await snapshot(ctx)
    assert opened.token not in repr(state), "the token itself is stored nowhere"
    (row,) = state["staff_sessions"]
    assert row[1] == hashlib.sha256(opened.token.encode()).hexdigest()
    assert row[2:4] == (member.staff_id, "Firefox on the box office PC")
    actor, action, subject, details = (await audit_entries(ctx))[-1]
    assert (actor, action, subject, details) == (
        f"staff:{member.staff_id}",
        "session_opened",
        f"session:{row[0]}",
        {"note": "Firefox on the box office PC"},
    )
    other = await sessions.open_session(ctx, member)
    assert other.token != opened.token


async def test_use_slides_the_expiry_up_to_a_hard_cap(
    ctx: ServiceContext, clock: ManualClock, member: StaffActor
) -> None:
    opened_at = clock.now()
    opened = await sessions.open_session(ctx, member)
    used = 0
    while used + 90 * 60 < sessions.SESSION_MAX.total_seconds():
        clock.advance(90 * 60)  # idle less than SESSION_IDLE each time
        used += 90 * 60
        assert await sessions.resolve_session(ctx, opened.token) == member
        (row,) = await _session_rows(ctx)
        slid = min(clock.now() + sessions.SESSION_IDLE, opened_at + sessions.SESSION_MAX)
        assert row[5:7] == (clock.now(), slid), "last used now; the expiry slid, never past the cap"
    clock.advance(sessions.SESSION_MAX.total_seconds() - used)
    before = await snapshot(ctx)
    with pytest.raises(SessionInvalid) as capped:
        await sessions.resolve_session(ctx, opened.token)
    assert capped.value.code == "session_expired"
    assert "Sign in again" in capped.value.message
    assert await snapshot(ctx) == before


async def test_an_idle_session_lapses(ctx: ServiceContext, clock: ManualClock, member: StaffActor) -> None:
    opened = await sessions.open_session(ctx, member)
    clock.advance(sessions.SESSION_IDLE.total_seconds() - 1)
    assert await sessions.resolve_session(ctx, opened.token) == member
    clock.advance(sessions.SESSION_IDLE.total_seconds())
    with pytest.raises(SessionInvalid) as idle:
        await sessions.resolve_session(ctx, opened.token)
    assert idle.value.code == "session_expired"


async def test_use_within_a_minute_writes_nothing(
    ctx: ServiceContext, clock: ManualClock, member: StaffActor
) -> None:
    opened = await sessions.open_session(ctx, member)
    clock.advance(30)
    before = await snapshot(ctx)
    assert await sessions.resolve_session(ctx, opened.token) == member
    assert await snapshot(ctx) == before


async def test_sign_out_stops_the_token_at_once(ctx: ServiceContext, member: StaffActor) -> None:
    opened = await sessions.open_session(ctx, member)
    await sessions.close_session(ctx, opened.token)
    (row,) = await _session_rows(ctx)
    assert row[-1] is not None
    assert (await audit_entries(ctx))[-1][:3] == (
        f"staff:{member.staff_id}",
        "session_closed",
        f"session:{row[0]}",
    )
    before = await snapshot(ctx)
    for use in (sessions.resolve_session, sessions.close_session):
        with pytest.raises(SessionInvalid) as closed:
            await use(ctx, opened.token)
        assert closed.value.code == "session_invalid"
    assert await snapshot(ctx) == before


@pytest.mark.parametrize(
    "token",
    ["", "x", "A" * 43, "!" * 43, "A" * 44, None, 42],
    ids=["empty", "short", "unknown", "bad-characters", "too-long", "none", "number"],
)
async def test_a_token_that_is_no_session_is_refused_and_changes_nothing(
    ctx: ServiceContext, member: StaffActor, token: object
) -> None:
    await sessions.open_session(ctx, member)
    before = await snapshot(ctx)
    with pytest.raises(SessionInvalid) as refused:
        await sessions.resolve_session(ctx, token)  # type: ignore[arg-type]
    assert refused.value.code == "session_invalid"
    assert await snapshot(ctx) == before


async def test_deactivating_staff_closes_their_sessions_for_good(
    ctx: ServiceContext, member: StaffActor
) -> None:
    opened = await sessions.open_session(ctx, member)
    await staff.set_staff_active(ctx, ROOT, member.staff_id, False)
    assert (await audit_entries(ctx))[-1][3] == {"sessions_closed": 1}
    await staff.set_staff_active(ctx, ROOT, member.staff_id, True)
    with pytest.raises(SessionInvalid) as closed:
        await sessions.resolve_session(ctx, opened.token)
    assert closed.value.code == "session_invalid", "reactivation does not bring an old session back"


async def test_a_session_of_an_account_made_inactive_meanwhile_is_refused(
    ctx: ServiceContext, member: StaffActor
) -> None:
    opened = await sessions.open_session(ctx, member)
    # Another writer (say, an older server) deactivates without closing sessions: resolve still refuses.
    await ctx.db.write(
        lambda conn: conn.execute(
            update(staff_table).where(staff_table.c.id == member.staff_id).values(active=False)
        )
    )
    before = await snapshot(ctx)
    with pytest.raises(SessionInvalid) as inactive:
        await sessions.resolve_session(ctx, opened.token)
    assert inactive.value.code == "session_staff_inactive"
    assert await snapshot(ctx) == before


async def test_only_active_staff_open_a_session(ctx: ServiceContext, member: StaffActor) -> None:
    device = await devices.register_device(ctx, name="Kiosk", kind=DeviceKind.KIOSK)
    await staff.set_staff_active(ctx, ROOT, member.staff_id, False)
    before = await snapshot(ctx)
    with pytest.raises(NotAllowed) as not_staff:
        await sessions.open_session(ctx, DeviceActor(device.id, device.name))
    assert not_staff.value.code == "session_needs_staff"
    with pytest.raises(NotAllowed) as inactive:
        await sessions.open_session(ctx, member)
    assert inactive.value.code != "session_needs_staff"
    assert await snapshot(ctx) == before


async def test_the_session_carries_the_role_the_account_has_now(
    ctx: ServiceContext, member: StaffActor
) -> None:
    opened = await sessions.open_session(ctx, member)
    await ctx.db.write(
        lambda conn: conn.execute(
            update(staff_table).where(staff_table.c.id == member.staff_id).values(role="door")
        )
    )
    assert (await sessions.resolve_session(ctx, opened.token)).role is Role.DOOR
    assert timedelta(0) < sessions.SESSION_IDLE < sessions.SESSION_MAX
