"""Password sign-in on both engines: wrong passwords lock the address for a growing time, audited; an unknown
address answers exactly like a known one, after the same one argon2 verify."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from core.domain.clock import ManualClock
from core.domain.errors import NotAllowed, NotAuthenticated, SignInLockedOut
from core.domain.staff import Role, StaffActor
from core.services import staff
from core.services.context import ServiceContext
from tests.builders import ROOT
from tests.core.services.admin_support import audit_entries
from tests.dbstate import snapshot
from tests.support.argon2 import count_verifies

EMAIL = "dora@example.org"
PASSWORD = "correct horse battery"
WRONG = "wrong horse battery"


@pytest.fixture
async def dora(ctx: ServiceContext) -> StaffActor:
    member = await staff.create_staff(
        ctx, ROOT, email=EMAIL, display_name="Dora", role=Role.MANAGER, password=PASSWORD
    )
    return StaffActor(member.id, member.role, member.display_name)


async def _failed(ctx: ServiceContext, email: str = EMAIL, password: str = WRONG) -> NotAllowed:
    with pytest.raises(NotAllowed) as info:
        await staff.sign_in(ctx, email=email, password=password)
    return info.value


async def test_a_wrong_password_changes_exactly_its_counter_and_one_audit_entry(
    ctx: ServiceContext, clock: ManualClock, dora: StaffActor
) -> None:
    before = await snapshot(ctx)
    error = await _failed(ctx)
    # A NotAllowed too; 401 over HTTP.
    assert (type(error), error.code) == (NotAuthenticated, "sign_in_failed")
    after = await snapshot(ctx)
    assert {name for name in after if after[name] != before[name]} == {"attempt_guards", "audit_log"}
    assert after["attempt_guards"] == [(f"password:{EMAIL}", 1, 0, None, clock.now())]
    (entry,) = [row for row in after["audit_log"] if row not in before["audit_log"]]
    assert entry[2:5] == ("system:sign-in", "sign_in_failed", f"staff:{dora.staff_id}")
    assert entry[5] == {"method": "password", "reason": "wrong"}
    assert WRONG not in repr(after)


async def test_five_wrong_passwords_lock_the_account_for_a_growing_time(
    ctx: ServiceContext, clock: ManualClock, dora: StaffActor, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def lock() -> SignInLockedOut:
        for _ in range(4):
            assert (await _failed(ctx)).code == "sign_in_failed"
        locked = await _failed(ctx)
        assert isinstance(locked, SignInLockedOut)
        return locked

    first = await lock()
    assert first.code == "sign_in_locked_out"
    assert first.until == clock.now() + timedelta(minutes=1)
    assert "about a minute" in first.message
    actions = [(e[1], e[3].get("reason")) for e in (await audit_entries(ctx))[-2:]]
    assert actions == [("sign_in_failed", "wrong"), ("account_locked", None)]

    verifies = count_verifies(monkeypatch)
    clock.advance(59)
    refused = await _failed(ctx, password=PASSWORD)  # the right password: not even tried while locked
    assert isinstance(refused, SignInLockedOut)
    assert "about a minute" in refused.message
    assert verifies.calls == 0
    assert (await audit_entries(ctx))[-1][3] == {"method": "password", "reason": "locked"}

    clock.advance(1)
    second = await lock()
    assert second.until == clock.now() + timedelta(minutes=2)
    assert "about 2 minutes" in second.message
    clock.advance(120)
    third = await lock()
    assert third.until == clock.now() + timedelta(minutes=4), "the lock doubles while no sign-in succeeds"

    clock.advance(240)
    assert await staff.sign_in(ctx, email=EMAIL, password=PASSWORD) == dora
    for _ in range(4):
        await _failed(ctx)
    assert await staff.sign_in(ctx, email=EMAIL, password=PASSWORD) == dora, "4 wrong, then right: not locked"
    fresh = await lock()
    assert fresh.until == clock.now() + timedelta(minutes=1), "a successful sign-in reset the growth"


async def test_an_unknown_address_answers_like_a_known_one(
    ctx: ServiceContext, clock: ManualClock, dora: StaffActor, monkeypatch: pytest.MonkeyPatch
) -> None:
    verifies = count_verifies(monkeypatch)
    started = time.perf_counter()
    known = await _failed(ctx)
    known_took = time.perf_counter() - started
    started = time.perf_counter()
    unknown = await _failed(ctx, email="nobody@example.org")
    unknown_took = time.perf_counter() - started
    assert (known.code, known.message) == (unknown.code, unknown.message)
    assert verifies.calls == 2, "one argon2 verify each: against Dora's hash, and against a dummy one"
    assert unknown_took > known_took / 3, (known_took, unknown_took)
    for _ in range(3):
        await _failed(ctx, email="nobody@example.org")
    locked = await _failed(ctx, email="nobody@example.org")
    assert isinstance(locked, SignInLockedOut), "an unknown address locks too, so locking says nothing"
    assert locked.until == clock.now() + timedelta(minutes=1)
    assert (await audit_entries(ctx))[-1][1:3] == ("account_locked", "email:nobody@example.org")
    assert await staff.sign_in(ctx, email=EMAIL, password=PASSWORD) == dora, "each address counts its own"


async def test_an_inactive_account_counts_as_a_wrong_password(ctx: ServiceContext, dora: StaffActor) -> None:
    await staff.set_staff_active(ctx, ROOT, dora.staff_id, False)
    for _ in range(4):
        assert (await _failed(ctx, password=PASSWORD)).code == "sign_in_failed"
    assert (await audit_entries(ctx))[-1][3]["reason"] == "inactive"
    assert isinstance(await _failed(ctx, password=PASSWORD), SignInLockedOut)
