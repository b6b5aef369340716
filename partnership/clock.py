"""The one clock: what "now" and "today" mean everywhere in the partnership.

Every deadline, reporting year and publication date is judged on the date in England, whatever
time zone the server runs in (between midnight and 1 a.m. in summer the server's UTC date is
still yesterday). Stored timestamps stay in UTC (``partnership.database.utcnow`` reads
``now()``).

Tests set the clock in one place, with ``frozen``/``freeze`` (``pin_clock`` and ``clock_at``
in ``tests/support/clock.py``): a datetime stops time at that instant, so ``now()``, ``utcnow()``
and ``today()`` all follow it; a date fixes only the day, so stored timestamps keep moving and
stay in order.

This module sits at the bottom of the layers: it imports nothing from the application.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

UK_TIME = ZoneInfo("Europe/London")

# What a test set the clock to; None means the real clock. A module global rather than a
# context variable so the server thread of a browser test sees it too.
_frozen_instant: dt.datetime | None = None
_frozen_day: dt.date | None = None


def now() -> dt.datetime:
    """Return the current instant as an aware UTC datetime."""
    if _frozen_instant is not None:
        return _frozen_instant
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Return today's date in England, the date every deadline and publication is judged on."""
    if _frozen_day is not None:
        return _frozen_day
    return now().astimezone(UK_TIME).date()


def freeze(at: dt.datetime | dt.date) -> None:
    """Set the clock: a datetime (aware) stops time at that instant; a date fixes only the day."""
    global _frozen_instant, _frozen_day
    if isinstance(at, dt.datetime):
        if at.tzinfo is None:
            raise ValueError("naive datetime given where an instant is required")
        _frozen_instant, _frozen_day = at.astimezone(dt.UTC), None
    else:
        _frozen_instant, _frozen_day = None, at


def unfreeze() -> None:
    """Put the real clock back."""
    global _frozen_instant, _frozen_day
    _frozen_instant, _frozen_day = None, None


@contextmanager
def frozen(at: dt.datetime | dt.date) -> Iterator[None]:
    """Run a block with the clock set (see ``freeze``), then put the real clock back."""
    freeze(at)
    try:
        yield
    finally:
        unfreeze()
