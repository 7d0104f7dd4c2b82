"""Redis ACL users for one namespace: the server may publish Encore's events, devices may only subscribe."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from core.events.protocol import namespace_prefix

# Pub/sub and PING for both; CLIENT SETINFO (Redis >= 7.2) only so redis-py's hello is not logged as a
# refusal in ACL LOG. SELECT lets a URL name a database; keys are limited by pattern whatever the database.
_SUBSCRIBE = ("+subscribe", "+psubscribe", "+unsubscribe", "+punsubscribe", "+ping", "+select")
# The publish script (EVALSHA, SCRIPT LOAD when Redis has forgotten it, EVAL) and what it calls inside:
# Redis checks a script's commands against the caller's ACL too, so INCR and PUBLISH must be allowed.
_PUBLISH = ("+evalsha", "+eval", "+script|load", "+incr", "+get", "+publish")
_OPTIONAL = ("+client|setinfo",)


@dataclass(frozen=True, slots=True)
class AclUser:
    """One ACL user's name and rules, without its password (added as a SHA-256 when applied)."""

    name: str
    rules: tuple[str, ...]


def default_user_names(namespace: str) -> tuple[str, str]:
    """(server, device) user names: per namespace, since ACL users are global to the Redis server and two
    venues sharing it must not overwrite each other's users."""
    return f"encore-{namespace}-server", f"encore-{namespace}-device"


def server_user(namespace: str, name: str | None = None) -> AclUser:
    """The venue server: publishes (the Lua script INCRs the seq key and PUBLISHes) and may subscribe, in its
    namespace only: keys and channels both."""
    prefix = namespace_prefix(namespace)
    return AclUser(
        name or default_user_names(namespace)[0],
        ("reset", "on", f"~{prefix}*", f"&{prefix}*", "-@all", *_PUBLISH, *_SUBSCRIBE),
    )


def device_user(namespace: str, name: str | None = None) -> AclUser:
    """Kiosks, doors and admin desktops: SUBSCRIBE/PSUBSCRIBE to the namespace's channels and PING; no key,
    no PUBLISH, nothing else."""
    prefix = namespace_prefix(namespace)
    return AclUser(
        name or default_user_names(namespace)[1],
        ("reset", "on", "resetkeys", f"&{prefix}*", "-@all", *_SUBSCRIBE),
    )


async def apply(admin: Redis, user: AclUser, password: str) -> None:
    """Create or replace the user (ACL SETUSER ... reset ...). Only the password's SHA-256 crosses the wire,
    so it never shows in SLOWLOG, MONITOR or a captured packet."""
    if not password:
        raise ValueError(f"the Redis user {user.name} needs a password")
    digest = f"#{hashlib.sha256(password.encode()).hexdigest()}"
    try:
        await _command(admin, "ACL", "SETUSER", user.name, *user.rules, *_OPTIONAL, digest)
    except ResponseError as exc:
        # An older Redis (< 7.2) does not know CLIENT SETINFO; SETUSER is atomic, so nothing was half-applied.
        if "unknown command" not in str(exc).lower():
            raise
        await _command(admin, "ACL", "SETUSER", user.name, *user.rules, digest)


async def save(admin: Redis) -> bool:
    """ACL SAVE: write the users into Redis's ACL file (server-stack/redis), so a restart keeps them. False when
    Redis has no aclfile: its users then last until it restarts."""
    try:
        await _command(admin, "ACL", "SAVE")
    except ResponseError as exc:
        if "acl file" not in str(exc).lower():
            raise
        return False
    return True


async def delete(admin: Redis, *names: str) -> int:
    """ACL DELUSER: also disconnects the users' open connections."""
    if not names:
        return 0
    return int(await _command(admin, "ACL", "DELUSER", *names))


async def _command(admin: Redis, *args: str) -> Any:
    # The raw commands: redis-py's acl_setuser() has no argument for a channel pattern with reset ordering,
    # and execute_command is left unannotated.
    return await admin.execute_command(*args)  # type: ignore[no-untyped-call]
