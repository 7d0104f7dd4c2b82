"""`encore-ops`: migrate the database, seed and run the demo, set up Redis users, manage the server's keys, show
the configuration, run the scheduler, answer health probes, back up and restore.

Each command imports what it needs when it runs (here inside the functions, elsewhere through
core/ops/commands.py): `encore-ops --help` and the container probes start without loading the database layer,
the services and the brokers (tests/core/ops/test_cli_startup.py)."""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import sys
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from core import config
from core.config import Settings
from core.domain.devices import Device, DeviceKind
from core.domain.errors import ConfigError, EncoreError
from core.ops import commands
from core.ops.commands import Command
from core.security.device_keys import DeviceKey, default_ref

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from core.db import roles
    from core.services.context import ServiceContext


def _engine(settings: Settings, password: str | None = None) -> AsyncEngine:
    """The owner's connection: migrations, grants and the demo marker are the owner's business. Never through
    PgBouncer's transaction pooling (direct_owner_database refuses it)."""
    from core.db.engine import create_engine

    url, _ = settings.direct_owner_database()
    return create_engine(
        url,
        password=password,
        tls=settings.database_tls,
        statement_timeout_s=max(settings.statement_timeout_s, 60.0),
    )


async def _with_engine(settings: Settings, work: Callable[[AsyncEngine], Coroutine[Any, Any, int]]) -> int:
    from core.security.secret_store import resolve_secret

    password = await asyncio.to_thread(resolve_secret, settings.direct_owner_database()[1])
    engine = _engine(settings, password)
    try:
        return await work(engine)
    finally:
        await engine.dispose()


def owner_settings(settings: Settings) -> Settings:
    """The settings with the owner's connection in place of the server's (for ops that write as the owner)."""
    url, ref = settings.owner_database()
    return replace(settings, database_url=url, database_password_ref=ref)


async def db_upgrade(settings: Settings) -> int:
    from core.db import migrate, roles

    plan = await asyncio.to_thread(_role_plan, settings)

    async def work(engine: AsyncEngine) -> int:
        await migrate.upgrade(engine)
        print(f"Database is at revision {await migrate.current_revision(engine)}.")
        if engine.dialect.name != "postgresql":
            print("SQLite has no database roles: nothing to grant (the file's permissions protect it).")
            return 0
        async with engine.begin() as conn:
            applied = await roles.apply_roles(conn, plan)
        _print_roles(settings, applied)
        return 0

    return await _with_engine(settings, work)


def _role_plan(settings: Settings) -> roles.RolePlan:
    from core.db import roles
    from core.security.secret_store import SOURCE, resolve_secret

    verifiers = []
    for key in ("database_server_password_ref", "database_reporting_password_ref"):
        password = resolve_secret(getattr(settings, key))
        try:
            verifiers.append(None if password is None else roles.scram_verifier(password))
        except ValueError as exc:
            raise ConfigError(SOURCE, key, f"the password {exc}") from None
    return roles.RolePlan(
        settings.database_server_role, settings.database_reporting_role, verifiers[0], verifiers[1]
    )


def _print_roles(settings: Settings, applied: roles.RolesApplied) -> None:
    from sqlalchemy.engine import make_url

    from core.db import roles

    server, reporting = settings.database_server_role, settings.database_reporting_role
    special = ", ".join(f"{' + '.join(p)} on {t}" for t, p in roles.SERVER_EXCEPTIONS.items())
    print(
        f"Roles in schema {applied.schema} (owner {applied.owner}): {server} may "
        f"{'/'.join(roles.SERVER_DML)} {len(applied.tables)} tables except {special}, with no TRUNCATE and no "
        f"DDL; {reporting} may only read."
    )
    if applied.created:
        print(f"Created role(s): {', '.join(applied.created)}.")
    if applied.passwords_set:
        print(f"Set the password of: {', '.join(applied.passwords_set)}.")
    user = make_url(settings.resolved_database_url()).username
    if user != server:
        print(
            f"The venue server should connect as {server}: database_url connects as {user or '(default)'}; "
            "put the owner's connection in database_owner_url."
        )


