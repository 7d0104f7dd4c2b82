"""`encore-ops signing-key rotate|list`, `encore-ops gate-key` and `encore-ops forget-pins`: the venue server's
keys, never shown."""

from __future__ import annotations

import argparse
import asyncio
import base64
import functools
import sys
from typing import Any

from core.config import Settings
from core.domain.checkin import key_fingerprint
from core.domain.errors import ConfigError
from core.domain.staff import SystemActor
from core.iot.gate_commands import derive_gate_key
from core.security.secret_store import store_secret
from core.security.server_secrets import gate_master_ref, load_gate_master
from core.services import signing_keys, staff
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


async def forget_pins(settings: Settings, *, yes: bool) -> int:
    """Every staff PIN forgotten, and this server's PIN key made the database's (the key they were set with is
    lost: core.services.pin_key.MISMATCH)."""
    if not yes:
        print(
            "encore-ops forget-pins: this forgets every staff member's kiosk PIN (managers then set each one "
            "again in Encore Admin, Staff). If the PIN key they were set with can be found, give the servers that "
            "key instead. To go ahead, run: encore-ops forget-pins --yes",
            file=sys.stderr,
        )
        return 2
    async with ServiceContext.open(settings) as ctx:
        forgotten = await staff.forget_all_pins(ctx, SystemActor("encore-ops"))
    print(
        f"Forgot {forgotten} staff PIN(s); PINs are set and checked with this server's key from now on. Restart "
        "the other servers, then set each kiosk PIN again in Encore Admin (Staff)."
    )
    return 0


def bind_forget_pins(args: argparse.Namespace) -> Any:
    return functools.partial(forget_pins, yes=args.yes)
