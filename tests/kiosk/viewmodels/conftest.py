"""Fixtures of the sale flow's tests."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from core.ops import seed
from core.services.context import ServiceContext


@pytest.fixture
async def demo(ctx: ServiceContext, tmp_path: Path) -> ServiceContext:
    """The demo venue, seeded, and this kiosk's own key file on a demo database."""
    await seed.seed_demo(ctx)
    ctx.settings = replace(ctx.settings, device_key_ref=f"file:{tmp_path / 'kiosk.key'}", demo_mode=True)
    return ctx
