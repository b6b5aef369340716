"""The demo's scrutiny (filled in as the feature is built)."""

from __future__ import annotations

import datetime as dt


def load_demo_scrutiny(today: dt.date | None) -> dict[str, int]:
    """Add the demo's scrutiny; return what was added, by name."""
    return {}
