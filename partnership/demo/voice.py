"""The demo's voice (filled in as the feature is built)."""

from __future__ import annotations

import datetime as dt


def load_demo_voice(today: dt.date | None) -> dict[str, int]:
    """Add the demo's voice; return what was added, by name."""
    return {}
