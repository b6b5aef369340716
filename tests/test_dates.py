"""Working days counted by arithmetic agree with counting them one day at a time."""

from __future__ import annotations

import datetime as dt
import random

from partnership.kernel.dates import add_working_days, is_working_day, working_days_between

CLOSURES = frozenset({dt.date(2025, 12, 29), dt.date(2025, 12, 30), dt.date(2026, 1, 2)})


def _one_day_at_a_time(start: dt.date, end: dt.date) -> int:
    if end < start:
        return -_one_day_at_a_time(end, start)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day, CLOSURES)
    return count


def test_counting_agrees_with_walking_the_calendar_over_years() -> None:
    rng = random.Random(20261122)  # noqa: S311 - test data
    for _ in range(2000):
        start = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(3000))
        end = start + dt.timedelta(days=rng.randrange(-400, 1200))
        assert working_days_between(start, end, CLOSURES) == _one_day_at_a_time(start, end), (
            start, end)


def test_adding_and_counting_are_inverse_across_christmas_and_easter() -> None:
    for start in (dt.date(2025, 12, 19), dt.date(2026, 3, 31), dt.date(2026, 12, 24)):
        for days in (0, 1, 5, 15):
            due = add_working_days(start, days, CLOSURES)
            assert working_days_between(start, due, CLOSURES) == days
            assert is_working_day(due, CLOSURES) or days == 0
