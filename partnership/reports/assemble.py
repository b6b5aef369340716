"""Assemble a yearly report's figures from the records (being written)."""

from __future__ import annotations

import datetime as dt

from partnership.register.models import Partnership
from partnership.reports.content import ReportContent


def assemble(partnership: Partnership, start: dt.date, end: dt.date,
             today: dt.date) -> ReportContent:
    """Return everything the report computes for the partnership from ``start`` to ``end``."""
    raise NotImplementedError
