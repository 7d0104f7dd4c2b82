"""The verification bundle the venue server publishes for stateless verifiers (the ticket-verification cloud
function, a partner's gate): the keys it trusts, the void list and the upcoming concerts, signed with the
server's ticket-signing key and good for ``door_snapshot_max_age_s`` (the same limit as a door's offline list)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import device_keys as keys_db
from core.db import site as site_db
from core.db import verification as db
from core.db.actors import ensure_active
from core.domain.errors import ConfigError
from core.domain.staff import Actor, Permission
from core.security.permissions import require
from core.services.context import ServiceContext
from core.tickets.bundle import BundleConcert, VerificationBundle, seal_bundle

__all__ = ["LOOK_BACK", "make_bundle"]

LOOK_BACK = timedelta(hours=24)
"""Concerts that started this long ago are still listed: tonight's doors stay open after the start."""


async def make_bundle(ctx: ServiceContext, actor: Actor) -> bytes:
    """The signed bundle, as published (JSON bytes). Anyone who may check tickets in may take it: it holds
    public keys and ticket ids only, nothing that can make a ticket."""
    require(actor, Permission.CHECK_IN)
    signer = ctx.signer
    if signer is None:
        raise ConfigError(
            "settings",
            "ticket_signing_key_ref",
            "this database has no venue-server signing key, so no bundle can be signed. Run the venue server "
            "with ticket_signing_key_ref set.",
        )
    now = ctx.clock.now()

    async def read(conn: AsyncConnection) -> VerificationBundle:
        await ensure_active(conn, actor)
        listed = await db.concerts_from(conn, now - LOOK_BACK)
        void = await db.void_tickets(conn, [c.concert_id for c in listed])
        keys = {k.key_id: k.public_key for k in await keys_db.trusted_keys(conn)}
        demo = await site_db.get(conn, site_db.DEMO) == "true"
        return VerificationBundle(
            issued_at=now,
            expires_at=now + timedelta(seconds=ctx.settings.door_snapshot_max_age_s),
            keys=keys,
            void=frozenset(void),
            concerts={
                c.concert_id: BundleConcert(c.concert_id, c.title, c.artist, c.starts_at, c.venue)
                for c in listed
            },
            demo_database=demo,
        )

    bundle = await ctx.db.read(read)
    return seal_bundle(bundle, signer.key.sign, signer.key.public_key_bytes)
