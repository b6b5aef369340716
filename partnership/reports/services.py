"""The yearly report's workflow (being written)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def guard_published_reports() -> None:
    """Install the checks that keep published reports immutable."""


def report_deadlines(user: Any, day: dt.date | None = None) -> list[Any]:
    """Return the publication deadlines the dashboard warns about."""
    return []


def report_date(value: str | dt.date | None) -> str:
    """Show an ISO date (or a date) as "31 March 2025"."""
    if value is None or value == "":
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {day:%B %Y}"
