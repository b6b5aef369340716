"""The dataset as a workbook: the indicators, their headline figures per period (with status
and approval), their breakdowns, and the benchmarks (the latest release of each).

Figures not yet approved are included and marked so (the workbook is the partners' working
copy, not a publication); small numbers are marked, not hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from partnership.dataset.categories import category_label
from partnership.dataset.models import Comparator, Dimension, IndicatorValue, Unit, breakdown_label
from partnership.dataset.periods import period_of
from partnership.dataset.series import Series, load_series
from partnership.dataset.services.indicators import indicators_of
from partnership.documents.spreadsheets import Sheet, workbook
from partnership.extensions import db
from partnership.register.models import Partnership

INDICATOR_HEADINGS = ("Reference", "Indicator", "Definition", "Unit", "Which way is better",
                      "Reported", "Source agency", "Owner", "Plan priority", "Group",
                      "Tolerance band from", "Tolerance band to", "Target", "Latest period",
                      "Latest figure", "Standing", "Exceptions", "In the yearly report",
                      "Public source")
FIGURE_HEADINGS = ("Reference", "Indicator", "Period", "Period starts", "Number",
                   "Denominator", "Figure", "Unit", "Children aged 0 to 17 (population year)",
                   "Status", "Approved for publication", "Small number", "Commentary")
BREAKDOWN_HEADINGS = ("Reference", "Indicator", "Period", "Period starts", "Breakdown",
                      "Category", "Number", "Denominator", "Status",
                      "Approved for publication", "Note")
BENCHMARK_HEADINGS = ("Reference", "Indicator", "Period", "Period starts", "Comparator",
                      "Figure", "Release")


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def dataset_workbook(partnership: Partnership) -> bytes:
    """The partnership's indicators and figures as an XLSX workbook (a fixed number of
    queries whatever the number of indicators)."""
    indicators = indicators_of(partnership, include_retired=True)
    series = load_series(indicators)
    return workbook([
        Sheet("Indicators", INDICATOR_HEADINGS,
              (_indicator_row(series[i.id]) for i in indicators)),
        Sheet("Figures", FIGURE_HEADINGS,
              (row for i in indicators for row in _figure_rows(series[i.id]))),
        Sheet("Breakdowns", BREAKDOWN_HEADINGS, _breakdown_rows(partnership, indicators)),
        Sheet("Benchmarks", BENCHMARK_HEADINGS,
              (row for i in indicators for row in _benchmark_rows(series[i.id]))),
    ])


def _indicator_row(series: Series) -> list[Any]:
    indicator = series.indicator
    latest = series.latest
    return [
        indicator.reference, indicator.name, indicator.definition, indicator.unit.label,
        indicator.polarity.label, indicator.frequency.label,
        indicator.source_agency.name if indicator.source_agency else "",
        indicator.owner.name if indicator.owner else "",
        str(indicator.objective) if indicator.objective else "",
        indicator.body.name if indicator.body else "",
        _number(indicator.lower_tolerance), _number(indicator.upper_tolerance),
        _number(indicator.target), latest.period.label if latest else "",
        latest.words(indicator.unit, series.threshold) if latest else "",
        series.standing.words, "; ".join(flag.words for flag in series.exceptions),
        _yes(indicator.in_yearly_report),
        indicator.source_note + (" (no longer collected)" if indicator.retired else ""),
    ]


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _figure_rows(series: Series) -> Iterable[list[Any]]:
    indicator = series.indicator
    for point in series.points:
        population = (f"{point.children:,} ({point.population_year})"
                      if point.children is not None else "")
        yield [indicator.reference, indicator.name, point.period.label, point.period.start,
               _number(point.number), _number(point.denominator), _number(point.value),
               indicator.unit.label, population, point.status.label, _yes(point.approved),
               _yes(point.hidden), series.commentary.get(point.period.start, "")]


def _breakdown_rows(partnership: Partnership, indicators: Sequence[Any]) -> Iterable[list[Any]]:
    """Every split figure of the indicators, in the library's order (one query)."""
    by_id = {indicator.id: indicator for indicator in indicators}
    if not by_id:
        return
    rows = db.session.execute(
        sa.select(IndicatorValue.indicator_id, IndicatorValue.period_start,
                  IndicatorValue.dimension, IndicatorValue.subject, IndicatorValue.category,
                  IndicatorValue.number, IndicatorValue.denominator, IndicatorValue.status,
                  IndicatorValue.approved_on, IndicatorValue.note)
        .where(IndicatorValue.indicator_id.in_(list(by_id)),
               IndicatorValue.dimension != Dimension.TOTAL)
        .order_by(IndicatorValue.period_start, IndicatorValue.dimension,
                  IndicatorValue.subject, IndicatorValue.category)).all()
    order = {indicator.id: index for index, indicator in enumerate(indicators)}
    rows.sort(key=lambda row: order[row.indicator_id])
    for row in rows:
        indicator = by_id[row.indicator_id]
        period = period_of(row.period_start, indicator.frequency, partnership.year_start_month)
        yield [indicator.reference, indicator.name, period.label, row.period_start,
               breakdown_label(row.dimension, row.subject),
               category_label(row.dimension, row.category), _number(row.number),
               _number(row.denominator) if indicator.unit is Unit.PERCENTAGE else None,
               row.status.label, _yes(row.approved_on is not None), row.note]


def _benchmark_rows(series: Series) -> Iterable[list[Any]]:
    indicator = series.indicator
    month = indicator.partnership.year_start_month
    for comparator in Comparator:
        for start, point in sorted(series.benchmarks.get(comparator, {}).items()):
            period = period_of(start, indicator.frequency, month)
            yield [indicator.reference, indicator.name, period.label, start, comparator.label,
                   _number(point.value) if point.value is not None else "Not available",
                   point.release]
