"""Dates the partnership counts in: reporting years, and working days for statutory clocks.

Reporting years: the partnership's twelve months, named the way partnerships name them.

A reporting year is identified by the calendar year it starts in; with an April start,
year 2024 runs from 1 April 2024 to 31 March 2025 and is written "2024-25" (with an en dash).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Collection

import holidays


def reporting_year(day: dt.date, start_month: int = 4) -> int:
    """Return the reporting year a date falls in."""
    return day.year if day.month >= start_month else day.year - 1


def year_span(year: int, start_month: int = 4) -> tuple[dt.date, dt.date]:
    """Return the first and last day of a reporting year."""
    first = dt.date(year, start_month, 1)
    following = dt.date(year + 1, start_month, 1) if start_month > 1 else dt.date(year + 1, 1, 1)
    if start_month == 1:
        return first, dt.date(year, 12, 31)
    return first, following - dt.timedelta(days=1)


def year_label(year: int, start_month: int = 4) -> str:
    """Name a reporting year: "2024-25" (en dash), or "2024" when it is a calendar year."""
    if start_month == 1:
        return str(year)
    return f"{year}\u2013{(year + 1) % 100:02d}"


def parse_year_label(text: str) -> int | None:
    """Read "2024", "2024-25" or "2024/25" (any dash) back into the year it starts in, or None."""
    text = text.strip().replace("\u2013", "-").replace("/", "-")
    head, _, tail = text.partition("-")
    if not head.isdigit() or len(head) != 4:
        return None
    year = int(head)
    if tail and (not tail.isdigit() or int(tail) % 100 != (year + 1) % 100):
        return None
    return year


# --- working days ---------------------------------------------------------------------------
# England and Wales bank holidays come from the maintained ``holidays`` library; partnerships
# add their own closure days. Every statutory deadline is counted by ``add_working_days``.

_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")


def is_working_day(day: dt.date, closures: Collection[dt.date] = ()) -> bool:
    """Monday to Friday, not a bank holiday in England and Wales, not a closure day."""
    return day.weekday() < 5 and day not in _BANK_HOLIDAYS and day not in closures


def add_working_days(start: dt.date, days: int, closures: Collection[dt.date] = ()) -> dt.date:
    """Return the ``days``-th working day after ``start`` (the start day itself never counts).

    This is how the statutory clocks run: a notification due "within 5 working days" of
    awareness on a Friday is due on the following Friday, later if a bank holiday falls between.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += dt.timedelta(days=1)
        if is_working_day(day, closures):
            days -= 1
    return day


def working_days_between(start: dt.date, end: dt.date,
                         closures: Collection[dt.date] = ()) -> int:
    """Count the working days after ``start`` up to and including ``end`` (negative if earlier).

    ``working_days_between(today, due)`` is the working days left: 0 on the due day itself,
    negative once it has passed. Counted by arithmetic (weekdays less the days off that fall
    on weekdays), so a clock years long costs no more than one a week long.
    """
    if end < start:
        return -working_days_between(end, start, closures)
    weeks, extra = divmod((end - start).days, 7)
    weekdays = weeks * 5 + sum(
        (start + dt.timedelta(days=weeks * 7 + i)).weekday() < 5 for i in range(1, extra + 1))
    days_off = {day for day in (*_bank_holidays(start.year, end.year), *closures)
                if start < day <= end and day.weekday() < 5}
    return weekdays - len(days_off)


@functools.cache
def _bank_holidays_in(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def _bank_holidays(first_year: int, last_year: int) -> frozenset[dt.date]:
    return frozenset().union(*(_bank_holidays_in(year)
                               for year in range(first_year, last_year + 1)))


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day ``months`` later (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def long_date(day: dt.date) -> str:
    """Write a date the GOV.UK way: 1 July 2022."""
    return f"{day.day} {day:%B %Y}"
