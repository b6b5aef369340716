"""The demo's escalations (filled in as the feature is built)."""

from __future__ import annotations

import datetime as dt


def load_demo_escalations(today: dt.date | None) -> dict[str, int]:
    """Add the demo's escalations; return what was added, by name."""
    return {}
