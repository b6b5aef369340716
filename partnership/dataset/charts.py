"""Charts of indicators over time (the partnership, its comparators, the tolerance band).

``trend_chart`` takes a :class:`~partnership.dataset.series.Series` and nothing from the
request, so the indicator page and the yearly report draw the same chart from it.
"""

from __future__ import annotations

from decimal import Decimal

from partnership.dataset import figures
from partnership.dataset.models import Comparator, Unit
from partnership.dataset.periods import Period, period_of, periods_between
from partnership.dataset.series import Series
from partnership.dataset.services.indicators import band_words
from partnership.documents.charts import TrendChart

UNIT_WORDS = {Unit.COUNT: "", Unit.RATE: "per 10,000 children", Unit.PERCENTAGE: "%",
              Unit.DAYS: "days"}
CORNER = {"monthly": "Month", "quarterly": "Quarter", "yearly": "Year"}


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def chart_periods(series: Series) -> list[Period]:
    """The periods a trend chart covers: from the earliest figure or benchmark to the latest,
    every period between included (a period without a figure is a gap)."""
    indicator = series.indicator
    month = series.points[0].period.year_start_month if series.points else (
        indicator.partnership.year_start_month)
    starts = {point.period.start for point in series.points}
    for by_period in series.benchmarks.values():
        starts.update(start for start, point in by_period.items() if point.value is not None)
    if not starts:
        return []
    periods = {period_of(start, indicator.frequency, month) for start in starts}
    return periods_between(min(periods), max(periods))


def trend_chart(series: Series, *, published: bool = False) -> TrendChart:
    """The indicator's figures per period beside England, the region and the statistical
    neighbours (the latest release of each), with the tolerance band shaded.

    ``published``: the series was read with ``published=True``; small numbers are left out
    (a gap) as anything published must.
    """
    indicator = series.indicator
    periods = chart_periods(series)
    by_start = {point.period.start: point for point in series.points}
    own: list[float | None] = []
    for period in periods:
        point = by_start.get(period.start)
        hidden = point is not None and published and point.hidden
        own.append(None if point is None or hidden else _number(point.value))
    names = [indicator.partnership.short_name or indicator.partnership.name]
    values = [own]
    for comparator in Comparator:
        row = [_number(point.value) if (point := series.benchmark(comparator, period))
               else None for period in periods]
        if any(value is not None for value in row):
            names.append(comparator.label)
            values.append(row)
    band = band_words(indicator)
    return TrendChart(
        key=f"indicator-{indicator.id}-trend", title=f"{indicator.name}: trend",
        summary=_summary(series, published), kind="line",
        categories=[period.short_label for period in periods], series=names, values=values,
        unit=UNIT_WORDS[indicator.unit],
        band_low=_number(indicator.lower_tolerance), band_high=_number(indicator.upper_tolerance),
        band_label=f"Tolerance band ({band})" if band else "",
        corner=CORNER[indicator.frequency.value])


def _summary(series: Series, published: bool) -> str:
    """One or two sentences a screen reader hears instead of the picture."""
    indicator = series.indicator
    latest = series.latest
    if latest is None:
        return "No figures have been entered yet."
    said = latest.words(indicator.unit, series.threshold, published=published)
    parts = [f"The latest figure, for {latest.period.label}, is {said}."]
    banded = indicator.lower_tolerance is not None or indicator.upper_tolerance is not None
    if banded and not (published and latest.hidden):
        parts.append(f"{series.standing.words}.")
    for comparator in Comparator:
        point = series.benchmark(comparator, latest.period)
        if point is not None and point.value is not None:
            parts.append(f"{comparator.label}: {figures.words(indicator.unit, point.value)}.")
    return " ".join(parts)
