"""Records for the tests of the library, indicator page, dashboards, charts and export: a
partnership with an agency, a group, a plan priority, a population and indicators with
quarterly figures and benchmarks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask import Flask

from partnership.audit.services import acting_as
from partnership.dataset.models import (
    Benchmark,
    BenchmarkRelease,
    Breakdown,
    Commentary,
    Comparator,
    Dimension,
    Frequency,
    Indicator,
    IndicatorValue,
    Polarity,
    Population,
    Subject,
    Unit,
    ValueStatus,
)
from partnership.extensions import db
from partnership.plans.models import Objective, Part, Plan
from partnership.register.models import Agency, Body, BodyKind, Partnership, Person
from partnership.register.models import Frequency as MeetingFrequency
from tests.register.records import add_area

SLUG = "eastvale"
BASE = f"/partnerships/{SLUG}/dataset"
QUARTERS = [dt.date(2024, 4, 1), dt.date(2024, 7, 1), dt.date(2024, 10, 1),
            dt.date(2025, 1, 1), dt.date(2025, 4, 1), dt.date(2025, 7, 1)]


@dataclass
class World:
    """The ids the tests need."""

    partnership: int
    agency: int
    other_agency: int
    body: int
    objective: int
    owner: int


def world(app: Flask) -> World:
    """A partnership with an agency (the police), a group, a plan priority and a population."""
    partnership_id = add_area(app, SLUG, "Eastvale Partnership")
    with app.app_context(), acting_as("tests"):
        partnership = db.session.get(Partnership, partnership_id)
        police = Agency(partnership=partnership, name="Eastvale Police")
        council = Agency(partnership=partnership, name="Eastvale Council")
        body = Body(partnership=partnership, kind=BodyKind.BOARD, name="Executive",
                    frequency=MeetingFrequency.QUARTERLY)
        plan = Plan(partnership=partnership, title="Business plan 2024-26", first_year=2024,
                    last_year=2026)
        objective = Objective(plan=plan, part=Part.STRATEGIC, position=1,
                              title="Children are protected from exploitation",
                              lead_body=body)
        owner = Person(name="Pat Analyst", agency=police)
        db.session.add_all([police, council, body, plan, objective, owner,
                            Population(partnership=partnership, area="Eastvale", year=2024,
                                       children=40000, source="ONS mid-year estimates 2024")])
        db.session.commit()
        return World(partnership_id, police.id, council.id, body.id, objective.id, owner.id)


def add_indicator(app: Flask, ids: World, reference: str, name: str, numbers: Sequence[int | None],
                  *, unit: Unit = Unit.RATE, polarity: Polarity = Polarity.LOWER,
                  lower: str | None = "20", upper: str | None = "40",
                  approved: bool = False, breakdowns: Sequence[Dimension] = (),
                  objective: bool = True, england: Sequence[str | None] = (),
                  commentary: dict[int, str] | None = None,
                  denominators: Sequence[int] = ()) -> int:
    """An indicator of the world's partnership with quarterly figures from Q1 2024-25 (a None
    is a quarter without a figure) and England's benchmarks."""
    with app.app_context(), acting_as("tests"):
        indicator = Indicator(
            partnership_id=ids.partnership, reference=reference, name=name,
            definition=f"{name} at the end of the quarter.", source_agency_id=ids.agency,
            owner_id=ids.owner, unit=unit, polarity=polarity, frequency=Frequency.QUARTERLY,
            lower_tolerance=Decimal(lower) if lower is not None else None,
            upper_tolerance=Decimal(upper) if upper is not None else None,
            objective_id=ids.objective if objective else None, body_id=ids.body)
        indicator.breakdowns = [Breakdown(dimension=d) for d in breakdowns]
        db.session.add(indicator)
        for index, (start, number) in enumerate(zip(QUARTERS, numbers, strict=False)):
            if number is None:
                continue
            db.session.add(IndicatorValue(
                indicator=indicator, period_start=start, number=Decimal(number),
                denominator=Decimal(denominators[index]) if denominators else None,
                status=ValueStatus.VALIDATED if approved else ValueStatus.PROVISIONAL,
                approved_on=dt.date(2025, 10, 1) if approved else None))
        for start, text in (commentary or {}).items():
            db.session.add(Commentary(indicator=indicator, period_start=QUARTERS[start],
                                      text=text))
        if england:
            release = db.session.scalar(sa.select(BenchmarkRelease).where(
                BenchmarkRelease.partnership_id == ids.partnership))
            if release is None:
                release = BenchmarkRelease(partnership_id=ids.partnership,
                                           publication="Characteristics of children in need",
                                           released_on=dt.date(2025, 10, 30))
                db.session.add(release)
            for start, value in zip(QUARTERS, england, strict=False):
                if value is not None:
                    release.benchmarks.append(Benchmark(
                        indicator=indicator, comparator=Comparator.ENGLAND,
                        period_start=start, value=Decimal(value)))
        db.session.commit()
        return indicator.id


def add_split(app: Flask, indicator_id: int, start: dt.date, dimension: Dimension,
              numbers: dict[str, int], subject: Subject = Subject.CHILDREN) -> None:
    """Figures by category for one period."""
    with app.app_context(), acting_as("tests"):
        for category, number in numbers.items():
            db.session.add(IndicatorValue(indicator_id=indicator_id, period_start=start,
                                          dimension=dimension, subject=subject,
                                          category=category, number=Decimal(number)))
        db.session.commit()


def add_many(app: Flask, ids: World, count: int, start: int = 0, quarters: int = 8) -> None:
    """``count`` rate indicators, each reported by the four disaggregations, with
    ``quarters`` quarters of figures and England's benchmarks (rows inserted in bulk)."""
    from partnership.kernel.dates import add_months

    with app.app_context(), acting_as("tests"):
        indicators = []
        for n in range(start, start + count):
            indicator = Indicator(
                partnership_id=ids.partnership, reference=f"B{n}", name=f"Indicator {n}",
                source_agency_id=ids.agency, owner_id=ids.owner, unit=Unit.RATE,
                polarity=Polarity.LOWER, frequency=Frequency.QUARTERLY,
                lower_tolerance=Decimal(20), upper_tolerance=Decimal(40),
                objective_id=ids.objective, body_id=ids.body, position=n)
            indicator.breakdowns = [Breakdown(dimension=d) for d in
                                    (Dimension.SEX, Dimension.AGE_BAND, Dimension.ETHNICITY,
                                     Dimension.DISABILITY)]
            indicators.append(indicator)
        db.session.add_all(indicators)
        db.session.flush()
        release = BenchmarkRelease(partnership_id=ids.partnership,
                                   publication=f"Release {start}",
                                   released_on=dt.date(2025, 10, 30) + dt.timedelta(days=start))
        db.session.add(release)
        db.session.flush()
        days = [add_months(dt.date(2021, 4, 1), 3 * q) for q in range(quarters)]
        db.session.execute(sa.insert(IndicatorValue), [
            {"indicator_id": i.id, "period_start": day, "dimension": Dimension.TOTAL,
             "subject": Subject.CHILDREN, "category": "", "number": Decimal(100 + q * 7),
             "status": ValueStatus.PROVISIONAL, "note": ""}
            for i in indicators for q, day in enumerate(days)])
        benchmarks = [
            {"release_id": release.id, "indicator_id": i.id, "comparator": Comparator.ENGLAND,
             "period_start": day, "value": Decimal("41.5")}
            for i in indicators for day in days[:-2]]
        if benchmarks:
            db.session.execute(sa.insert(Benchmark), benchmarks)
        db.session.commit()
