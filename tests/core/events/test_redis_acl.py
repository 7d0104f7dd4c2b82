"""Redis ACL users on the real server: devices may only subscribe to their namespace; only the server publishes."""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from redis.asyncio import Redis
from redis.exceptions import AuthenticationError, NoPermissionError

from core.domain.ids import ConcertId
from core.events import acl
from core.events.protocol import channel, namespace_prefix
from core.events.redis_bus import _PUBLISH_LUA, RedisBus, seq_key
from tests.core.events.conftest import next_message, no_message, places_changed

pytestmark = pytest.mark.redis

_numbers = itertools.count(1)


def url_as(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"))


@dataclass(frozen=True)
class Users:
    namespace: str
    server: str
    device: str
    server_url: str
    device_url: str


def fresh_namespace() -> str:
    # ACL users are global to the Redis server: names carry this process and a counter, and are deleted after.
    return f"t{os.getpid()}n{next(_numbers)}"


@pytest.fixture
async def admin(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def users(redis_url: str, admin: Redis) -> AsyncIterator[Users]:
    namespace = fresh_namespace()
    server, device = acl.server_user(namespace), acl.device_user(namespace)
    server_pw, device_pw = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    await acl.apply(admin, server, server_pw)
    await acl.apply(admin, device, device_pw)
    try:
        yield Users(
            namespace,
            server.name,
            device.name,
            url_as(redis_url, server.name, server_pw),
            url_as(redis_url, device.name, device_pw),
        )
    finally:
        await acl.delete(admin, server.name, device.name)
        keys = [k async for k in admin.scan_iter(match=f"{namespace_prefix(namespace)}*")]
        if keys:
            await admin.delete(*keys)


@pytest.fixture
def cid() -> ConcertId:
    return ConcertId(secrets.randbelow(10**9) + 10**9)


async def _listening(url: str, name: str) -> AsyncIterator[bytes]:
    """Raw payloads published on ``name``, seen as the (unrestricted) default user."""
    client = Redis.from_url(url)
    pubsub = client.pubsub()
    await pubsub.subscribe(name)
    try:
        while True:
            reply = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
            if reply is not None:
                yield reply["data"]
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await client.aclose()


async def _received(url: str, name: str, send: object, within: float = 0.5) -> list[bytes]:
    """Subscribe as the default user, run ``send`` (a coroutine function), collect what arrives."""
    got: list[bytes] = []
    listener = _listening(url, name)

    async def collect() -> None:
        async for data in listener:
            got.append(data)

    task = asyncio.create_task(collect())
    await asyncio.sleep(0.2)  # the subscription is confirmed before anything is sent
    try:
        await send()  # type: ignore[operator]
    finally:
        await asyncio.sleep(within)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await listener.aclose()
    return got


# --- the device user ------------------------------------------------------------------------------------


async def test_device_user_cannot_publish(users: Users, redis_url: str, cid: ConcertId) -> None:
    name = channel(cid, users.namespace)
    device = Redis.from_url(users.device_url)

    async def forge() -> None:
        with pytest.raises(NoPermissionError, match="'publish' command"):
            await device.publish(name, b"1|forged seat event")

    try:
        assert await _received(redis_url, name, forge) == []  # and nothing reached a subscriber
    finally:
        await device.aclose()


async def test_control_the_default_user_can_publish(redis_url: str, cid: ConcertId) -> None:
    """Shows that the test above can fail: the same forged publish as a user without an ACL goes through."""
    name = channel(cid, fresh_namespace())
    client = Redis.from_url(redis_url)

    async def forge() -> None:
        await client.publish(name, b"1|forged seat event")

    try:
        assert await _received(redis_url, name, forge) == [b"1|forged seat event"]
    finally:
        await client.aclose()


async def test_device_user_cannot_write_or_read_keys(users: Users, admin: Redis, cid: ConcertId) -> None:
    key = seq_key(cid, users.namespace)
    await admin.set(key, 41)
    device = Redis.from_url(users.device_url)
    try:
        with pytest.raises(NoPermissionError, match="'set' command"):
            await device.set(key, 999)
        with pytest.raises(NoPermissionError, match=r"'incr(by)?' command"):
            await device.incr(key)
        with pytest.raises(NoPermissionError, match="'get' command"):
            await device.get(key)
        with pytest.raises(NoPermissionError, match="'del' command"):
            await device.delete(key)
        with pytest.raises(NoPermissionError, match="'eval' command"):
            await device.eval(_PUBLISH_LUA, 1, key, channel(cid, users.namespace), "forged")  # type: ignore[misc]
    finally:
        await device.aclose()
    assert await admin.get(key) == b"41"  # nothing changed


async def test_device_user_subscribes_to_its_namespace_and_gets_the_servers_events(
    users: Users, cid: ConcertId
) -> None:
    server = RedisBus(users.server_url, namespace=users.namespace)
    device = RedisBus(users.device_url, namespace=users.namespace)
    try:
        async with device.subscribe(cid) as messages:
            sent = await server.publish(places_changed(cid))
            assert sent.seq >= 1  # the server's script ran: INCR and PUBLISH allowed
            assert await next_message(messages) == sent
    finally:
        await device.close()
        await server.close()


@pytest.mark.parametrize("command", ["subscribe", "psubscribe"])
async def test_device_user_cannot_subscribe_to_another_namespace(
    users: Users, cid: ConcertId, command: str
) -> None:
    other = channel(cid, fresh_namespace())
    device = Redis.from_url(users.device_url)
    pubsub = device.pubsub()
    try:
        await getattr(pubsub, command)(other if command == "subscribe" else "encore:*")
        with pytest.raises(NoPermissionError, match="channels"):
            await pubsub.get_message(timeout=1.0)
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await device.aclose()


# --- the server user ------------------------------------------------------------------------------------


async def test_server_user_cannot_leave_its_namespace(users: Users, admin: Redis, cid: ConcertId) -> None:
    other_ns = fresh_namespace()
    server = Redis.from_url(users.server_url)
    try:
        with pytest.raises(NoPermissionError, match="channels"):
            await server.publish(channel(cid, other_ns), b"1|x")
        with pytest.raises(NoPermissionError, match="keys"):
            await server.execute_command("INCR", seq_key(cid, other_ns))  # type: ignore[no-untyped-call]
        with pytest.raises(NoPermissionError, match="'set' command"):
            await server.set(seq_key(cid, users.namespace), 5)  # its own keys: only what the script needs
        with pytest.raises(NoPermissionError, match="'flushall' command"):
            await server.flushall()
    finally:
        await server.aclose()
    assert await admin.exists(seq_key(cid, other_ns), seq_key(cid, users.namespace)) == 0


async def test_namespaces_do_not_see_each_other(redis_url: str, cid: ConcertId) -> None:
    first, second = fresh_namespace(), fresh_namespace()
    bus_a, bus_b = RedisBus(redis_url, namespace=first), RedisBus(redis_url, namespace=second)
    try:
        async with bus_a.subscribe(cid) as messages:
            await bus_b.publish(places_changed(cid, place=2))  # the same concert id, another database
            await no_message(messages, 0.3)
            mine = await bus_a.publish(places_changed(cid, place=1))
            assert await next_message(messages) == mine
            assert mine.seq == 1  # its own sequence too
    finally:
        await bus_a.close()
        await bus_b.close()
        client = Redis.from_url(redis_url)
        await client.delete(seq_key(cid, first), seq_key(cid, second))
        await client.aclose()


# --- applying users -------------------------------------------------------------------------------------


async def test_applying_again_replaces_the_password(users: Users, admin: Redis, redis_url: str) -> None:
    new = secrets.token_urlsafe(16)
    await acl.apply(admin, acl.device_user(users.namespace), new)
    old_client = Redis.from_url(users.device_url)
    new_client = Redis.from_url(url_as(redis_url, users.device, new))
    try:
        with pytest.raises(AuthenticationError):
            await old_client.ping()
        assert await new_client.ping()
    finally:
        await old_client.aclose()
        await new_client.aclose()


async def test_device_user_has_a_password_no_keys_and_only_its_channels(users: Users, admin: Redis) -> None:
    info = await admin.execute_command("ACL", "GETUSER", users.device)  # type: ignore[no-untyped-call]
    assert len(info[b"passwords"]) == 1
    assert b"nopass" not in info[b"flags"]
    assert info[b"keys"] == b""
    assert info[b"channels"] == f"&{namespace_prefix(users.namespace)}*".encode()


async def test_an_empty_password_is_refused(admin: Redis) -> None:
    user = acl.device_user(fresh_namespace())
    with pytest.raises(ValueError, match="needs a password"):
        await acl.apply(admin, user, "")
    assert await admin.execute_command("ACL", "GETUSER", user.name) is None  # type: ignore[no-untyped-call]
