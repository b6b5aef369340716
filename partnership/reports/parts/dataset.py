"""Part 3's data: the indicators of the multi-agency dataset the partnership chose for its
yearly report, as the published figures show them.

Only figures approved for publication are used, and small numbers are hidden
(``dataset/figures.py`` decides both). Each indicator shows its figures for the period and the
year before it, its last figure in the period against the same period a year earlier, the
tolerance band and England's and the comparators' figures, the owner's commentary on its last
period, the exceptions at the end of the period and the actions raised from it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from flask import url_for

from partnership.actions.models import Action
from partnership.dataset import figures
from partnership.dataset.charts import trend_chart
from partnership.dataset.models import Comparator, Indicator, Population
from partnership.dataset.series import Point, Series, load_series
from partnership.documents.charts import Chart
from partnership.extensions import db
from partnership.reports.content import DataFigures, DataIndicator, DataRow
from partnership.reports.parts.records import Records

NONE_APPROVED = ("None of the figures of the indicators chosen for this report had been "
                 "approved for publication for the period.")


def data(records: Records) -> tuple[DataFigures | None, list[Chart]]:
    """The chosen indicators' figures and charts; None when none is chosen."""
    chosen = list(db.session.scalars(
        sa.select(Indicator).where(Indicator.partnership_id == records.partnership.id,
                                   Indicator.in_yearly_report.is_(True),
                                   Indicator.retired.is_(False))
        .order_by(Indicator.position, Indicator.reference)))
    if not chosen:
        return None, []
    first = dt.date(records.start.year - 1, records.start.month, 1)
    series = load_series(chosen, first=first, last=records.end, published=True)
    raised = _actions(chosen, records)
    entries, charts = [], []
    for indicator in chosen:
        found = series[indicator.id]
        in_period = [p for p in found.points if p.period.start >= records.start]
        if not in_period:
            continue
        chart = trend_chart(found, published=True)
        key = f"impact-data-{indicator.reference}".lower()
        charts.append(dataclasses.replace(chart, key=key))
        entries.append(_entry(found, in_period[-1], raised[indicator.id], key))
    threshold = next(iter(series.values())).threshold
    return DataFigures(
        indicators=entries, exceptions=sum(len(entry.exceptions) for entry in entries),
        suppress_below=threshold, sources=_sources(records, series),
        missing="" if entries else NONE_APPROVED,
        link=url_for("dataset.index", slug=records.partnership.slug)), charts


def _entry(found: Series, last: Point, actions: list[str], key: str) -> DataIndicator:
    indicator, threshold = found.indicator, found.threshold
    year_before = next((p for p in found.points if p.period.start == last.period.shifted(
        -_per_year(last)).start), None)
    change = ""
    if (year_before is not None and not (last.hidden or year_before.hidden)
            and year_before.value is not None and last.value is not None):
        earlier = figures.words(indicator.unit, year_before.value)
        if last.value == year_before.value:
            change = f"the same as in {year_before.period.label}"
        else:
            direction = "up" if last.value > year_before.value else "down"
            judged = figures.change_words(year_before.value, last.value, indicator.polarity)
            verdict = " (worse)" if judged.endswith("worse") else (
                " (better)" if judged.endswith("better") else "")
            change = f"{direction} from {earlier} in {year_before.period.label}{verdict}"
    standing = figures.standing(None if last.hidden else last.value, indicator.lower_tolerance,
                                indicator.upper_tolerance, indicator.polarity)
    exceptions = [] if last != found.latest else [flag.words for flag in found.exceptions]
    return DataIndicator(
        reference=indicator.reference, name=indicator.name, definition=indicator.definition,
        unit=indicator.unit.label, polarity=indicator.polarity.label,
        latest_period=last.period.label, latest=last.words(indicator.unit, threshold,
                                                           published=True),
        change=change, standing=standing.words if standing is not figures.NO_BAND else "",
        comparison=_comparison(found), commentary=found.commentary.get(last.period.start, ""),
        exceptions=exceptions, actions=actions,
        rows=[DataRow(period=point.period.label,
                      figure=point.words(indicator.unit, threshold, published=True),
                      **{comparator.value: _benchmark(found, comparator, point)
                         for comparator in Comparator})
              for point in found.points],
        chart_key=key, link=url_for("dataset.indicator", slug=indicator.partnership.slug,
                                    indicator_id=indicator.id))


def _per_year(point: Point) -> int:
    return {"monthly": 12, "quarterly": 4, "yearly": 1}[point.period.frequency.value]


def _benchmark(found: Series, comparator: Comparator, point: Point) -> str:
    found_point = found.benchmark(comparator, point.period)
    if found_point is None:
        return ""
    return figures.words(found.indicator.unit, found_point.value)


def _comparison(found: Series) -> str:
    """Say how the partnership compared with England and its comparators, at the latest
    period that has a benchmark."""
    for point in reversed(found.points):
        known = [(comparator, found.benchmark(comparator, point.period))
                 for comparator in Comparator]
        known = [(c, b) for c, b in known if b is not None and b.value is not None]
        if not known or point.hidden or point.value is None:
            continue
        unit = found.indicator.unit
        others = "; ".join(f"{comparator.label} {figures.words(unit, benchmark.value)}"
                           for comparator, benchmark in known)
        return (f"In {point.period.label} the partnership's figure was "
                f"{figures.words(unit, point.value)}: {others}.")
    return ""


def _actions(chosen: list[Indicator], records: Records) -> dict[int, list[str]]:
    """The actions raised from each indicator up to the period's end, with their status."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(Action.indicator_id, Action.title, Action.status)
        .where(Action.indicator_id.in_([indicator.id for indicator in chosen]),
               Action.start_date.is_(None) | (Action.start_date <= records.end))
        .order_by(Action.id))
    for indicator_id, title, status in rows:
        found[indicator_id].append(f"{title} ({status.label.lower()})")
    return found


def _sources(records: Records, series: dict[int, Series]) -> list[str]:
    """Where the rates' population and the comparators' figures came from."""
    releases = sorted({point.release for found in series.values()
                       for by_period in found.benchmarks.values()
                       for point in by_period.values()})
    used = {point.population_year for found in series.values() for point in found.points
            if point.population_year is not None}
    sources = [row for row in db.session.scalars(
        sa.select(Population.source).where(Population.partnership_id == records.partnership.id,
                                           Population.year.in_(used)).distinct())]
    rates = [f"Rates per 10,000 children use {source}." for source in sorted(sources)]
    return rates + [f"Comparators: {release}." for release in releases]

