"""The demo's case audits (filled in as the feature is built)."""

from __future__ import annotations

import datetime as dt


def load_demo_case_audits(today: dt.date | None) -> dict[str, int]:
    """Add the demo's case audits; return what was added, by name."""
    return {}
