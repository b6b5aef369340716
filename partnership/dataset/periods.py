"""Reporting periods: months, quarters and years of a partnership's reporting year.

A period is named by its first day. Quarters and years follow the reporting year (April to
March in most partnerships, ``Partnership.year_start_month``): with an April start, Q1 is
April to June and "2026-27" runs from 1 April 2026 to 31 March 2027.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from partnership.dataset.models import Frequency
from partnership.kernel.dates import add_months, parse_year_label, reporting_year, year_label

MONTHS = {name: number for number, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}


@dataclass(frozen=True, order=True)
class Period:
    """One month, quarter or reporting year."""

    start: dt.date
    frequency: Frequency
    year_start_month: int = 4

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        return add_months(self.start, _length(self.frequency)) - dt.timedelta(days=1)

    @property
    def reporting_year(self) -> int:
        """The calendar year its reporting year starts in."""
        return reporting_year(self.start, self.year_start_month)

    @property
    def label(self) -> str:
        """Name it as a report would: 'April 2026', 'Q1 2026-27' (en dash), '2026-27'."""
        if self.frequency is Frequency.MONTHLY:
            return f"{self.start:%B %Y}"
        year = year_label(self.reporting_year, self.year_start_month)
        if self.frequency is Frequency.YEARLY:
            return year
        quarter = _months_between(year_start(self.reporting_year, self.year_start_month),
                                  self.start) // 3 + 1
        return f"Q{quarter} {year}"

    @property
    def short_label(self) -> str:
        """Name it briefly, for chart axes: 'Apr 26', 'Q1 26-27', '26-27'."""
        if self.frequency is Frequency.MONTHLY:
            return f"{self.start:%b %y}"
        return self.label.replace(str(self.reporting_year), f"{self.reporting_year % 100:02d}")

    def shifted(self, count: int) -> Period:
        """Return the period ``count`` periods later (earlier when negative)."""
        return Period(add_months(self.start, count * _length(self.frequency)), self.frequency,
                      self.year_start_month)

    def __str__(self) -> str:
        return self.label


def _length(frequency: Frequency) -> int:
    return {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}[frequency]


def _months_between(first: dt.date, later: dt.date) -> int:
    return (later.year - first.year) * 12 + later.month - first.month


def year_start(year: int, year_start_month: int = 4) -> dt.date:
    """Return the first day of a reporting year."""
    return dt.date(year, year_start_month, 1)


def period_of(day: dt.date, frequency: Frequency, year_start_month: int = 4) -> Period:
    """Return the period a day falls in."""
    first = year_start(reporting_year(day, year_start_month), year_start_month)
    months = _months_between(first, dt.date(day.year, day.month, 1))
    months -= months % _length(frequency)
    return Period(add_months(first, months), frequency, year_start_month)


def periods_between(first: Period, last: Period) -> list[Period]:
    """Return the periods from ``first`` to ``last``, both included."""
    found = []
    current = first
    while current <= last:
        found.append(current)
        current = current.shifted(1)
    return found


def periods_of_year(year: int, frequency: Frequency, year_start_month: int = 4) -> list[Period]:
    """Return a reporting year's months, quarters, or the year itself."""
    first = Period(year_start(year, year_start_month), frequency, year_start_month)
    return [first.shifted(n) for n in range(12 // _length(frequency))]


def year_end_period(year: int, frequency: Frequency, year_start_month: int = 4) -> Period:
    """Return the last month or quarter of a reporting year (or the year itself): where a
    figure published for the whole year is shown beside figures of shorter periods, as
    national statistics count children "at 31 March"."""
    return periods_of_year(year, frequency, year_start_month)[-1]


class PeriodUnreadable(ValueError):
    """Words that name no period of the indicator's frequency."""


def parse_period(text: str, frequency: Frequency, year_start_month: int = 4) -> Period:
    """Read a period as people write it in a spreadsheet.

    Months: '2026-04', 'April 2026', 'Apr 2026', or any date in the month. Quarters:
    'Q1 2026-27', '2026-27 Q1', '2026 Q1' (the reporting year starting in 2026), or any date
    in the quarter. Years: '2026-27', '2026/27', '2026'. Raises :class:`PeriodUnreadable`.
    """
    words = " ".join(text.strip().lower().replace("/", "-").replace("\u2013", "-").split())
    day = _as_date(words)
    if day is not None:
        return period_of(day, frequency, year_start_month)
    if frequency is Frequency.MONTHLY:
        match = re.fullmatch(r"([a-z]+)\.? (\d{4})", words)
        if match:
            month = next((n for name, n in MONTHS.items()
                          if len(match[1]) >= 3 and name.startswith(match[1])), None)
            if month:
                return Period(dt.date(int(match[2]), month, 1), frequency, year_start_month)
        raise PeriodUnreadable("a month, such as April 2026 or 2026-04")
    year_pattern = r"(\d{4})(?:-(\d{2}|\d{4}))?"
    if frequency is Frequency.YEARLY:
        year = parse_year_label(words)
        if year is not None:
            return Period(year_start(year, year_start_month), frequency, year_start_month)
        raise PeriodUnreadable("a reporting year, such as 2026-27")
    match = (re.fullmatch(rf"q([1-4]) {year_pattern}", words)
             or re.fullmatch(rf"{year_pattern} q([1-4])", words))
    if match:
        groups = match.groups()
        quarter, year_groups = ((groups[0], groups[1:]) if words.startswith("q")
                                else (groups[2], groups[:2]))
        if _consistent_year_parts(*year_groups):
            first = Period(year_start(int(year_groups[0]), year_start_month), frequency,
                           year_start_month)
            return first.shifted(int(quarter) - 1)
    raise PeriodUnreadable("a quarter, such as Q1 2026-27")


def _consistent_year_parts(first: str, second: str | None) -> bool:
    if second is None:
        return True
    following = int(first) + 1
    return int(second) in (following, following % 100)


def _as_date(words: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%Y-%m"):
        try:
            return dt.datetime.strptime(words, pattern).date()
        except ValueError:
            continue
    return None
