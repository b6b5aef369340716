"""Words: counts with their nouns, lists as a sentence writes them."""

from __future__ import annotations

from collections.abc import Sequence


def plural(count: int, singular: str, plural_form: str = "") -> str:
    """Write a count with its noun, in numerals: "1 meeting", "1,038 meetings"."""
    return f"{count:,} {singular if count == 1 else (plural_form or singular + 's')}"


def in_words(items: Sequence[str]) -> str:
    """Join phrases as a sentence does: "a, b and c" (empty phrases are left out)."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def times(count: int) -> str:
    """Say how often: "once", "twice", "38 times"."""
    return {1: "once", 2: "twice"}.get(count, f"{count:,} times")


def capital(text: str) -> str:
    """Capitalise the first letter only (unlike ``str.capitalize``, the rest is kept)."""
    return text[:1].upper() + text[1:]
