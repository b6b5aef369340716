"""Indicators' figures over time, read in a fixed number of queries however many indicators,
periods and disaggregations there are: the one way pages, exports and documents read the
dataset.

``load_series`` returns, per indicator, its headline figures per period (rates and
percentages computed by ``dataset/figures.py``), the latest release of each benchmark, the
owner's commentary, where the latest figure stands against the tolerance band, and the
exceptions. ``published=True`` keeps only approved values and hides small numbers, as
anything published must.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from partnership.dataset import figures
from partnership.dataset.models import (
    Benchmark,
    BenchmarkRelease,
    Commentary,
    Comparator,
    DatasetSettings,
    Dimension,
    Indicator,
    IndicatorValue,
    Population,
    Subject,
    Unit,
    ValueStatus,
)
from partnership.dataset.periods import Period
from partnership.extensions import db
from partnership.register.models import Partnership

DEFAULT_SUPPRESS_BELOW = 5


@dataclass(frozen=True)
class Point:
    """One period's headline figure."""

    period: Period
    number: Decimal
    denominator: Decimal | None
    value: Decimal | None  # in the indicator's unit; None when it cannot be computed
    status: ValueStatus
    approved: bool
    hidden: bool  # a small number, hidden in anything published
    children: int | None = None  # the population a rate was computed from
    population_year: int | None = None

    def words(self, unit: Unit, threshold: int, *, published: bool = False) -> str:
        """Say the figure (hidden in anything published when it is a small number)."""
        return figures.words(unit, self.value, hidden=published and self.hidden,
                             threshold=threshold, number=self.number)


@dataclass(frozen=True)
class BenchmarkPoint:
    """A comparator's figure for a period, from the latest release that has it."""

    value: Decimal | None
    release: str


@dataclass(frozen=True)
class Flag:
    """An exception (in performance-reporting words): something about an indicator's latest
    figure the executive should look at."""

    kind: str  # "tolerance" or "worsening"
    period: Period
    words: str


@dataclass
class Series:
    """An indicator's headline figures over the periods asked for, oldest first."""

    indicator: Indicator
    threshold: int
    points: list[Point] = field(default_factory=list)
    benchmarks: dict[Comparator, dict[dt.date, BenchmarkPoint]] = field(
        default_factory=lambda: defaultdict(dict))
    commentary: dict[dt.date, str] = field(default_factory=dict)

    @property
    def latest(self) -> Point | None:
        """The most recent period with a figure."""
        return self.points[-1] if self.points else None

    @property
    def standing(self) -> figures.Standing:
        """Where the latest figure stands against the tolerance band."""
        latest = self.latest
        return figures.standing(latest.value if latest else None,
                                self.indicator.lower_tolerance,
                                self.indicator.upper_tolerance, self.indicator.polarity)

    @property
    def exceptions(self) -> list[Flag]:
        """Outside the tolerance band, or worse for three periods in a row (latest figure)."""
        latest = self.latest
        if latest is None:
            return []
        found = []
        if self.standing.outside:
            found.append(Flag("tolerance", latest.period,
                                    f"{latest.period}: {self.standing.words.lower()}"))
        if figures.worsening(self._consecutive_values(), self.indicator.polarity):
            found.append(Flag(
                "worsening", latest.period,
                f"{latest.period}: worse for {figures.WORSENING_RUN} periods in a row"))
        return found

    def _consecutive_values(self) -> list[Decimal | None]:
        """The figures of consecutive periods up to the latest (a gap is None)."""
        if not self.points:
            return []
        by_start = {point.period.start: point.value for point in self.points}
        latest = self.points[-1].period
        run = [latest.shifted(-n) for n in range(figures.WORSENING_RUN, -1, -1)]
        return [by_start.get(period.start) for period in run]

    def benchmark(self, comparator: Comparator, period: Period) -> BenchmarkPoint | None:
        """The comparator's figure for a period, if one was imported."""
        return self.benchmarks.get(comparator, {}).get(period.start)


def suppress_below(partnership_id: int) -> int:
    """Return the partnership's small-number threshold."""
    threshold = db.session.scalar(sa.select(DatasetSettings.suppress_below)
                                  .where(DatasetSettings.partnership_id == partnership_id))
    return DEFAULT_SUPPRESS_BELOW if threshold is None else threshold


def populations(partnership_ids: Iterable[int]) -> dict[int, dict[int, tuple[int, str]]]:
    """Return each partnership's child population by year: (children, sources)."""
    rows = db.session.execute(
        sa.select(Population.partnership_id, Population.year,
                  sa.func.sum(Population.children), sa.func.min(Population.source))
        .where(Population.partnership_id.in_(set(partnership_ids)))
        .group_by(Population.partnership_id, Population.year))
    found: dict[int, dict[int, tuple[int, str]]] = defaultdict(dict)
    for partnership_id, year, children, source in rows:
        found[partnership_id][year] = (int(children), source)
    return found


