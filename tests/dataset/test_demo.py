"""The demo's dataset: thirty indicators with ten quarters of figures, the latest waiting for
approval, two exceptions, an action on one, whatever day the demo is loaded."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.actions.models import Action
from partnership.dataset.categories import categories
from partnership.dataset.models import Dimension, Indicator, IndicatorValue, Subject
from partnership.dataset.series import load_series
from partnership.extensions import db
from partnership.kernel.identifiers import identifier_problems
from partnership.register.models import Partnership
from tests.support.demo import on_days


def _county_series() -> tuple[list[Indicator], dict[int, object]]:
    county = db.session.scalars(sa.select(Partnership).where(Partnership.slug == "wscp")).one()
    indicators = list(db.session.scalars(sa.select(Indicator).where(
        Indicator.partnership_id == county.id).order_by(Indicator.position)))
    return indicators, load_series(indicators)


@pytest.mark.parametrize("day", on_days([dt.date(2026, 4, 1), dt.date(2031, 1, 15)]))
def test_the_county_has_ten_quarters_and_the_latest_waits_for_approval(
        app: Flask, day: dt.date) -> None:
    with app.app_context(), clock.frozen(day):
        indicators, series = _county_series()
        assert len(indicators) == 30
        quarterly = [series[i.id] for i in indicators if i.frequency.value == "quarterly"]
        assert {len(s.points) for s in quarterly} == {10}
        latest = quarterly[0].latest.period
        assert latest.end <= day - dt.timedelta(days=42)
        assert latest.shifted(1).end > day - dt.timedelta(days=42)
        for found in quarterly:
            assert [p.approved for p in found.points] == [True] * 9 + [False]
        flagged = {found.indicator.reference: [f.kind for f in found.exceptions]
                   for found in series.values() if found.exceptions}
        assert flagged == {"CP4": ["tolerance", "worsening"], "MI3": ["tolerance", "worsening"]}
        action = db.session.scalars(sa.select(Action).where(Action.indicator_id.is_not(None))
                                    ).one()
        assert action.indicator.reference == "CP4"
        assert action.source_label == f"Multi-agency dataset: {action.indicator}"


@pytest.mark.demo
def test_splits_add_up_to_the_total_and_name_no_one(app: Flask) -> None:
    with app.app_context():
        indicators, _series = _county_series()
        for indicator in indicators:
            for text in (indicator.name, indicator.definition):
                assert identifier_problems(text) == [], text
        totals = dict(db.session.execute(
            sa.select(IndicatorValue.indicator_id, sa.func.sum(IndicatorValue.number))
            .where(IndicatorValue.dimension == Dimension.TOTAL)
            .group_by(IndicatorValue.indicator_id)).all())
        for indicator in indicators:
            for breakdown in indicator.breakdowns:
                rows = db.session.execute(
                    sa.select(IndicatorValue.category, sa.func.sum(IndicatorValue.number))
                    .where(IndicatorValue.indicator_id == indicator.id,
                           IndicatorValue.dimension == breakdown.dimension,
                           IndicatorValue.subject == breakdown.subject)
                    .group_by(IndicatorValue.category)).all()
                assert {code for code, _ in rows} <= set(categories(breakdown.dimension))
                if breakdown.subject is not Subject.PERPETRATORS:
                    assert sum(total for _, total in rows) == totals[indicator.id], (
                        indicator.reference, breakdown.label)
