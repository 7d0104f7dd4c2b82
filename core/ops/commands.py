"""`encore-ops`' subcommands and their options, each naming its implementation by module and function: the
module is imported only when its command runs, so `encore-ops --help` or a container probe does not load the
database, the services and the brokers first (tests/core/ops/test_cli_startup.py)."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from core.config import Settings
from core.ops.heartbeat import DEFAULT_MAX_AGE_S

Command = Callable[[Settings], Coroutine[Any, Any, int]]
Bind = Callable[[argparse.Namespace], Command]
"""The parsed arguments in, the command to run with the settings out."""
if TYPE_CHECKING:  # argparse's class is generic only to type checkers
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def lazy(module: str, name: str) -> Bind:
    """``module.name(args)`` gives the command; the module is imported then, not when the parser is built."""

    def bind(args: argparse.Namespace) -> Command:
        return cast(Bind, getattr(importlib.import_module(module), name))(args)

    bind.__qualname__ = f"lazy({module}.{name})"
    return bind


def lazy_run(module: str, name: str) -> Bind:
    """``module.name`` is the command itself (it takes no options)."""

    def bind(_: argparse.Namespace) -> Command:
        return cast(Command, getattr(importlib.import_module(module), name))

    bind.__qualname__ = f"lazy_run({module}.{name})"
    return bind


def add_redis_acl(sub: Subparsers) -> None:
    p = sub.add_parser(
        "redis-acl",
        help="create or update the Redis users: the server's (publishes) and the devices' (may only subscribe)",
    )
    p.set_defaults(bind=lazy("core.ops.redis_acl", "bind"))
    p.add_argument("--admin-url", metavar="URL", help="a Redis connection allowed to run ACL SETUSER")
    p.add_argument(
        "--admin-password-ref", metavar="REF", help="secret reference of that connection's password"
    )
    p.add_argument("--server-user", metavar="NAME", help="the server's user (default: from redis_url)")
    p.add_argument("--device-user", metavar="NAME", help="the devices' user (default: encore-<ns>-device)")
    p.add_argument(
        "--device-password-ref", metavar="REF", help="secret reference of the devices' password (required)"
    )


def add_keys(sub: Subparsers) -> None:
    keys = sub.add_parser("signing-key", help="the server's ticket-signing keys").add_subparsers(
        dest="signing_key_command", required=True
    )
    keys.add_parser("rotate", help="a new key signs from now on; old keys stay trusted").set_defaults(
        bind=lazy_run("core.ops.keys", "rotate_signing_key")
    )
    keys.add_parser("list", help="every ticket-signing key (public fingerprints only)").set_defaults(
        bind=lazy_run("core.ops.keys", "list_signing_keys")
    )
    gate = sub.add_parser("gate-key", help="store one gate's command key for its turnstile controller")
    gate.add_argument("gate", help="the gate's name, as in the MQTT topic encore/gates/<gate>/open")
    gate.add_argument("--into", required=True, metavar="REF", help="file: or keyring: reference to store it")
    gate.set_defaults(bind=lazy("core.ops.keys", "bind_gate"))
    pins = sub.add_parser(
        "forget-pins",
        help="forget every staff PIN and check PINs with this server's key (the old PIN key is lost)",
    )
    pins.add_argument("--yes", action="store_true", help="really forget them")
    pins.set_defaults(bind=lazy("core.ops.keys", "bind_forget_pins"))


def add_scheduler(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "scheduler", help="run the timed jobs: holds, sales end, mail, reminders, backups"
    )
    parser.add_argument(
        "--heartbeat",
        metavar="PATH",
        type=Path,
        default=None,
        help="heartbeat file for `encore-ops health scheduler` (default: ENCORE_SCHEDULER_HEARTBEAT or the "
        "temp dir)",
    )
    parser.set_defaults(bind=lazy("core.ops.scheduler", "bind"))


def add_health(sub: Subparsers) -> None:
    parser = sub.add_parser("health", help="container probe: exit 0 if healthy, 1 if not, with the reason")
    what = parser.add_subparsers(dest="health_of", required=True, metavar="WHAT")
    server = what.add_parser(
        "server", help="encore-server is ready: its database answers (/v1/health/ready; --live: /v1/health)"
    )
    server.add_argument(
        "--live", action="store_true", help="only whether the process answers (for liveness probes)"
    )
    server.add_argument("--url", help="base URL (default: from server_host, server_port and TLS settings)")
    server.add_argument("--timeout", type=float, default=3.0, metavar="S")
    server.set_defaults(bind=lazy("core.ops.health", "bind"))
    scheduler = what.add_parser("scheduler", help="the scheduler's heartbeat is fresh")
    scheduler.add_argument(
        "--heartbeat", type=Path, metavar="PATH", help="default: as `encore-ops scheduler`"
    )
    scheduler.add_argument("--max-age", type=float, default=DEFAULT_MAX_AGE_S, metavar="S")
    scheduler.set_defaults(bind=lazy("core.ops.health", "bind"))


_FROM_OFFSITE = "fetch FILE from the off-site object store and open it with the off-site key first"


def add_backup(sub: Subparsers) -> None:
    take = sub.add_parser(
        "backup", help="take a logical backup (pg_dump, or SQLite's online backup) with a manifest"
    )
    take.add_argument("--to", type=Path, metavar="DIR", help="folder (default: backup_dir from the settings)")
    take.add_argument(
        "--offsite", action="store_true", help="also seal it and put it on the off-site object store"
    )
    take.set_defaults(bind=lazy("core.ops.backup_cli", "bind_backup"))
    restore = sub.add_parser("restore", help="restore a backup into the configured (empty) database")
    restore.add_argument(
        "file", metavar="FILE", help="a backup file, or with --from-offsite its name or 'latest'"
    )
    restore.add_argument(
        "--force", action="store_true", help="replace the content of a database that has tables"
    )
    restore.add_argument("--from-offsite", action="store_true", help=_FROM_OFFSITE)
    restore.add_argument(
        "--without-keys",
        action="store_true",
        help="embedded (SQLite): restore although the backup's keys are not beside the database (they are lost)",
    )
    restore.set_defaults(bind=lazy("core.ops.backup_cli", "bind_restore"))
    verify = sub.add_parser(
        "verify-backup", help="restore into a scratch database and compare with the manifest"
    )
    verify.add_argument(
        "file", metavar="FILE", help="a backup file, or with --from-offsite its name or 'latest'"
    )
    verify.add_argument("--from-offsite", action="store_true", help=_FROM_OFFSITE)
    verify.set_defaults(bind=lazy("core.ops.backup_cli", "bind_verify"))


def add_bundle(sub: Subparsers) -> None:
    bundle = sub.add_parser(
        "verification-bundle",
        help="write the signed bundle (trusted keys, void list, concerts) for stateless ticket verifiers",
    )
    bundle.add_argument("--out", required=True, type=Path, metavar="FILE", help="where to write it")
    bundle.set_defaults(bind=lazy("core.ops.bundle_cli", "bind"))
