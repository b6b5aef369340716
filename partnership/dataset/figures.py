"""The dataset's derived figures, each computed by one function: the figure in the
indicator's unit (rates and percentages are computed, never typed), small-number
suppression, where a figure stands against the tolerance band, and the exceptions.

Every page, export and document that shows a figure calls these; nothing stores their results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from partnership.dataset.models import Polarity, Unit

PER_CHILDREN = Decimal(10_000)
ONE_PLACE = Decimal("0.1")
WORSENING_RUN = 3  # periods in a row, each worse than the one before


def figure(unit: Unit, number: Decimal, denominator: Decimal | None = None,
           children: int | None = None) -> Decimal | None:
    """Return the figure in the indicator's unit, or None when it cannot be computed (a rate
    without a population, a percentage without a denominator)."""
    if unit is Unit.RATE:
        if not children:
            return None
        return (number * PER_CHILDREN / Decimal(children)).quantize(ONE_PLACE, ROUND_HALF_UP)
    if unit is Unit.PERCENTAGE:
        if not denominator:
            return None
        return (number * 100 / denominator).quantize(ONE_PLACE, ROUND_HALF_UP)
    return number


def suppressed(unit: Unit, number: Decimal, threshold: int) -> bool:
    """Whether a published document must hide the figure: a count of children from 1 up to
    the threshold (and the rate or percentage made from it). Zero is shown; days are not
    counts of children."""
    return unit is not Unit.DAYS and 0 < number < threshold


def words(unit: Unit, value: Decimal | None, *, hidden: bool = False, threshold: int = 0,
          number: Decimal | None = None) -> str:
    """Say a figure as a report prints it: '312', '45.3 per 10,000', '67.2%', '12.5 days',
    'fewer than 5' (a suppressed count), 'not published' (a suppressed rate), or 'not
    available' when there is no figure."""
    if hidden:
        if unit is Unit.COUNT:
            return f"fewer than {threshold}"
        return "not published (small number)"
    if value is None:
        return "not available"
    if unit is Unit.COUNT:
        return _plain(value)
    if unit is Unit.RATE:
        return f"{value:,.1f} per 10,000"
    if unit is Unit.PERCENTAGE:
        shown = f"{value:.1f}%"
        return shown if number is None else f"{shown} ({_plain(number)})"
    return f"{_plain(value)} days"


def _plain(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.1f}"


@dataclass(frozen=True)
class Standing:
    """Where a figure stands against the tolerance band."""

    outside: bool
    worse: bool | None  # outside on the worse side (None: the polarity says neither)
    words: str

    @property
    def rag(self) -> str:
        """Colour it: red outside on the worse side, amber outside otherwise, green within."""
        if not self.outside:
            return "green"
        return "red" if self.worse in (True, None) else "amber"


NO_BAND = Standing(outside=False, worse=None, words="No tolerance band set")


def standing(value: Decimal | None, lower: Decimal | None, upper: Decimal | None,
             polarity: Polarity) -> Standing:
    """Return where a figure stands against the band [lower, upper] (either may be open)."""
    if value is None or (lower is None and upper is None):
        return NO_BAND
    if lower is not None and value < lower:
        worse = None if polarity is Polarity.NEITHER else polarity is Polarity.HIGHER
        return Standing(True, worse, "Below the tolerance band" + _side(worse))
    if upper is not None and value > upper:
        worse = None if polarity is Polarity.NEITHER else polarity is Polarity.LOWER
        return Standing(True, worse, "Above the tolerance band" + _side(worse))
    return Standing(False, None, "Within the tolerance band")


def _side(worse: bool | None) -> str:
    return "" if worse is None else (" (worse)" if worse else " (better)")


def worsening(values: Sequence[Decimal | None], polarity: Polarity,
              run: int = WORSENING_RUN) -> bool:
    """Whether each of the last ``run`` figures is worse than the one before it (consecutive
    periods; a missing figure breaks the run)."""
    if polarity is Polarity.NEITHER or len(values) < run + 1:
        return False
    tail = values[-(run + 1):]
    if any(value is None for value in tail):
        return False
    pairs = list(pairwise(tail))
    if polarity is Polarity.HIGHER:
        return all(later < earlier for earlier, later in pairs)  # type: ignore[operator]
    return all(later > earlier for earlier, later in pairs)  # type: ignore[operator]


def change_words(earlier: Decimal | None, later: Decimal | None, polarity: Polarity) -> str:
    """Say how a figure moved: 'up from 41.2', 'down from 12', 'the same as', '' unknown."""
    if earlier is None or later is None:
        return ""
    if later == earlier:
        return "unchanged"
    direction = "up" if later > earlier else "down"
    better = ((later > earlier) == (polarity is Polarity.HIGHER)
              if polarity is not Polarity.NEITHER else None)
    judged = "" if better is None else (", better" if better else ", worse")
    return f"{direction} from {_plain(earlier)}{judged}"
