"""Reporting years: the partnership's twelve months, named the way partnerships name them.

A reporting year is identified by the calendar year it starts in; with an April start,
year 2024 runs from 1 April 2024 to 31 March 2025 and is written "2024-25" (with an en dash).
"""

from __future__ import annotations

import datetime as dt


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
