"""The sources of what a person is told: one module per family, one registry.

Each source is a function ``(user, window) -> list[Item]``, registered here with the heading
a digest and the notification centre group its items under. A source reads live data every
time, so a changed owner or date changes what is listed, and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from partnership.notices.items import Item, Source, Window


@dataclass(frozen=True)
class Family:
    """A registered source: its name, the heading of its items, and the function."""

    name: str
    heading: str
    read: Source


_families: dict[str, Family] = {}


def register(name: str, heading: str) -> Any:
    """Register the decorated function as the source of a family of items."""

    def add(function: Source) -> Source:
        _families[name] = Family(name, heading, function)
        return function

    return add


def families() -> list[Family]:
    """The registered sources, in the order they were registered (the digest's order)."""
    if not _families:
        load()
    return list(_families.values())


def load() -> None:
    """Import every source module, so each registers itself (once)."""
    from partnership.notices.sources import (  # noqa: F401 - they register themselves
        actions,
        cases,
        date_requests,
        meetings,
        referrals,
        returns,
        sign_offs,
    )


def items_for(user: Any, window: Window, only: frozenset[str] | None = None) -> list[Item]:
    """Every item for a user, family by family (of the ``only`` families, if given)."""
    found: list[Item] = []
    for family in families():
        if only is None or family.name in only:
            found.extend(family.read(user, window))
    return found


def grouped(items: list[Item]) -> list[tuple[str, list[Item]]]:
    """The items under their families' headings, in the registry's order (empty ones left out)."""
    return [(family.heading, [item for item in items if item.family == family.name])
            for family in families()
            if any(item.family == family.name for item in items)]
