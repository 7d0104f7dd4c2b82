""" "Remember me" over the API: a sign-in with remember hands out a token that opens the next session once (and
brings the next token); signing out, a used token, and a deactivated account end it."""

from __future__ import annotations

import pytest

from core.client.staff_keyring import Desk
from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.domain.errors import NotAuthenticated
from core.domain.staff import Role
from core.services import staff
from tests.builders import ROOT
from tests.dbstate import snapshot
from tests.support.staff_api import PASSWORD, make_staff

DESK = Desk("install-abc", "Encore admin on office-1 (Linux, user ada)")


def _client(served) -> RemoteStaffClient:
    return RemoteStaffClient(
        Settings(server_url="http://encore.test"), transport=served.transport(), desk=DESK
    )


async def test_a_remembered_sign_in_opens_one_session_and_hands_out_the_next(served) -> None:
    manager = await make_staff(served.ctx, Role.MANAGER)
    async with _client(served) as client:
        plain = await client.sign_in(manager.email, PASSWORD)
        assert plain.remember_token is None
        first = await client.sign_in(manager.email, PASSWORD, remember=True)
        assert first.remember_token
        assert first.remember_token not in repr(first)
        second = await client.sign_in_remembered(first.remember_token)
        assert second.staff == first.staff
        assert second.remember_token
        assert second.remember_token != first.remember_token
        before = await snapshot(served.ctx)
        with pytest.raises(NotAuthenticated) as used:  # each token opens one session
            await client.sign_in_remembered(first.remember_token)
        assert used.value.code == "remember_token_invalid"
        assert await snapshot(served.ctx) == before

        await second.sign_out()  # signing out forgets this desktop: its token ends with the session
        with pytest.raises(NotAuthenticated) as forgotten:
            await client.sign_in_remembered(second.remember_token)
        assert forgotten.value.code == "remember_token_invalid"


async def test_a_deactivated_account_is_not_signed_in_by_its_remembered_token(served) -> None:
    door = await make_staff(served.ctx, Role.DOOR)
    async with _client(served) as client:
        session = await client.sign_in(door.email, PASSWORD, remember=True)
        await staff.set_staff_active(served.ctx, ROOT, door.id, False)
        await staff.set_staff_active(served.ctx, ROOT, door.id, True)  # back, but signed out everywhere
        with pytest.raises(NotAuthenticated) as refused:
            await client.sign_in_remembered(session.remember_token or "")
        assert refused.value.code == "remember_token_invalid"


async def test_a_malformed_token_is_refused_with_the_same_code(served) -> None:
    async with _client(served) as client:
        with pytest.raises(NotAuthenticated) as refused:
            await client.sign_in_remembered("not a token")
    assert refused.value.code == "remember_token_invalid"