def population_for(by_year: dict[int, tuple[int, str]], year: int) -> tuple[int, int] | None:
    """Return (children, year used) for a reporting year: that year's estimate, or the
    latest earlier one (estimates are published a year or more behind)."""
    usable = [known for known in by_year if known <= year]
    if not usable:
        return None
    chosen = max(usable)
    return by_year[chosen][0], chosen


def load_series(indicators: Sequence[Indicator], *, first: dt.date | None = None,
                last: dt.date | None = None, published: bool = False) -> dict[int, Series]:
    """Read the headline figures, benchmarks and commentary of these indicators.

    ``first``/``last`` bound the periods' first days. ``published`` keeps approved values
    only. Five queries, whatever the number of indicators and periods.
    """
    if not indicators:
        return {}
    ids = [indicator.id for indicator in indicators]
    by_id = {indicator.id: indicator for indicator in indicators}
    partnership_ids = {indicator.partnership_id for indicator in indicators}
    thresholds: dict[int, int] = {
        row.partnership_id: row.suppress_below for row in db.session.execute(
            sa.select(DatasetSettings.partnership_id, DatasetSettings.suppress_below)
            .where(DatasetSettings.partnership_id.in_(partnership_ids)))}
    year_start_months = _year_start_months(indicators)
    result = {indicator.id: Series(indicator, thresholds.get(indicator.partnership_id,
                                                             DEFAULT_SUPPRESS_BELOW))
              for indicator in indicators}
    bounds = _bounds(IndicatorValue.period_start, first, last)

    value_query = (sa.select(IndicatorValue.indicator_id, IndicatorValue.period_start,
                             IndicatorValue.number, IndicatorValue.denominator,
                             IndicatorValue.status, IndicatorValue.approved_on)
                   .where(IndicatorValue.indicator_id.in_(ids),
                          IndicatorValue.dimension == Dimension.TOTAL,
                          IndicatorValue.subject == Subject.CHILDREN, *bounds)
                   .order_by(IndicatorValue.indicator_id, IndicatorValue.period_start))
    if published:
        value_query = value_query.where(IndicatorValue.approved_on.is_not(None))
    people = populations(partnership_ids)
    for indicator_id, start, number, denominator, status, approved_on in db.session.execute(
            value_query):
        indicator = by_id[indicator_id]
        series = result[indicator_id]
        period = Period(start, indicator.frequency, year_start_months[indicator.partnership_id])
        population = (population_for(people.get(indicator.partnership_id, {}),
                                     period.reporting_year)
                      if indicator.unit is Unit.RATE else None)
        children = population[0] if population else None
        series.points.append(Point(
            period=period, number=number, denominator=denominator,
            value=figures.figure(indicator.unit, number, denominator, children),
            status=status, approved=approved_on is not None,
            hidden=figures.suppressed(indicator.unit, number, series.threshold),
            children=children, population_year=population[1] if population else None))

    # The latest release of each benchmark: a later release revises an earlier one.
    latest_release = (
        sa.select(Benchmark.indicator_id, Benchmark.comparator, Benchmark.period_start,
                  Benchmark.value, BenchmarkRelease.publication, BenchmarkRelease.released_on)
        .join(BenchmarkRelease)
        .where(Benchmark.indicator_id.in_(ids), *_bounds(Benchmark.period_start, first, last))
        .order_by(Benchmark.indicator_id, Benchmark.comparator, Benchmark.period_start,
                  BenchmarkRelease.released_on, Benchmark.id))
    for indicator_id, comparator, start, value, publication, released_on in db.session.execute(
            latest_release):
        result[indicator_id].benchmarks[comparator][start] = BenchmarkPoint(
            value, f"{publication}, released {released_on:%-d %B %Y}")

    for indicator_id, start, text in db.session.execute(
            sa.select(Commentary.indicator_id, Commentary.period_start, Commentary.text)
            .where(Commentary.indicator_id.in_(ids),
                   *_bounds(Commentary.period_start, first, last))):
        result[indicator_id].commentary[start] = text
    return result


def _bounds(column: sa.ColumnElement[dt.date], first: dt.date | None,
            last: dt.date | None) -> list[sa.ColumnElement[bool]]:
    bounds = []
    if first is not None:
        bounds.append(column >= first)
    if last is not None:
        bounds.append(column <= last)
    return bounds


def _year_start_months(indicators: Sequence[Indicator]) -> dict[int, int]:
    """Each partnership's reporting-year start month, in one query."""
    ids = {indicator.partnership_id for indicator in indicators}
    return {row.id: row.year_start_month for row in db.session.execute(
        sa.select(Partnership.id, Partnership.year_start_month).where(Partnership.id.in_(ids)))}
