"""Indicators' figures over time: computed rates, approved figures only in anything published,
the latest release of a benchmark, exceptions, and a fixed number of queries at any size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from flask import Flask

from partnership.dataset.models import (
    Benchmark,
    BenchmarkRelease,
    Comparator,
    DatasetSettings,
    Frequency,
    Indicator,
    IndicatorValue,
    Polarity,
    Population,
    Unit,
)
from partnership.dataset.series import load_series
from partnership.dataset.starter import STARTER, add_starter_library
from partnership.extensions import db
from partnership.register.models import Agency, Partnership, Sector
from tests.support.partnerships import add_partnership
from tests.support.queries import sql_statements

QUARTERS = [dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1), dt.date(2026, 1, 1)]


def _indicator(partnership_id: int, reference: str, **fields: object) -> Indicator:
    values = {"name": f"Indicator {reference}", "unit": Unit.COUNT,
              "polarity": Polarity.LOWER, "frequency": Frequency.QUARTERLY, **fields}
    indicator = Indicator(partnership_id=partnership_id, reference=reference, **values)
    db.session.add(indicator)
    db.session.flush()
    return indicator


def _figures(indicator: Indicator, numbers: list[int], approved: int | None = None) -> None:
    """Add a figure per quarter; the first ``approved`` are approved for publication."""
    for index, (start, number) in enumerate(zip(QUARTERS, numbers, strict=False)):
        ok = approved is None or index < approved
        db.session.add(IndicatorValue(indicator=indicator, period_start=start,
                                      number=Decimal(number),
                                      approved_on=start + dt.timedelta(days=120) if ok else None))


def test_rates_use_the_population_of_their_year_or_the_latest_before(app: Flask) -> None:
    slug_id = add_partnership(app, "rates")
    with app.app_context():
        rate = _indicator(slug_id, "R1", unit=Unit.RATE)
        _figures(rate, [100, 110, 120, 130])
        db.session.add(Population(partnership_id=slug_id, area="North", year=2024,
                                  children=60_000, source="Mid-2024 estimate"))
        db.session.add(Population(partnership_id=slug_id, area="South", year=2024,
                                  children=40_000, source="Mid-2024 estimate"))
        db.session.commit()
        points = load_series([rate])[rate.id].points
        # 2025-26 has no estimate yet: the two areas' mid-2024 figures (100,000 children).
        assert [str(p.value) for p in points] == ["10.0", "11.0", "12.0", "13.0"]
        assert {p.population_year for p in points} == {2024}


def test_anything_published_shows_approved_figures_with_small_numbers_hidden(
        app: Flask) -> None:
    slug_id = add_partnership(app, "published")
    with app.app_context():
        db.session.add(DatasetSettings(partnership_id=slug_id, suppress_below=10))
        indicator = _indicator(slug_id, "C1")
        _figures(indicator, [12, 9, 15, 40], approved=3)
        db.session.commit()
        inside = load_series([indicator])[indicator.id]
        published = load_series([indicator], published=True)[indicator.id]
        assert len(inside.points) == 4 and len(published.points) == 3
        assert published.threshold == 10
        second = published.points[1]
        assert second.hidden
        assert second.words(Unit.COUNT, 10, published=True) == "fewer than 10"
        assert second.words(Unit.COUNT, 10) == "9"


def test_the_latest_release_of_a_benchmark_is_shown(app: Flask) -> None:
    slug_id = add_partnership(app, "bench")
    with app.app_context():
        indicator = _indicator(slug_id, "B1", unit=Unit.PERCENTAGE)
        for released, value in ((dt.date(2025, 10, 30), "22.6"), (dt.date(2026, 10, 29),
                                                                   "22.9")):
            release = BenchmarkRelease(partnership_id=slug_id, publication="Children in need",
                                       released_on=released)
            release.benchmarks.append(Benchmark(indicator=indicator,
                                                comparator=Comparator.ENGLAND,
                                                period_start=QUARTERS[3], value=Decimal(value)))
            db.session.add(release)
        db.session.commit()
        found = load_series([indicator])[indicator.id]
        point = found.benchmarks[Comparator.ENGLAND][QUARTERS[3]]
        assert str(point.value) == "22.90" and "29 October 2026" in point.release


def test_exceptions_outside_the_band_and_worse_three_times_running(app: Flask) -> None:
    slug_id = add_partnership(app, "flags")
    with app.app_context():
        rising = _indicator(slug_id, "E1", upper_tolerance=Decimal(30))
        _figures(rising, [20, 24, 28, 33])
        steady = _indicator(slug_id, "E2", upper_tolerance=Decimal(30))
        _figures(steady, [20, 24, 22, 25])
        db.session.commit()
        found = load_series([rising, steady])
        assert [flag.kind for flag in found[rising.id].exceptions] == ["tolerance", "worsening"]
        assert "Q4 2025\u201326" in found[rising.id].exceptions[0].words
        assert found[steady.id].exceptions == []


def test_the_same_queries_for_one_indicator_or_thirty(app: Flask) -> None:
    slug_id = add_partnership(app, "sizes")
    with app.app_context():
        small = [_indicator(slug_id, "S1", unit=Unit.RATE)]
        _figures(small[0], [1, 2, 3, 4])
        many = [_indicator(slug_id, f"M{n}", unit=Unit.RATE) for n in range(30)]
        for indicator in many:
            _figures(indicator, [5, 6, 7, 8])
        db.session.commit()
        ids = [i.id for i in small], [i.id for i in many]
    counts = []
    for chosen in ids:
        with app.app_context():
            indicators = list(db.session.scalars(sa.select(Indicator)
                                                 .where(Indicator.id.in_(chosen))))
            with sql_statements(app) as statements:
                load_series(indicators, published=True)
            counts.append(len(statements))
    assert counts[0] == counts[1] <= 6


def test_the_starter_library_is_added_once_from_the_agencies_that_hold_the_figures(
        app: Flask) -> None:
    slug_id = add_partnership(app, "starter")
    with app.app_context():
        partnership = db.session.get(Partnership, slug_id)
        db.session.add_all([
            Agency(partnership_id=slug_id, name="Shire Police", sector=Sector.POLICE_AND_JUSTICE),
            Agency(partnership_id=slug_id, name="Shire Council, Children's Services",
                   sector=Sector.LOCAL_AUTHORITY),
            Agency(partnership_id=slug_id, name="Shire Council, Housing",
                   sector=Sector.LOCAL_AUTHORITY)])
        db.session.flush()
        added = add_starter_library(partnership)
        assert len(added) == len(STARTER)
        by_reference = {indicator.reference: indicator for indicator in added}
        assert by_reference["MI1"].source_agency.name == "Shire Police"
        assert by_reference["CP3"].source_agency.name == "Shire Council, Children's Services"
        assert by_reference["LA3"].source_agency is None  # no health agency in the register
        exploitation = {(b.dimension.value, b.subject.value)
                        for b in by_reference["EX1"].breakdowns}
        assert ("ethnicity", "perpetrators") in exploitation
        assert ("disability", "victims") in exploitation
        db.session.commit()
        assert add_starter_library(partnership) == []
