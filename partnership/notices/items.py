"""What a digest, a notice and the notification centre list: items, read from live data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, url_for

from partnership import clock
from partnership.notices.models import NoticeKind

# Digests look this far ahead for what falls due.
LOOK_AHEAD = dt.timedelta(days=14)


@dataclass(frozen=True)
class Window:
    """The time an item list is read for: today (UK), the horizon, and the instant."""

    today: dt.date
    until: dt.date
    now: dt.datetime

    @classmethod
    def starting(cls, now: dt.datetime | None = None) -> Window:
        """The window from now: today and the next two weeks."""
        today = clock.today() if now is None else now.astimezone(clock.UK_TIME).date()
        return cls(today=today, until=today + LOOK_AHEAD, now=now or clock.now())


@dataclass(frozen=True)
class Item:
    """One thing a person leads or must sign, in plain words, with where to see it."""

    family: str
    title: str
    detail: str
    path: str
    partnership_id: int | None
    due: dt.date | None = None
    # Set when the item is also told at once: the kind of notice and its identity, so a
    # notice of it exists once (a changed date or owner makes a new identity).
    immediate: NoticeKind | None = None
    identity: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


Source = Callable[[Any, Window], list[Item]]


def link(endpoint: str, **values: Any) -> str:
    """The path of a page (the mail adds the service's address in front)."""
    return url_for(endpoint, **values)


def absolute(path: str) -> str:
    """The full address of a path within the service (``SERVICE_URL`` in front)."""
    if path.startswith(("http://", "https://")):
        return path
    base = str(current_app.config["SERVICE_URL"]).rstrip("/")
    return f"{base}{path}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """Say ``count`` things: "1 paper", "3 papers"."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
