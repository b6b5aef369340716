"""Numbers as the partnership states them: one rounding rule for every percentage, one way
of writing an amount of money."""

from __future__ import annotations

import decimal


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


def pence(amount: decimal.Decimal | int) -> int:
    """Return an amount of money in pounds (a stored two-place decimal) as whole pence."""
    return int((decimal.Decimal(amount) * 100).to_integral_value(decimal.ROUND_HALF_UP))


def pounds(pence: int) -> str:
    """Write an amount of money as people read it: "£12,345" for whole pounds, "£12,345.50"
    otherwise, and "-£1,200" for a deficit."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    return f"{sign}£{whole:,}" + (f".{part:02d}" if part else "")
