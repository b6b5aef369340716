"""The demo's self-assessment rounds (filled in as the feature is built)."""

from __future__ import annotations

import datetime as dt


def load_demo_self_assessment(today: dt.date | None) -> dict[str, int]:
    """Add the demo's self-assessment rounds; return what was added, by name."""
    return {}


def load_synthetic_self_assessment(scale: int, today: dt.date | None) -> dict[str, int]:
    """Add the benchmark's self-assessment round of 300 organisations."""
    return {}
