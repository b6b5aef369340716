"""One clock: every part of the partnership agrees what day it is, and it is the day in England."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from partnership import clock
from partnership.actions.models import Status
from partnership.actions.services import settled
from partnership.arrangements.services import draft_filename
from partnership.database import utcnow
from partnership.plans.services import YEARS_OFFERED, year_choices
from partnership.register.models import Agency, Partnership, Sector
from partnership.register.services.agencies import ACTIVE, agency_roster
from tests.support.clock import pin_clock

# 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (BST began on 29 March): the server's
# UTC date is still the last day of reporting year 2025-26, England is in 2026-27.
LATE_EVENING_UTC = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
LONDON_DAY = dt.date(2026, 4, 1)
PACKAGE = Path(__file__).resolve().parent.parent / "partnership"


def test_the_clock_gives_the_day_in_england() -> None:
    with clock.frozen(LATE_EVENING_UTC):
        assert clock.now() == LATE_EVENING_UTC
        assert clock.today() == LONDON_DAY
        assert utcnow() == LATE_EVENING_UTC  # stored timestamps stay UTC
    with clock.frozen(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)):
        assert clock.today() == dt.date(2026, 12, 31)  # in winter England is on UTC


def test_every_entry_point_agrees_on_the_day_after_midnight_in_london(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch, LATE_EVENING_UTC)
    partnership = Partnership(slug="wscp", year_start_month=4)
    partnership.agencies = [Agency(name="New school trust", sector=Sector.EDUCATION,
                                   is_group=False, active_from=LONDON_DAY)]

    plan_year = year_choices(partnership)[YEARS_OFFERED][0]
    action = settled(partnership, {"status": Status.COMPLETE})
    active = agency_roster(partnership, status=ACTIVE)

    assert clock.today() == LONDON_DAY
    assert plan_year == 2026  # the plans' current reporting year
    assert action["completed_on"] == LONDON_DAY  # an action completed today
    assert action["year"] == 2026
    assert active.count == 1  # an agency that joins today is active today
    assert draft_filename(partnership) == f"wscp-arrangements-draft-{LONDON_DAY}.pdf"


def test_a_date_fixes_the_day_and_time_keeps_moving(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch, dt.date(2025, 8, 10))
    first = utcnow()

    assert clock.today() == dt.date(2025, 8, 10)
    assert utcnow() >= first > dt.datetime(2025, 8, 11, tzinfo=dt.UTC)


def test_the_clock_goes_back_after_a_block() -> None:
    with clock.frozen(dt.date(2001, 1, 1)):
        pass
    assert clock.today() != dt.date(2001, 1, 1)


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        clock.freeze(dt.datetime(2026, 3, 31, 23, 30))  # naive on purpose


def test_only_the_clock_reads_the_time() -> None:
    reading = re.compile(r"\bdate\.today\(|\bdatetime\.now\(|\bdatetime\.utcnow\(|\bdef today\(")
    found = [f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
             for path in sorted(PACKAGE.rglob("*.py")) if path != PACKAGE / "clock.py"
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if reading.search(line)]
    assert found == [], "read the date through partnership.clock:\n" + "\n".join(found)
