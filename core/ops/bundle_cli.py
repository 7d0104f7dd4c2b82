"""`encore-ops verification-bundle --out FILE`: publish the signed bundle that stateless ticket verifiers (the
cloud function, a partner's gate) check tickets with; it prints the server key they must be configured with."""

from __future__ import annotations

import argparse
import asyncio
import base64
import functools
import os
import tempfile
from pathlib import Path
from typing import Any

from core.config import Settings
from core.domain.checkin import key_fingerprint
from core.domain.staff import SystemActor
from core.services import verification_bundle
from core.services.context import ServiceContext

_OPS = SystemActor("encore-ops")


async def publish_bundle(settings: Settings, *, out: Path) -> int:
    async with ServiceContext.open(settings) as ctx:
        data = await verification_bundle.make_bundle(ctx, _OPS)
        assert ctx.signer is not None  # make_bundle refuses without one
        public = ctx.signer.key.public_key_bytes
    await asyncio.to_thread(_write_atomically, out, data)
    print(
        f"Wrote the verification bundle to {out} ({len(data):,} bytes), signed by {key_fingerprint(public)}.\n"
        f"Verifiers trust it with ENCORE_BUNDLE_SIGNERS={base64.b64encode(public).decode()}"
    )
    return 0


def _write_atomically(out: Path, data: bytes) -> None:
    """A verifier reading the file while it is written sees the old bundle or the new one, never half."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def bind(args: argparse.Namespace) -> Any:
    return functools.partial(publish_bundle, out=args.out)
