"""`encore-ops redis-acl`: this database's two Redis ACL users (the server publishes, devices only subscribe)."""

from __future__ import annotations

import argparse
import asyncio
import functools
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.config import Settings
from core.db import site as site_db
from core.db.engine import create_engine
from core.db.transaction import Database
from core.domain.errors import ConfigError, StorageUnavailable
from core.events import acl
from core.events.redis_bus import tls_options
from core.ops.commands import Command
from core.security.secret_store import resolve_secret
from core.services.context import namespace_of

SOURCE = "encore-ops redis-acl"


@dataclass(frozen=True, slots=True)
class AclOptions:
    admin_url: str = ""
    """Who may run ACL SETUSER (default: redis_url without its user name, i.e. Redis's default user)."""
    admin_password_ref: str = ""
    server_user: str = ""
    """Default: the user name in redis_url, else encore-<namespace>-server."""
    device_user: str = ""
    """Default: encore-<namespace>-device."""
    device_password_ref: str = ""

    @classmethod
    def of(cls, args: argparse.Namespace) -> AclOptions:
        return cls(
            args.admin_url or "",
            args.admin_password_ref or "",
            args.server_user or "",
            args.device_user or "",
            args.device_password_ref or "",
        )


def bind(args: argparse.Namespace) -> Command:
    return functools.partial(redis_acl, options=AclOptions.of(args))


async def redis_acl(settings: Settings, options: AclOptions | None = None) -> int:
    options = options or AclOptions()
    if not settings.redis_url:
        raise ConfigError(
            SOURCE, "redis_url", "is empty: set it to the server's Redis, redis://<user>@host:6379/0"
        )
    if not settings.redis_password_ref:
        raise ConfigError(
            SOURCE, "redis_password_ref", "the server's Redis user needs a password: set the reference"
        )
    if not options.device_password_ref:
        raise ConfigError(
            SOURCE, "--device-password-ref", "the devices' Redis user needs a password: name its reference"
        )
    if options.admin_url and urlsplit(options.admin_url).password:
        raise ConfigError(SOURCE, "--admin-url", "must not contain a password; use --admin-password-ref")
    namespace = settings.redis_namespace or await _database_namespace(settings)
    server_password = await asyncio.to_thread(resolve_secret, settings.redis_password_ref)
    device_password = await asyncio.to_thread(resolve_secret, options.device_password_ref)
    admin_password = await asyncio.to_thread(resolve_secret, options.admin_password_ref)
    if server_password == device_password:
        raise ConfigError(
            SOURCE, "--device-password-ref", "the devices' password must differ from the server's"
        )
    default_server, default_device = acl.default_user_names(namespace)
    server_name = options.server_user or urlsplit(settings.redis_url).username or default_server
    device_name = options.device_user or default_device
    if server_name == device_name:
        raise ConfigError(SOURCE, "--device-user", f"must differ from the server's user ({server_name})")
    admin_url = options.admin_url or _without_user(settings.redis_url)
    admin = Redis.from_url(
        admin_url,
        password=admin_password,
        socket_connect_timeout=5,
        socket_timeout=10,
        **tls_options(admin_url, settings.broker_ca_file),
    )
    try:
        # Both references are non-empty, and resolve_secret never returns an empty value for one.
        assert server_password is not None
        assert device_password is not None
        await acl.apply(admin, acl.server_user(namespace, server_name), server_password)
        await acl.apply(admin, acl.device_user(namespace, device_name), device_password)
        saved = await acl.save(admin)
    except RedisError as exc:
        # Redis errors name host and port at most, never the password.
        print(f"encore-ops: Redis refused the ACL change ({type(exc).__name__}: {exc}); check --admin-url "
              "and that Redis is 6.2 or newer", file=sys.stderr)  # fmt: skip
        return 2
    finally:
        await admin.aclose()
    host = urlsplit(admin_url).netloc.rpartition("@")[2]
    print(f"Redis namespace {namespace}: channels and keys encore:{namespace}:*")
    print(f"  server user {server_name}: publishes (Lua INCR + PUBLISH) and subscribes in the namespace")
    print(f"  device user {device_name}: may only SUBSCRIBE/PSUBSCRIBE in the namespace and PING")
    print(
        f"Devices connect as redis://{device_name}@{host} with the password from {options.device_password_ref}."
    )
    if saved:
        print("Saved into Redis's ACL file: the users survive a restart.")
    else:
        print("Redis has no ACL file (aclfile), so these users last until it restarts: run this again then, or "
              "configure one (server-stack/redis/redis.conf).")  # fmt: skip
    return 0


async def _database_namespace(settings: Settings) -> str:
    password = await asyncio.to_thread(resolve_secret, settings.database_password_ref)
    db = Database(
        create_engine(
            settings.resolved_database_url(),
            password=password,
            tls=settings.database_tls,
            pooler=settings.database_pooler,
        )
    )
    try:
        instance = await db.read(lambda conn: site_db.get(conn, site_db.INSTANCE))
    except StorageUnavailable as exc:
        raise ConfigError(
            SOURCE, "database_url", f"cannot read the database's namespace: {exc.message}"
        ) from None
    finally:
        await db.dispose()
    if instance is None:
        raise ConfigError(
            SOURCE,
            "redis_namespace",
            "the database has no instance id yet: run encore-ops db upgrade, or set it",
        )
    return namespace_of(instance)


def _without_user(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
