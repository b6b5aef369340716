"""Numbers as the partnership states them: one rounding rule for every percentage."""

from __future__ import annotations


def percent(part: int, whole: int) -> int | None:
    """Return ``part`` of ``whole`` as a whole percentage, rounded half up (None of nothing).

    Half up, not Python's half-to-even ``round``: 12.5% is written 13%, as people round, and
    the same figure is written the same way wherever it appears.
    """
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


def percent_words(part: int, whole: int, nothing: str = "") -> str:
    """Write ``part`` of ``whole`` as "63%", or ``nothing`` when there is no whole."""
    value = percent(part, whole)
    return nothing if value is None else f"{value}%"
