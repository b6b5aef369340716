"""Setting the one clock in tests: a date fixes today, an aware datetime stops time there.

In a test, ``pin_clock(monkeypatch, day)`` (the clock goes back when the test ends). For a whole
module, a fixture made by ``clock_at``:

    fixed_today = clock_at(TODAY)          # autouse: every test in the module runs on TODAY
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from partnership import clock


def pin_clock(monkeypatch: pytest.MonkeyPatch, at: dt.datetime | dt.date) -> None:
    """Set the clock (see ``partnership.clock.freeze``) until the test ends."""
    # Record the clock's setting with monkeypatch so its undo puts the real clock back.
    monkeypatch.setattr(clock, "_frozen_instant", clock._frozen_instant)
    monkeypatch.setattr(clock, "_frozen_day", clock._frozen_day)
    clock.freeze(at)


def clock_at(at: dt.datetime | dt.date, *, autouse: bool = True) -> Callable[..., Iterator[None]]:
    """Make a fixture that runs each test with the clock set to ``at``."""

    @pytest.fixture(autouse=autouse)
    def pinned(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        pin_clock(monkeypatch, at)
        yield

    return pinned
