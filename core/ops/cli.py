"""`encore-ops`: migrate the database, seed and run the demo, show the configuration."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import fields
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from core import config
from core.config import Settings
from core.db import migrate
from core.db.engine import create_engine
from core.domain.errors import EncoreError
from core.domain.venues import SectionKind
from core.ops import seed
from core.services import catalog, venues
from core.services.context import ServiceContext

Command = Callable[[Settings], Coroutine[Any, Any, int]]


def _engine(settings: Settings) -> AsyncEngine:
    return create_engine(
        settings.resolved_database_url(),
        tls=settings.database_tls,
        statement_timeout_s=max(settings.statement_timeout_s, 60.0),
    )


async def _with_engine(settings: Settings, work: Callable[[AsyncEngine], Coroutine[Any, Any, int]]) -> int:
    engine = _engine(settings)
    try:
        return await work(engine)
    finally:
        await engine.dispose()


async def db_upgrade(settings: Settings) -> int:
    async def work(engine: AsyncEngine) -> int:
        await migrate.upgrade(engine)
        print(f"Database is at revision {await migrate.current_revision(engine)}.")
        return 0

    return await _with_engine(settings, work)


async def db_current(settings: Settings) -> int:
    async def work(engine: AsyncEngine) -> int:
        revision = await migrate.current_revision(engine)
        print(revision or "(empty: no schema yet; run `encore-ops db upgrade`)")
        return 0

    return await _with_engine(settings, work)


def _print_accounts() -> None:
    print("Demo sign-in (demo only; never use a demo database for real sales):")
    for a in seed.DEMO_ACCOUNTS:
        print(f"  {a.role.value:<11} {a.email:<24} password {a.password:<20} PIN {a.pin}")


async def seed_demo(settings: Settings) -> int:
    async with ServiceContext.open(settings) as ctx:
        summary = await seed.seed_demo(ctx)
    if summary is None:
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
    for device in summary.devices:
        print(f"  device {device.id}: {device.name} ({device.kind.value}, {device.status.value})")
    _print_accounts()
    print("Set ENCORE_DEMO_MODE=true and ENCORE_DEVICE_ID to one of the device ids above to run the apps.")
    return 0


async def run_demo(settings: Settings) -> int:
    """What `make run` calls: prepare an empty embedded database, then show what is on sale."""
    if settings.is_embedded:

        async def work(engine: AsyncEngine) -> int:
            await migrate.upgrade(engine)
            return 0

        await _with_engine(settings, work)
    elif await _with_engine(settings, _revision_missing):
        print("The database has no schema yet; run `encore-ops db upgrade` first.", file=sys.stderr)
        return 2
    async with ServiceContext.open(settings) as ctx:
        if settings.is_embedded and not await venues.list_venues(ctx):
            await seed.seed_demo(ctx)
            print(f"Seeded the demo into {settings.resolved_database_url()}.")
            _print_accounts()
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
    return int(await migrate.current_revision(engine) is None)


async def show_config(settings: Settings) -> int:
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
    db.add_parser("upgrade", help="migrate the schema to the newest revision").set_defaults(run=db_upgrade)
    db.add_parser("current", help="print the schema revision").set_defaults(run=db_current)
    sub.add_parser(
        "seed-demo", help="create the demo venue, concerts, staff and devices (once)"
    ).set_defaults(run=seed_demo)
    sub.add_parser(
        "run-demo", help="prepare an empty embedded database and list what is on sale"
    ).set_defaults(run=run_demo)
    sub.add_parser("show-config", help="print the resolved settings (no secrets)").set_defaults(
        run=show_config
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = config.load(args.config)
        logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
        if settings.log_level.upper() != "DEBUG":
            logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per revision is noise here
        command: Command = args.run
        return asyncio.run(command(settings))
    except EncoreError as exc:
        print(f"encore-ops: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
