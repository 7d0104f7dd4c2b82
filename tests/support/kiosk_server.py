"""A venue for kiosk tests behind a real `encore-server` process (TLS, PostgreSQL, Redis): the demo seeded through
core on the server's database, plus a concert whose doors are open now (the server runs on real time, so the door
can check in tonight's tickets), kiosks and a door approved, and settings for RemoteClients that reach it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx

from core.client.remote import RemoteClient
from core.config import Settings
from core.domain.clock import SystemClock
from core.domain.concert_spec import NewCategory
from core.domain.devices import DeviceKind
from core.domain.ids import ConcertId
from core.ops import seed
from core.security.device_keys import DeviceKey
from core.services import concerts, devices
from tests.builders import ROOT
from tests.support import aio
from tests.support.api_server import RunningServer, encore_server
from tests.support.context import open_context

KIOSKS = ("kiosk_a", "kiosk_b")
# Every test kiosk comes from 127.0.0.1: the per-address enrolment limit is for strangers, not for this venue.
RATE_LIMITS = "enrol=1000/60,challenge=1000/60,sign_in=1000/60"


@dataclass(frozen=True)
class RemoteVenue:
    server: RunningServer
    redis_url: str
    key_refs: dict[str, str]
    """Device key refs by role: 'kiosk_a' (the demo kiosk), 'kiosk_b' (enrolled through the server, approved by
    a manager) and 'door' (the demo door)."""
    tonight: ConcertId
    """On sale now, doors open: its tickets check in at the door on the server's real clock."""

    @property
    def port(self) -> int:
        return httpx.URL(self.server.url).port or 443

    def settings(self, role: str, *, url: str = "") -> Settings:
        """A device's settings: the server (or ``url``, a proxy in front of it) trusted by the venue CA."""
        return Settings(
            server_url=url or self.server.url,
            server_ca_file=str(self.server.ca_file),
            device_key_ref=self.key_refs[role],
            redis_url=self.redis_url,
            demo_mode=True,
        )

    def client(self, role: str, *, url: str = "") -> RemoteClient:
        return RemoteClient(self.settings(role, url=url))


@contextmanager
def remote_venue(
    database_url: str, redis_url: str, folder: Path, *, extra_env: dict[str, str] | None = None
) -> Iterator[RemoteVenue]:
    """``extra_env``: more settings for the server (e.g. ENCORE_MQTT_URL: it then hears the devices' health)."""
    folder.mkdir(parents=True, exist_ok=True)
    refs = {role: f"file:{folder / f'{role}.key'}" for role in (*KIOSKS, "door")}
    tonight = aio.run(_seed(database_url, refs))
    extra = {"ENCORE_SERVER_RATE_LIMITS": RATE_LIMITS, **(extra_env or {})}
    with encore_server(database_url, folder / "server", redis_url=redis_url, extra_env=extra) as server:
        venue = RemoteVenue(server, redis_url, refs, tonight)
        aio.run(_enrol_through_the_server(venue, database_url, "kiosk_b"))
        yield venue


async def _seed(database_url: str, refs: dict[str, str]) -> ConcertId:
    async with open_context(database_url, SystemClock()) as ctx:
        demo = await seed.seed_demo(
            ctx,
            kiosk_key=DeviceKey.load_or_create(refs["kiosk_a"]),
            door_key=DeviceKey.load_or_create(refs["door"]),
        )
        assert demo is not None
        now = ctx.clock.now()
        starts = now + timedelta(hours=3)
        concert = await concerts.create_concert(
            ctx,
            ROOT,
            venue_id=demo.concerts[0].venue_id,
            plan_id=demo.plan.id,
            title="Tonight at Encore",
            artist="The Door Testers",
            currency="EUR",
            doors_at=now - timedelta(hours=1),
            starts_at=starts,
            sales_open_at=now - timedelta(hours=2),
            sales_close_at=starts,
            categories=[NewCategory(s.name, 2500, "#3366cc", sections=(s.name,)) for s in seed.PLAN],
        )
        return (await concerts.put_on_sale(ctx, ROOT, concert.id)).id


async def _enrol_through_the_server(venue: RemoteVenue, database_url: str, role: str) -> None:
    """The kiosk registers its key with the server (pending); a manager approves it."""
    async with venue.client(role) as client:
        name = role.replace("_", " ").title()
        pending = await client.enrol(DeviceKind.KIOSK, name)
        assert not pending.approved
        async with open_context(database_url, SystemClock()) as ctx:
            await devices.approve_device(ctx, ROOT, pending.device.id)
        assert (await client.enrol(DeviceKind.KIOSK, name)).approved