async def db_current(settings: Settings) -> int:
    from core.db import migrate

    async def work(engine: AsyncEngine) -> int:
        revision = await migrate.current_revision(engine)
        print(revision or "(empty: no schema yet; run `encore-ops db upgrade`)")
        return 0

    return await _with_engine(settings, work)


def _print_accounts() -> None:
    from core.ops import seed

    print("Demo sign-in (demo only; never use a demo database for real sales):")
    for a in seed.DEMO_ACCOUNTS:
        print(
            f"  {a.role.value:<11} {a.email:<24} password {a.password:<20} staff no. {a.staff_number}  PIN {a.pin}"
        )


@dataclass(frozen=True, slots=True)
class DemoKeys:
    """Where this machine's kiosk and door keys live: the demo devices are registered with them."""

    kiosk_ref: str
    door_ref: str

    @classmethod
    def of(cls, settings: Settings, kiosk_ref: str | None = None, door_ref: str | None = None) -> DemoKeys:
        # device_key_ref is the key of the mode this machine is configured for; the other mode's key stays in
        # its default place.
        mode_kind = DeviceKind.DOOR if settings.kiosk_mode == "door" else DeviceKind.KIOSK

        def ref(kind: DeviceKind, given: str | None) -> str:
            if given:
                return given
            if settings.device_key_ref and kind is mode_kind:
                return settings.device_key_ref
            return default_ref(kind.value)

        keys = cls(ref(DeviceKind.KIOSK, kiosk_ref), ref(DeviceKind.DOOR, door_ref))
        if keys.kiosk_ref == keys.door_ref:
            raise ConfigError("command line", "--door-key-ref", "the kiosk and the door need different keys")
        return keys

    async def load(self) -> tuple[DeviceKey, DeviceKey]:
        kiosk = await asyncio.to_thread(DeviceKey.load_or_create, self.kiosk_ref)
        door = await asyncio.to_thread(DeviceKey.load_or_create, self.door_ref)
        return kiosk, door


async def _adopt(ctx: ServiceContext, keys: DemoKeys) -> list[Device]:
    """This machine's keys as approved demo devices, where they are not yet (returns the new ones)."""
    from core.ops import seed

    kiosk, door = await keys.load()
    made = [
        await seed.adopt_demo_device(ctx, kind, key)
        for kind, key in ((DeviceKind.KIOSK, kiosk), (DeviceKind.DOOR, door))
    ]
    return [d for d in made if d is not None]


def _print_devices(made: Sequence[Device]) -> None:
    for device in made:
        print(f"  device {device.id}: {device.name} ({device.kind.value}, {device.status.value})")


async def seed_demo(settings: Settings, keys: DemoKeys | None = None) -> int:
    from zoneinfo import ZoneInfo

    from core.domain.venues import SectionKind
    from core.ops import seed
    from core.services.context import ServiceContext

    keys = keys or DemoKeys.of(settings)
    kiosk, door = await keys.load()
    async with ServiceContext.open(owner_settings(settings)) as ctx:
        summary = await seed.seed_demo(ctx, kiosk_key=kiosk, door_key=door)
        adopted = await _adopt(ctx, keys) if summary is None else []
    if summary is None:
        if adopted:
            print(f"The demo already exists ({seed.VENUE}); registered this machine's keys as:")
            _print_devices(adopted)
        else:
            print(f"The demo already exists ({seed.VENUE}); nothing was changed.")
        _print_accounts()
        return 0
    seats = sum(s.capacity for s in summary.plan.sections if s.kind is SectionKind.SEATED)
    standing = sum(s.capacity for s in summary.plan.sections if s.kind is SectionKind.STANDING)
    print(
        f"Created the demo: {seed.VENUE} ({seed.TIMEZONE}), plan {summary.plan.name!r} with {seats} seats "
        f"and {standing} standing places."
    )
    for concert in summary.concerts:
        local = concert.starts_at.astimezone(ZoneInfo(seed.TIMEZONE))
        print(f"  on sale: {concert.title} — {local:%a %d %b %Y %H:%M}")
    _print_devices(summary.devices)
    _print_accounts()
    print(
        f"The demo kiosk and door have this machine's keys ({kiosk.fingerprint}, {door.fingerprint}): "
        "the apps here can sell and check in at once."
    )
    return 0


