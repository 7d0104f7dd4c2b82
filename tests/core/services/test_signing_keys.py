"""The venue server's ticket-signing key: from the secret store (embedded: a 0600 file beside the database),
registered on the first sale, replaced by rotation; a missing or retired key sells nothing and changes nothing."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import stat
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from core.config import Settings
from core.db import signing_keys as signing_keys_db
from core.db.signing_keys import SERVER_KEY_BASE, ServerKey
from core.domain.clock import ManualClock
from core.domain.errors import ConfigError, Conflict
from core.domain.orders import Payment
from core.security.device_keys import DeviceKey
from core.services import checkout, sales, signing_keys
from core.services.context import ServiceContext
from tests.builders import build_stage, sell, signing_kiosk
from tests.core.services.admin_support import audit_entries
from tests.dbstate import snapshot
from tests.support.context import open_context, signing_key_ref


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _secret(key: DeviceKey) -> str:
    raw = key._private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode()


async def test_embedded_mode_creates_its_key_beside_the_database_and_registers_it_at_start(
    sqlite_url: str, clock: ManualClock
) -> None:
    key_file = Path(sqlite_url.split("///", 1)[1]).parent / "keys" / "encore-ticket-signing.key"
    async with open_context(sqlite_url, clock) as ctx:
        assert ctx.signer is not None
        assert _mode(key_file) == 0o600
        assert ctx.signer.key_id == SERVER_KEY_BASE
        [registered] = await signing_keys.list_signing_keys(ctx)
        assert registered.public_key == ctx.signer.key.public_key_bytes
        assert (registered.current, registered.trusted) == (True, True)
        assert [e[1] for e in await audit_entries(ctx)] == ["signing_key_added"]
        stage = await build_stage(ctx)
        kiosk = await signing_kiosk(ctx, "Embedded kiosk")
        order = await sell(ctx, stage, kiosk, stage.seats[:1], "first")
        assert order.tickets[0].key_id == SERVER_KEY_BASE
        public = ctx.signer.key.public_key_bytes
    async with open_context(sqlite_url, clock) as again:  # the next start: the same key, the same id
        assert again.signer.key.public_key_bytes == public
        order = await sell(again, stage, kiosk, stage.seats[1:2], "second")
        assert order.tickets[0].key_id == SERVER_KEY_BASE
        assert len(await signing_keys.list_signing_keys(again)) == 1


async def test_a_server_database_without_a_key_sells_nothing(
    pg_database_url: str, clock: ManualClock
) -> None:
    async with open_context(pg_database_url, clock) as ctx:
        stage = await build_stage(ctx)
        kiosk = await signing_kiosk(ctx, "Keyless kiosk")
        hold = await sales.hold_places(ctx, kiosk, stage.id, stage.seats[:1])
    settings = Settings(database_url=pg_database_url)  # no ticket_signing_key_ref
    async with ServiceContext.open(settings, clock=clock) as bare:
        assert bare.signer is None
        before = await snapshot(bare)
        with pytest.raises(ConfigError) as info:
            await checkout.checkout_hold(
                bare, kiosk, hold.id, idempotency_key="k", payment=Payment("card", "r", hold.total)
            )
        assert info.value.key == "ticket_signing_key_ref"
        assert "set ticket_signing_key_ref" in info.value.message
        assert await snapshot(bare) == before


async def test_a_key_not_yet_registered_is_registered_by_the_first_sale(ctx: ServiceContext) -> None:
    """A context whose database could not be asked at start (or built by hand) registers at the first sale."""
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Late kiosk")
    ctx.signer = signing_keys.ServerSigner(DeviceKey.generate(), "")  # a key the database does not know
    hold = await sales.hold_places(ctx, kiosk, stage.id, stage.seats[:1])
    order = await checkout.checkout_hold(
        ctx, kiosk, hold.id, idempotency_key="k", payment=Payment("card", "r", hold.total)
    )
    assert order.tickets[0].key_id == ctx.signer.key_id == SERVER_KEY_BASE + 1
    assert [k.current for k in await signing_keys.list_signing_keys(ctx)] == [False, True]


async def test_the_key_comes_from_the_configured_reference(
    sqlite_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = DeviceKey.generate()
    monkeypatch.setenv("ENCORE_TEST_TICKET_KEY", _secret(key))
    settings = Settings(database_url=sqlite_url, ticket_signing_key_ref="env:ENCORE_TEST_TICKET_KEY")
    async with ServiceContext.open(settings, clock=clock) as ctx:
        assert ctx.signer.key.public_key_bytes == key.public_key_bytes
        assert _secret(key) not in repr(ctx.signer)
    missing = Settings(database_url=sqlite_url, ticket_signing_key_ref="env:ENCORE_TEST_NO_SUCH_KEY")
    with pytest.raises(ConfigError) as info:  # at start, before anything is opened
        async with ServiceContext.open(missing, clock=clock):
            pass
    assert info.value.key == "env:ENCORE_TEST_NO_SUCH_KEY"


async def test_a_key_replaced_in_the_secret_store_takes_over_at_the_next_start(
    sqlite_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An env: reference is rotated by the operator: the new key is registered, the old one stays trusted."""
    first, second = DeviceKey.generate(), DeviceKey.generate()
    settings = Settings(database_url=sqlite_url, ticket_signing_key_ref="env:ENCORE_TEST_TICKET_KEY")
    monkeypatch.setenv("ENCORE_TEST_TICKET_KEY", _secret(first))
    async with ServiceContext.open(settings, clock=clock) as ctx:
        stage = await build_stage(ctx)
        kiosk = await signing_kiosk(ctx, "Env kiosk")
        await sell(ctx, stage, kiosk, stage.seats[:1], "one")
    monkeypatch.setenv("ENCORE_TEST_TICKET_KEY", _secret(second))
    async with ServiceContext.open(settings, clock=clock) as ctx:
        order = await sell(ctx, stage, kiosk, stage.seats[1:2], "two")
        assert order.tickets[0].key_id == SERVER_KEY_BASE + 1
        keys = await signing_keys.list_signing_keys(ctx)
    assert [(k.public_key, k.current, k.trusted) for k in keys] == [
        (first.public_key_bytes, False, True),
        (second.public_key_bytes, True, True),
    ]
    # Someone restores the old key: it was retired, so it signs nothing, and nothing changes.
    monkeypatch.setenv("ENCORE_TEST_TICKET_KEY", _secret(first))
    async with ServiceContext.open(settings, clock=clock) as ctx:
        hold = await sales.hold_places(ctx, kiosk, stage.id, stage.seats[2:3])
        before = await snapshot(ctx)
        with pytest.raises(Conflict) as info:
            await checkout.checkout_hold(
                ctx, kiosk, hold.id, idempotency_key="three", payment=Payment("card", "r", hold.total)
            )
        assert info.value.code == "signing_key_retired"
        assert await snapshot(ctx) == before


