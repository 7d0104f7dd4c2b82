"""The demo seed and the encore-ops command line: counts, idempotence, printed passwords that work."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from core.db.migrate import head_revision
from core.domain.clock import ManualClock, SystemClock
from core.domain.concerts import ConcertStatus
from core.domain.devices import DeviceStatus
from core.domain.staff import Role
from core.ops import cli, seed
from core.services import staff
from core.services.context import ServiceContext
from tests.core.services.admin_support import audit_entries, snapshot
from tests.support.context import open_context


async def test_seed_creates_the_demo_once(ctx: ServiceContext, clock: ManualClock) -> None:
    summary = await seed.seed_demo(ctx)
    assert summary is not None
    sections = {s.name: (s.kind.value, s.capacity) for s in summary.plan.sections}
    assert sections == {
        "Stalls": ("seated", 600),
        "Circle": ("seated", 400),
        "Balcony": ("seated", 200),
        "Floor": ("standing", 800),
    }
    assert len(summary.concerts) == 4
    for concert in summary.concerts:
        assert concert.status is ConcertStatus.ON_SALE
        assert concert.sales_problem(clock.now()) is None, "the sales window is open now"
        assert concert.currency == "EUR"
    starts = [c.starts_at for c in summary.concerts]
    assert starts == sorted(starts)
    assert clock.now() < starts[0]
    assert {s.role for s in summary.staff} == set(Role)
    assert {(d.kind.value, d.status) for d in summary.devices} == {
        ("kiosk", DeviceStatus.APPROVED),
        ("door", DeviceStatus.APPROVED),
    }
    counts = await snapshot(ctx)
    assert (counts["seats"], counts["places"], counts["concerts"]) == (1200, 4 * 2000, 4)
    assert (await audit_entries(ctx))[-1][1] == "demo_seeded"

    assert await seed.seed_demo(ctx) is None
    assert await snapshot(ctx) == counts, "a second run changes nothing"


async def test_demo_staff_can_sign_in(ctx: ServiceContext) -> None:
    await seed.seed_demo(ctx)
    for account in seed.DEMO_ACCOUNTS:
        actor = await staff.sign_in(ctx, email=account.email, password=account.password)
        assert actor.role is account.role
        assert await staff.verify_pin(ctx, staff_id=actor.staff_id, pin=account.pin) == actor


def _config(tmp_path: Path, url: str) -> str:
    path = tmp_path / "encore.toml"
    path.write_text(f'[encore]\ndatabase_url = "{url}"\nlog_level = "WARNING"\n')
    return str(path)


def test_cli_seed_prints_passwords_that_work(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, sqlite_url)
    assert cli.main(["--config", config, "seed-demo"]) == 0
    out = capsys.readouterr().out
    assert "Created the demo: Encore Hall" in out
    printed = re.findall(r"(\S+@\S+)\s+password (\S+)\s+PIN (\d+)", out)
    assert len(printed) == 4

    async def sign_in_all() -> None:
        async with open_context(sqlite_url, SystemClock()) as context:
            for email, password, _ in printed:
                await staff.sign_in(context, email=email, password=password)

    asyncio.run(sign_in_all())
    assert cli.main(["--config", config, "seed-demo"]) == 0
    assert "already exists (Encore Hall); nothing was changed" in capsys.readouterr().out


def test_cli_run_demo_prepares_an_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh' / 'encore.sqlite3'}"
    config = _config(tmp_path, url)
    assert cli.main(["--config", config, "run-demo"]) == 0
    out = capsys.readouterr().out
    assert "Seeded the demo" in out
    assert len(re.findall(r"2000 places left", out)) == 4
    assert cli.main(["--config", config, "run-demo"]) == 0
    again = capsys.readouterr().out
    assert "Seeded" not in again
    assert len(re.findall(r"2000 places left", again)) == 4
    assert cli.main(["--config", config, "db", "current"]) == 0
    assert capsys.readouterr().out.strip() == head_revision()


def test_cli_show_config_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, "sqlite+aiosqlite:////tmp/x.sqlite3")
    assert cli.main(["--config", config, "show-config"]) == 0
    out = capsys.readouterr().out
    assert "database_url = 'sqlite+aiosqlite:////tmp/x.sqlite3'" in out
    assert cli.main(["--config", str(tmp_path / "missing.toml"), "show-config"]) == 2
    err = capsys.readouterr().err
    assert "missing.toml" in err
    assert "does not exist" in err
    (tmp_path / "bad.toml").write_text("[encore]\ndatabase_pool_size = 0\n")
    assert cli.main(["--config", str(tmp_path / "bad.toml"), "show-config"]) == 2
    assert "database_pool_size: must be at least 1" in capsys.readouterr().err