async def run_demo(settings: Settings, keys: DemoKeys | None = None) -> int:
    """What `make run` calls: prepare an empty embedded database, then show what is on sale."""
    from zoneinfo import ZoneInfo

    from core.db import migrate
    from core.ops import seed
    from core.services import catalog, venues
    from core.services.context import ServiceContext

    if settings.is_embedded:

        async def work(engine: AsyncEngine) -> int:
            await migrate.upgrade(engine)
            return 0

        await _with_engine(settings, work)
    elif await _with_engine(settings, _revision_missing):
        print("The database has no schema yet; run `encore-ops db upgrade` first.", file=sys.stderr)
        return 2
    keys = keys or DemoKeys.of(settings)
    async with ServiceContext.open(owner_settings(settings)) as ctx:
        if settings.is_embedded and not await venues.list_venues(ctx):
            kiosk, door = await keys.load()
            await seed.seed_demo(ctx, kiosk_key=kiosk, door_key=door)
            print(f"Seeded the demo into {settings.resolved_database_url()}.")
            _print_accounts()
        elif await seed.is_demo_database(ctx):
            adopted = await _adopt(ctx, keys)
            if adopted:
                print("Registered this machine's keys as demo devices:")
                _print_devices(adopted)
        on_sale = await catalog.list_on_sale(ctx)
    if not on_sale:
        print("Nothing is on sale right now.")
    for item in on_sale:
        local = item.concert.starts_at.astimezone(ZoneInfo(item.timezone))
        print(
            f"{item.concert.title:<24} {local:%a %d %b %H:%M}  {item.venue_name:<16} "
            f"{item.min_price.format()}–{item.max_price.format()}  {item.available} places left"
        )
    return 0


async def _revision_missing(engine: AsyncEngine) -> int:
    from core.db import migrate

    return int(await migrate.current_revision(engine) is None)


async def show_config(settings: Settings) -> int:
    from sqlalchemy.engine import make_url

    for field in fields(Settings):
        print(f"{field.name} = {getattr(settings, field.name)!r}")
    shown = make_url(settings.resolved_database_url()).render_as_string(hide_password=True)
    print(f"# resolved database: {shown}")
    print(f"# embedded: {settings.is_embedded}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="encore-ops", description="Encore operations.")
    parser.add_argument(
        "--config", metavar="PATH", help="TOML settings file (default: ENCORE_CONFIG or the user config dir)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    db.add_parser(
        "upgrade",
        help="migrate the schema to the newest revision; create and grant the server and reporting roles",
    ).set_defaults(run=db_upgrade)
    db.add_parser("current", help="print the schema revision").set_defaults(run=db_current)
    for name, run, text in (
        ("seed-demo", seed_demo, "create the demo venue, concerts, staff and devices (once)"),
        ("run-demo", run_demo, "prepare an empty embedded database and list what is on sale"),
    ):
        demo = sub.add_parser(name, help=text)
        demo.set_defaults(run=run, demo_keys=True)
        demo.add_argument(
            "--kiosk-key-ref",
            metavar="REF",
            help="this machine's kiosk key (default: device_key_ref in sales mode, else the keyring)",
        )
        demo.add_argument(
            "--door-key-ref",
            metavar="REF",
            help="this machine's door key (default: device_key_ref in door mode, else the keyring)",
        )
    commands.add_redis_acl(sub)
    sub.add_parser("show-config", help="print the resolved settings (no secrets)").set_defaults(
        run=show_config
    )
    commands.add_keys(sub)
    commands.add_scheduler(sub)
    commands.add_health(sub)
    commands.add_backup(sub)
    commands.add_bundle(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = config.load(args.config)
        logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
        if settings.log_level.upper() != "DEBUG":
            logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per revision is noise here
        command: Command = args.bind(args) if hasattr(args, "bind") else args.run
        if getattr(args, "demo_keys", False):
            keys = DemoKeys.of(settings, args.kiosk_key_ref, args.door_key_ref)
            command = functools.partial(args.run, keys=keys)
        return asyncio.run(command(settings))
    except EncoreError as exc:
        print(f"encore-ops: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
