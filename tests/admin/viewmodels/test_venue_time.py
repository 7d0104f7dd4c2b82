"""Times in the admin app, without Qt: by the venue's clock with its abbreviation whatever the desktop's zone, the
rule for times of no one venue, days counted from the venue's midnight (audit filter, orders search)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from admin.viewmodels.audit_log import AuditFilter, AuditLogViewModel
from admin.viewmodels.orders import OrdersViewModel, SearchForm
from admin.viewmodels.venue_time import ZoneRule, load_site_rule, site_rule, zone_time
from core.client.staff_local import LocalStaffClient
from core.domain.clock import ManualClock
from core.domain.staff import Role
from core.services import venues
from core.services.context import ServiceContext
from tests.builders import ROOT, build_stage, sell, signing_kiosk
from tests.support.desktop_zone import desktop_zone
from tests.support.staff_api import PASSWORD, make_staff

WINTER_EIGHT_PM_BERLIN = datetime(2026, 12, 12, 19, 0, tzinfo=UTC)


@pytest.fixture
def new_york_desktop() -> Iterator[None]:
    """A manager's laptop set to New York; the venues of these tests are in Berlin."""
    with desktop_zone("America/New_York"):
        assert datetime(2026, 12, 12, 12, tzinfo=UTC).astimezone().tzname() == "EST"  # the harness took
        yield


def test_a_time_is_shown_by_the_venues_clock_with_its_abbreviation(new_york_desktop: None) -> None:
    assert zone_time(WINTER_EIGHT_PM_BERLIN, "Europe/Berlin") == "2026-12-12 20:00 CET"
    assert zone_time(WINTER_EIGHT_PM_BERLIN + timedelta(days=180), "Europe/Berlin") == "2027-06-10 21:00 CEST"
    assert zone_time(WINTER_EIGHT_PM_BERLIN, "Asia/Kolkata", "%H:%M") == "00:30 IST"
    # This desktop's clock only when asked for ('' ), and then named too.
    assert zone_time(WINTER_EIGHT_PM_BERLIN, "") == "2026-12-12 14:00 EST"


def test_the_rule_for_times_of_no_venue(new_york_desktop: None) -> None:
    one = site_rule(["Europe/Berlin", "Europe/Berlin"])
    assert one == ZoneRule("Europe/Berlin", "Times are Europe/Berlin time, where the venue is.")
    assert one.show(WINTER_EIGHT_PM_BERLIN) == "2026-12-12 20:00 CET"
    assert one.midnight(date(2026, 12, 12)) == datetime(2026, 12, 11, 23, 0, tzinfo=UTC)
    two = site_rule(["Europe/Berlin", "Europe/London"])
    assert two.zone == ""
    assert two.note == "Times are this computer's time (EST): the venues are in 2 time zones."
    assert two.show(WINTER_EIGHT_PM_BERLIN) == "2026-12-12 14:00 EST"
    assert two.midnight(date(2026, 12, 12)) == datetime(2026, 12, 12, 5, 0, tzinfo=UTC)
    assert site_rule([]).note == "Times are this computer's time (EST): no venue is set up yet."


async def test_the_rule_comes_from_the_venues_and_box_office_learns_it_from_orders(
    ctx: ServiceContext, clock: ManualClock, new_york_desktop: None
) -> None:
    stage = await build_stage(ctx)  # its venue is in Berlin
    kiosk = await signing_kiosk(ctx, "Kiosk foyer")
    clock.advance(
        5 * 3600 + 30 * 60
    )  # 23:30 UTC on 1 December: already the 2nd in Berlin, the 1st in New York
    late = await sell(ctx, stage, kiosk, stage.seats[:1], "late-1")
    client = LocalStaffClient.over(ctx)
    manager = await client.sign_in((await make_staff(ctx, Role.MANAGER, number=91)).email, PASSWORD)
    assert (await load_site_rule(manager)).zone == "Europe/Berlin"

    box = await client.sign_in((await make_staff(ctx, Role.BOX_OFFICE, number=92)).email, PASSWORD)
    assert await load_site_rule(box) == ZoneRule("", "Times are this computer's time (EST).")  # not asked
    vm = OrdersViewModel(box)
    await vm.search(SearchForm())
    assert vm.state.results is not None
    assert vm.state.results.orders[0].timezone == "Europe/Berlin"
    assert vm.state.days is not None
    assert vm.state.days.zone == "Europe/Berlin"
    await vm.search(SearchForm(first_day=date(2026, 12, 2), last_day=date(2026, 12, 2)))
    assert [o.code for o in vm.state.results.orders] == [late.code], "Berlin's 2 December"
    await vm.search(SearchForm(first_day=date(2026, 12, 1), last_day=date(2026, 12, 1)))
    assert vm.state.results.orders == (), "not New York's 1 December"

    await venues.create_venue(ctx, ROOT, name="Thames Hall", timezone="Europe/London")
    assert (await load_site_rule(manager)).zone == "", "two zones: this computer's, named"


async def test_audit_days_run_from_the_venues_midnight(ctx: ServiceContext, new_york_desktop: None) -> None:
    await build_stage(ctx)
    admin = await make_staff(ctx, Role.ADMIN, number=93)
    vm = AuditLogViewModel(await LocalStaffClient.over(ctx).sign_in(admin.email, PASSWORD))
    await vm.load()
    assert vm.state.error == ""
    assert vm.state.clock.zone == "Europe/Berlin"
    query = AuditFilter(first_day=date(2026, 12, 1), last_day=date(2026, 12, 1)).query(vm.state.clock)
    assert (query.since, query.until) == (
        datetime(2026, 11, 30, 23, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 23, 0, tzinfo=UTC),
    )
    assert vm.state.entries, "the stage's venue and concert were audited"
    await vm.aclose()