async def test_a_rotation_by_another_process_takes_over_at_the_next_start(
    sqlite_url: str, clock: ManualClock
) -> None:
    async with open_context(sqlite_url, clock) as ops, open_context(sqlite_url, clock) as server:
        old_id = server.signer.key_id
        stage = await build_stage(ops)
        kiosk = await signing_kiosk(ops, "Rotation kiosk")
        rotated = await signing_keys.rotate_signing_key(ops)  # `encore-ops signing-key rotate`
        # The running server goes on with its old key, which stays trusted, until it restarts.
        order = await sell(server, stage, kiosk, stage.seats[:1], "before-restart")
        assert order.tickets[0].key_id == old_id
    async with open_context(sqlite_url, clock) as restarted:
        order = await sell(restarted, stage, kiosk, stage.seats[1:2], "after-restart")
        assert order.tickets[0].key_id == rotated.key_id != old_id
        assert restarted.signer.key.public_key_bytes == rotated.public_key


async def test_rotation_refuses_a_read_only_reference(
    sqlite_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENCORE_TEST_TICKET_KEY", _secret(DeviceKey.generate()))
    settings = Settings(database_url=sqlite_url, ticket_signing_key_ref="env:ENCORE_TEST_TICKET_KEY")
    async with ServiceContext.open(settings, clock=clock) as ctx:
        before = await snapshot(ctx)
        with pytest.raises(ConfigError) as info:
            await signing_keys.rotate_signing_key(ctx)
        assert "env: references cannot be stored" in info.value.problem
        assert await snapshot(ctx) == before


class _Adds:
    """Counts the servers' attempts to add a key (each later server should find the first one's instead)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = signing_keys_db.add

        async def counted(conn: AsyncConnection, public_key: bytes, now: datetime) -> int:
            self.count += 1
            return await real(conn, public_key, now)

        monkeypatch.setattr(signing_keys_db, "add", counted)


async def _start_at_once(url: str, clock: ManualClock, servers: int) -> tuple[int, int, set[int | None]]:
    """``servers`` contexts on one database and one provisioned key, opened at once: (transactions run again,
    keys registered, key ids the servers sign with)."""
    opening = [open_context(url, clock) for _ in range(servers)]
    started = await asyncio.gather(*(s.__aenter__() for s in opening), return_exceptions=True)
    try:
        contexts = [c for c in started if not isinstance(c, BaseException)]
        if len(contexts) < servers:
            raise next(c for c in started if isinstance(c, BaseException))
        retries = sum(c.db.retries for c in contexts)
        keys = len(await signing_keys.list_signing_keys(contexts[0]))
        return retries, keys, {c.signer.key_id for c in contexts if c.signer is not None}
    finally:
        for s, c in zip(opening, started, strict=True):
            if not isinstance(c, BaseException):
                await s.__aexit__(None, None, None)


@pytest.mark.postgres
async def test_servers_starting_at_once_register_their_key_once(
    pg_database_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = signing_key_ref(pg_database_url)
    DeviceKey.load_or_create(ref)  # provisioned once, before the servers start
    adds = _Adds(monkeypatch)
    # One at a time (an advisory lock): each later server finds the first one's key, no transaction runs again;
    # also after the key was replaced in the store, when the first one retires the key before it.
    for n in range(3):
        if n:
            DeviceKey.rotate(ref)
        assert await _start_at_once(pg_database_url, clock, 16) == (0, n + 1, {SERVER_KEY_BASE + n})
        assert adds.count == n + 1  # one server added each key, the other 15 found it


@pytest.mark.postgres
async def test_control_without_the_lock_servers_starting_at_once_all_add_the_key(
    pg_database_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_lock(_conn: object) -> None:
        return None

    monkeypatch.setattr(signing_keys_db, "lock_changes", no_lock)
    real_find = signing_keys_db.find
    found: list[ServerKey | None] = []
    all_looked = asyncio.Event()

    async def find_then_wait_for_the_others(conn: AsyncConnection, public_key: bytes) -> ServerKey | None:
        # The moment that made CI's run collide, made certain: every server has looked before any adds.
        found.append(await real_find(conn, public_key))
        if len(found) == 16:
            all_looked.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_looked.wait(), 5)
        return found[-1]

    monkeypatch.setattr(signing_keys_db, "find", find_then_wait_for_the_others)
    DeviceKey.load_or_create(signing_key_ref(pg_database_url))
    adds = _Adds(monkeypatch)
    _retries, keys, ids = await _start_at_once(pg_database_url, clock, 16)
    assert found[:16] == [None] * 16
    # Without the lock every server tried to add the key (the losers' inserts failed on the unique key, or,
    # with a key to retire, deadlocked or timed out busy: CI's failure). The outcome is still one key.
    assert adds.count == 16
    assert (keys, ids) == (1, {SERVER_KEY_BASE})


@pytest.mark.postgres
async def test_a_server_starting_while_the_key_table_is_busy_starts_and_registers_at_its_first_sale(
    pg_database_url: str, clock: ManualClock
) -> None:
    ref = signing_key_ref(pg_database_url)
    DeviceKey.load_or_create(ref)
    blocker = create_async_engine(pg_database_url)
    try:
        async with blocker.connect() as conn, conn.begin():
            # A migration or a backup holding the table: the server gives up waiting (lock timeout, busy).
            await conn.execute(text("LOCK TABLE signing_keys IN ACCESS EXCLUSIVE MODE"))
            opening = open_context(pg_database_url, clock)
            ctx = await opening.__aenter__()
        try:
            signer = ctx.signer
            assert signer is not None
            assert signer.key_id is None  # started, not registered yet
            stage = await build_stage(ctx)
            kiosk = await signing_kiosk(ctx, "Busy-start kiosk")
            order = await sell(ctx, stage, kiosk, stage.seats[:1], "first-after-busy")
            assert order.tickets[0].key_id == SERVER_KEY_BASE
            assert ctx.signer is signer
            assert (await signing_keys.ticket_signer(ctx)).key_id == SERVER_KEY_BASE == signer.key_id
            assert len(await signing_keys.list_signing_keys(ctx)) == 1
        finally:
            await opening.__aexit__(None, None, None)
    finally:
        await blocker.dispose()


@pytest.mark.postgres
async def test_contexts_registering_at_their_first_sales_at_once_register_once(
    pg_database_url: str, clock: ManualClock
) -> None:
    async with open_context(pg_database_url, clock) as ctx:
        stage = await build_stage(ctx)
        kiosk = await signing_kiosk(ctx, "Race kiosk")
        holds = [await sales.hold_places(ctx, kiosk, stage.id, [seat]) for seat in stage.seats[:6]]
        ctx.signer = signing_keys.ServerSigner(DeviceKey.generate(), "")  # not registered yet
        orders = await asyncio.gather(
            *(
                checkout.checkout_hold(
                    ctx, kiosk, h.id, idempotency_key=f"race-{n}", payment=Payment("c", "r", h.total)
                )
                for n, h in enumerate(holds)
            )
        )
        assert {o.tickets[0].key_id for o in orders} == {SERVER_KEY_BASE + 1}
        assert len(await signing_keys.list_signing_keys(ctx)) == 2
