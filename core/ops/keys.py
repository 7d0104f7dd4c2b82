"""`encore-ops signing-key rotate|list` and `encore-ops gate-key`: the venue server's keys, never shown."""

from __future__ import annotations

import argparse
import asyncio
import base64
import functools
from typing import Any

from core.config import Settings
from core.domain.checkin import key_fingerprint
from core.domain.errors import ConfigError
from core.iot.gate_commands import derive_gate_key
from core.security.secret_store import store_secret
from core.security.server_secrets import gate_master_ref, load_gate_master
from core.services import signing_keys
from core.services.context import ServiceContext


async def rotate_signing_key(settings: Settings) -> int:
    async with ServiceContext.open(settings) as ctx:
        added = await signing_keys.rotate_signing_key(ctx)
    print(
        f"Tickets are signed with key {added.key_id} ({key_fingerprint(added.public_key)}) from now on; the "
        "older keys stay trusted for the tickets they signed. Restart the other servers to pick it up."
    )
    return 0


async def list_signing_keys(settings: Settings) -> int:
    async with ServiceContext.open(settings) as ctx:
        keys = await signing_keys.list_signing_keys(ctx)
    if not keys:
        print("No ticket-signing key is registered yet (the first sale registers it).")
    for key in keys:
        state = "current" if key.current else f"retired {key.retired_at:%Y-%m-%d %H:%M}"
        trust = "trusted" if key.trusted else "NOT trusted"
        print(
            f"{key.key_id}  {key_fingerprint(key.public_key)}  {key.created_at:%Y-%m-%d %H:%M}  {state}, {trust}"
        )
    return 0


async def store_gate_key(settings: Settings, *, gate: str, into: str) -> int:
    """Derive one gate's key from the master secret and store it where that gate's controller reads it."""
    ref = gate_master_ref(settings)
    if ref is None:
        raise ConfigError("settings", "gate_key_ref", "set gate_key_ref (the gate master secret) first")
    master = await asyncio.to_thread(load_gate_master, ref)
    key = derive_gate_key(master, gate)
    await asyncio.to_thread(store_secret, into, base64.b64encode(key).decode("ascii"))
    print(f"Stored the key of gate {gate!r} under {into}; give it to that gate's controller only.")
    return 0


def bind_gate(args: argparse.Namespace) -> Any:
    return functools.partial(store_gate_key, gate=args.gate, into=args.into)
