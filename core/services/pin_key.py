"""The staff PIN key of a ServiceContext: from the secret store when the context opens, or at the first PIN."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from core.config import Settings
from core.domain.errors import ConfigError
from core.security.pin_keys import PinKey
from core.security.server_secrets import load_pin_key, pin_key_ref

if TYPE_CHECKING:
    from core.services.context import ServiceContext

__all__ = ["open_pin_key", "pin_key"]


async def open_pin_key(settings: Settings) -> PinKey | None:
    """The key (created in the secret store if nothing is stored there yet), or None on a server database with
    no pin_key_ref. A keyring or file read may block: off the event loop."""
    ref = pin_key_ref(settings)
    if ref is None:
        return None
    return await asyncio.to_thread(load_pin_key, ref)


async def pin_key(ctx: ServiceContext) -> PinKey:
    """The key every PIN is set and checked with; ConfigError, before anything is counted or written, when
    this server has none. A context built by hand loads it here once, from the same place open would."""
    if ctx.pin_key is None:
        loaded = await open_pin_key(ctx.settings)
        if ctx.pin_key is None:  # two first PINs at once: the first key loaded is the one (in memory: random)
            ctx.pin_key = loaded
    if ctx.pin_key is None:
        raise ConfigError(
            "settings",
            "pin_key_ref",
            "this server has no staff PIN key, so no PIN can be set or checked: set pin_key_ref to a "
            "secret-store reference (env:, file: or keyring:) holding 32 random bytes in base64, the same on "
            "every server, and restart",
        )
    return ctx.pin_key
