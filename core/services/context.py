"""The composition root: settings in, a ServiceContext (database, bus, clock, ticket signer) out."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.config import DEFAULT_REDIS_NAMESPACE, Settings
from core.db import site as site_db
from core.db.engine import create_engine
from core.db.server_time import clock_offset
from core.db.transaction import Database
from core.domain.clock import Clock, OffsetClock, SystemClock
from core.domain.errors import StorageUnavailable
from core.domain.events import PlacesChanged
from core.events.protocol import EventBus
from core.events.publisher import BackgroundPublisher
from core.iot.health_board import HealthBoard
from core.iot.protocol import GateController
from core.security.pin_keys import PinKey
from core.security.secret_store import redis_url_with_password, resolve_secret
from core.services.adapters import open_gate
from core.services.hold_lanes import HoldLanes
from core.services.pin_key import open_pin_key, pin_key_agrees_at_start
from core.services.signing_keys import ServerSigner, open_signer, register_at_start

if TYPE_CHECKING:
    from core.iot.mqtt import MqttGate  # aiomqtt/paho load only when a broker is configured (start-up time)

log = logging.getLogger(__name__)


@dataclass
class ServiceContext:
    """Everything a service function needs. One per process; cheap to pass around."""

    settings: Settings
    db: Database
    bus: EventBus
    clock: Clock = field(default_factory=SystemClock)
    signer: ServerSigner | None = None
    """The server's ticket-signing key, registered when the context opens (or at the first sale); without
    one (a server database and no ticket_signing_key_ref), checkout refuses to sell. Devices sign nothing."""
    pin_key: PinKey | None = None
    """The key staff PINs are fingerprinted with (pin_key_ref, or beside an embedded database); None until
    ``core.services.pin_key.pin_key`` loads it (a context built by hand), or for good on a server database
    with no pin_key_ref: then no PIN can be set or checked."""
    pin_key_agrees: bool | None = None
    """Whether the database's PINs were set with ``pin_key`` (its check value in the site table); None until
    known. False: no PIN is set or checked with it (core.services.pin_key.MISMATCH says what to do)."""
    gate: GateController | None = None
    """The turnstile to open on ADMIT (a door device with a gate), if any."""
    publisher: BackgroundPublisher | None = None
    """Sends live updates from a task of its own, so a sale never waits for Redis. ``open`` starts one; a
    context built by hand without one publishes inline (awaiting the bus)."""
    health: HealthBoard = field(default_factory=HealthBoard)
    """Devices' latest health reports, as the venue server hears them on MQTT (empty where nothing listens)."""
    hold_lanes: HoldLanes = field(default_factory=HoldLanes)
    """Where standing holds of one section wait together under load (core/services/hold_lanes.py)."""

    async def publish(self, event: PlacesChanged | None) -> None:
        """After commit only. A failed publish is logged and never fails the sale: events are hints."""
        if event is None or not event.changes:
            return
        if self.publisher is not None:
            self.publisher.offer(event)
            return
        try:
            await self.bus.publish(event)
        except Exception:  # the bus promises not to raise; this is the belt to its braces
            log.exception("live update for concert %s was not published", event.concert_id)

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: Settings, *, clock: Clock | None = None) -> AsyncIterator[ServiceContext]:
        from core.events.factory import open_bus  # the bus picks Redis or local from settings

        # Secrets first, so that a missing one fails before anything is opened; ctx.settings keeps refs only.
        password = await asyncio.to_thread(resolve_secret, settings.database_password_ref)
        signer = await open_signer(settings)
        pin_key = await open_pin_key(settings)
        redis_settings = replace(
            settings, redis_url=await asyncio.to_thread(redis_url_with_password, settings)
        )
        engine = create_engine(
            settings.resolved_database_url(),
            password=password,
            tls=settings.database_tls,
            pool_size=settings.database_pool_size,
            statement_timeout_s=settings.statement_timeout_s,
            pooler=settings.database_pooler,
        )
        db = Database(engine)
        settings = await _with_site_facts(db, settings)
        if clock is None:
            clock = await _database_clock(db)
        await register_at_start(db, signer, clock)
        agrees = await pin_key_agrees_at_start(db, pin_key)
        bus = await open_bus(replace(redis_settings, redis_namespace=settings.redis_namespace))
        db.after_commit.append(bus.note_own_commit)
        publisher = BackgroundPublisher(bus)
        ctx = cls(
            settings=settings,
            db=db,
            bus=bus,
            clock=clock,
            signer=signer,
            pin_key=pin_key,
            pin_key_agrees=agrees,
            publisher=publisher,
        )
        gate: MqttGate | None = None
        try:
            publisher.start()
            # The turnstiles, when this process sends gate commands (gate_open_enabled): signed and expiring.
            gate = ctx.gate = await open_gate(settings, client_id=_mqtt_client_id(), clock=clock)
            yield ctx
        finally:
            if gate is not None:
                await gate.aclose()
            await publisher.aclose()  # sends what the last sales queued, for a bounded time
            await bus.close()
            await db.dispose()


def _mqtt_client_id() -> str:
    # The broker drops the older of two clients with one id: one per process.
    return f"encore-{socket.gethostname()[:40]}-{os.getpid()}"


async def _with_site_facts(db: Database, settings: Settings) -> Settings:
    """The demo database says so itself: everything sold on it is a DEMO ticket, whatever the config says.
    The Redis namespace, unless configured, comes from the database's instance id, so the server and every
    device reading this database publish and subscribe alike."""

    async def facts(conn: AsyncConnection) -> tuple[str | None, str | None]:
        return await site_db.get(conn, site_db.DEMO), await site_db.get(conn, site_db.INSTANCE)

    try:
        demo, instance = await db.read(facts)
    except (StorageUnavailable, DBAPIError):
        demo, instance = None, None  # not reachable or not migrated yet: the settings stand as given
    if demo == "true":
        settings = replace(settings, demo_mode=True)
    if not settings.redis_namespace and settings.redis_url:
        if instance is None:
            log.warning(
                "the database has no instance id (not reachable, or not upgraded): live updates use the "
                "'%s' Redis namespace; run encore-ops db upgrade, or set redis_namespace",
                DEFAULT_REDIS_NAMESPACE,
            )
        settings = replace(settings, redis_namespace=namespace_of(instance))
    return settings


def namespace_of(instance: str | None) -> str:
    """The Redis namespace of a database with this instance id (12 hex digits: 48 random bits)."""
    return instance[:12].lower() if instance else DEFAULT_REDIS_NAMESPACE


MAX_CLOCK_SKEW = timedelta(seconds=1)


async def _database_clock(db: Database) -> Clock:
    """Holds lapse by one clock for every kiosk: the database server's. Measured once at start; a machine
    whose clock is off by more than a second gets a corrected clock and a warning to fix its time sync."""
    system = SystemClock()
    if not db.is_postgres:
        return system  # SQLite: one machine, one clock
    try:
        offset = await db.read(lambda conn: clock_offset(conn, system))
    except StorageUnavailable:
        log.warning("could not compare this machine's clock with the database's; using the local clock")
        return system
    if abs(offset) <= MAX_CLOCK_SKEW:
        return system
    log.warning(
        "this machine's clock is %.1f s %s the database server's; using the server's time (fix NTP here)",
        abs(offset.total_seconds()),
        "behind" if offset > timedelta(0) else "ahead of",
    )
    return OffsetClock(system, offset)
