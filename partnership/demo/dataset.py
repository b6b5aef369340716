"""The demo's multi-agency dataset: the county's 30 agreed indicators (the starter library
and two of its own), ten quarters of figures with their splits, the child population, England
and comparator benchmarks, the owners' commentary, and an exception already turned into an
action.

Figures are made from each indicator's course over the ten quarters (seeded, so every load
is the same for the same day): the latest quarter is entered but waits for approval, and one
indicator's figures are still provisional. Two indicators end outside their tolerance band;
the rise in second child protection plans is also three quarters worse in a row, and the
Executive Group has an action on it. England's figures for the year ending 31 March 2025 are
the Department for Education's (children in need 330.3 per 10,000; children looked after 67
per 10,000; re-referrals 22.6%); the region's and the statistical neighbours' are the demo's.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from partnership import clock
from partnership.actions.models import Action, ProgressUpdate, Rating, Status
from partnership.dataset.categories import categories
from partnership.dataset.models import (
    Benchmark,
    BenchmarkRelease,
    Breakdown,
    Commentary,
    Comparator,
    DatasetSettings,
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
from partnership.dataset.periods import Period, period_of
from partnership.dataset.starter import add_starter_library
from partnership.demo.actions import Directory
from partnership.extensions import db
from partnership.kernel.dates import reporting_year
from partnership.plans.models import Objective, Part, Plan
from partnership.register.models import Partnership

QUARTERS = 10
POPULATION = {0: 268_400, 1: 270_100, 2: 271_300}  # children 0-17, by years before the latest
AREA = "Wessexshire"
POPULATION_SOURCE = "ONS mid-year population estimates, children aged 0 to 17"
NEIGHBOURS = ("Saltmouth", "Thornbridge", "Isle of Merrow", "Eastmarch", "Holbury",
              "Kingsreach")


@dataclass(frozen=True)
class Course:
    """How an indicator's headline figure ran over the ten quarters, in its own unit (a rate
    for a rate, a percentage for a percentage), and who answers for it."""

    first: float
    last: float
    wobble: float  # the quarter-to-quarter noise, in the same unit
    owner: str  # person key
    body: str | None = None  # body name
    objective: str | None = None  # words in a strategic objective's title
    band: tuple[float | None, float | None] = (None, None)
    denominator: int = 0  # a percentage's denominator per quarter
    in_report: bool = False
    final: tuple[float, ...] = ()  # the last quarters' figures, where the story needs them
    agency: str | None = None  # the agency key, where the starter library's guess is wrong


NEGLECT, EXPLOITATION, DOMESTIC = ("neglect", "exploitation", "domestic abuse")
COURSES: dict[str, Course] = {
    "EH1": Course(610, 668, 25, "wscp-analyst", objective=NEGLECT),
    "EH2": Course(142.0, 151.0, 3.0, "wscp-analyst", objective=NEGLECT),
    "SC1": Course(132.0, 124.0, 6.0, "wscp-analyst", "Executive Group", NEGLECT,
                  band=(100, 150), in_report=True),
    "SC2": Course(21.5, 19.8, 1.2, "wscp-analyst", "Executive Group", denominator=3300,
                  band=(None, 23), in_report=True),
    "SC3": Course(84.0, 90.5, 1.5, "wscp-analyst", "Scrutiny Group", denominator=3050,
                  band=(85, None)),
    "SC4": Course(322.0, 316.0, 4.0, "wscp-analyst", "Executive Group", NEGLECT,
                  band=(280, 360), in_report=True),
    "CP1": Course(41.0, 38.5, 2.0, "wscp-analyst"),
    "CP2": Course(82.0, 88.0, 2.5, "wscp-analyst", "Scrutiny Group", denominator=180,
                  band=(80, None)),
    "CP3": Course(39.0, 41.5, 1.2, "wscp-analyst", "Executive Group", NEGLECT,
                  band=(30, 50), in_report=True),
    "CP4": Course(18.5, 25.6, 0.6, "wscp-analyst", "Executive Group", NEGLECT,
                  denominator=210, band=(None, 23), in_report=True,
                  final=(19.8, 21.4, 23.1, 25.6)),
    "CP5": Course(4.2, 3.1, 0.5, "wscp-analyst", denominator=190, band=(None, 5)),
    "LA1": Course(61.0, 63.0, 0.8, "wscp-analyst", "Executive Group", band=(55, 70),
                  in_report=True),
    "LA2": Course(9.8, 8.9, 0.5, "wscp-analyst", denominator=1700, band=(None, 10)),
    "LA3": Course(86.0, 91.0, 1.5, "wscp-designated-nurse", denominator=1200,
                  band=(90, None), agency="icb"),
    "MI1": Course(212, 196, 12, "wscp-ce-manager", "Child Exploitation Group", EXPLOITATION),
    "MI2": Course(520, 488, 30, "wscp-ce-manager", "Child Exploitation Group", EXPLOITATION),
    "MI3": Course(82.0, 74.2, 1.0, "wscp-ce-manager", "Child Exploitation Group",
                  EXPLOITATION, denominator=470, band=(80, None), in_report=True,
                  final=(81.5, 80.4, 77.9, 74.2)),
    "EX1": Course(9, 12, 3, "wscp-ce-chair", "Child Exploitation Group", EXPLOITATION,
                  in_report=True),
    "EX2": Course(31, 38, 4, "wscp-ce-manager", "Child Exploitation Group", EXPLOITATION),
    "EX3": Course(44, 52, 4, "wscp-ce-manager", "Child Exploitation Group", EXPLOITATION),
    "DA1": Course(1460, 1390, 60, "wscp-police-delegated", objective=DOMESTIC),
    "DA2": Course(27.0, 24.5, 1.5, "wscp-police-delegated", objective=DOMESTIC,
                  denominator=160, band=(None, 28)),
    "ED1": Course(6, 4, 2, "wscp-ei-head", "Education Group", agency="ei"),
    "ED2": Course(2150, 2380, 90, "wscp-ei-head", "Education Group", agency="ei"),
    "ED3": Course(1510, 1690, 25, "wscp-ei-head", "Education Group", agency="ei"),
    "ED4": Course(265, 240, 15, "wscp-ei-head", "Education Group", agency="ei"),
    "HE1": Course(41.0, 37.5, 2.0, "wscp-designated-nurse", agency="ph"),
    "PA1": Course(75.0, 100.0, 10.0, "wscp-analyst", "Learning and Inquiry Group",
                  denominator=2),
}


@dataclass(frozen=True)
class Local:
    """An indicator the county added to the starter library."""

    reference: str
    name: str
    definition: str
    unit: Unit
    polarity: Polarity
    agency: str


LOCAL = (
    Local("EH3", "Families stepped down from social care to early help",
          "Families whose social care involvement ended in the period with early help "
          "continuing, as a share of all whose involvement ended.", Unit.PERCENTAGE,
          Polarity.HIGHER, "cf"),
    Local("WF1", "Practitioners at multi-agency safeguarding training",
          "Practitioners who attended the partnership's multi-agency training in the "
          "period.", Unit.COUNT, Polarity.HIGHER, "cf"),
)
COURSES.update({
    "EH3": Course(31.0, 38.0, 1.5, "wscp-analyst", objective=NEGLECT, denominator=620),
    "WF1": Course(340, 410, 40, "wscp-workforce", "Workforce Development Group"),
})

# Each split's shares, by dimension and subject, in category order.
SHARES: dict[tuple[Dimension, Subject], tuple[float, ...]] = {
    (Dimension.SEX, Subject.CHILDREN): (0.52, 0.47, 0.01),
    (Dimension.AGE_BAND, Subject.CHILDREN): (0.08, 0.2, 0.24, 0.34, 0.14),
    (Dimension.ETHNICITY, Subject.CHILDREN): (0.81, 0.06, 0.05, 0.04, 0.02, 0.02),
    (Dimension.DISABILITY, Subject.CHILDREN): (0.09, 0.86, 0.05),
    (Dimension.SEX, Subject.VICTIMS): (0.27, 0.72, 0.01),
    (Dimension.AGE_BAND, Subject.VICTIMS): (0.0, 0.0, 0.04, 0.66, 0.30),
    (Dimension.ETHNICITY, Subject.VICTIMS): (0.8, 0.08, 0.04, 0.05, 0.01, 0.02),
    (Dimension.DISABILITY, Subject.VICTIMS): (0.18, 0.74, 0.08),
    (Dimension.SEX, Subject.PERPETRATORS): (0.88, 0.07, 0.05),
    (Dimension.ETHNICITY, Subject.PERPETRATORS): (0.72, 0.04, 0.07, 0.05, 0.02, 0.10),
    (Dimension.DISABILITY, Subject.PERPETRATORS): (0.04, 0.58, 0.38),
}
PERPETRATORS_PER_VICTIM = 0.8

COMMENTARY: dict[str, tuple[str, str]] = {
    # reference: (the quarter before the latest, the latest)
    "CP4": ("Second plans are edging up. Most are for neglect, within two years of the first "
            "plan ending; the Scrutiny Group is sampling them.",
            "A quarter of new plans are now second plans, above our tolerance for the first "
            "time. The Executive Group has asked for a multi-agency audit of step-down from "
            "child protection plans."),
    "MI3": ("Offers within 72 hours slipped while the return home interview service was "
            "re-commissioned.",
            "Below tolerance for the second quarter. The new provider started in the quarter "
            "and is recruiting; police notifications now reach it the same day."),
    "SC3": ("Timeliness keeps improving since the front door was restructured.",
            "Nine in ten assessments are now completed within 45 working days."),
    "SC4": ("Stable and below the England rate.",
            "Stable. The small fall follows more families stepping down to early help."),
    "LA1": ("In line with statistical neighbours.",
            "A small rise, mostly older teenagers entering care."),
    "EX1": ("Numbers are small and vary from quarter to quarter; most victims are girls aged "
            "14 to 17.",
            "A rise after the exploitation awareness week in schools, as expected."),
}
ENGLAND_2025 = {"SC4": "330.3", "LA1": "67", "SC2": "22.6"}  # year ending 31 March 2025
# The region's and the neighbours' figures for the same year (the demo's own).
COMPARATORS_2025 = {"SC4": ("318.4", "309.8"), "LA1": ("58.9", "61.2"),
                    "SC2": ("21.7", "20.9"), "CP3": ("39.2", "40.8")}


def _latest_quarter(today: dt.date, month: int) -> Period:
    """The last quarter whose figures are in: one that ended at least six weeks ago."""
    return period_of(today - dt.timedelta(days=42), Frequency.QUARTERLY, month).shifted(-1)


def _course(course: Course, count: int, rng: random.Random) -> list[float]:
    """The headline figure of each quarter, oldest first."""
    values = []
    for index in range(count):
        share = index / max(count - 1, 1)
        trend = course.first + (course.last - course.first) * share
        values.append(trend + rng.uniform(-course.wobble, course.wobble))
    if course.final:
        values[-len(course.final):] = list(course.final)
    return values


def _split(total: int, shares: Sequence[float]) -> list[int]:
    """Share a count between categories in whole numbers that add up to it (largest
    remainder first)."""
    raw = [total * share / (sum(shares) or 1) for share in shares]
    whole = [int(value) for value in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - whole[i], reverse=True)
    for index in order[:total - sum(whole)]:
        whole[index] += 1
    return whole


def _inputs(unit: Unit, figure: float, denominator: int, children: int
            ) -> tuple[Decimal, Decimal | None]:
    """What the owner enters for a figure: the count (for a rate), the numerator and
    denominator (for a percentage), or the figure itself."""
    if unit is Unit.RATE:
        return Decimal(round(figure * children / 10_000)), None
    if unit is Unit.PERCENTAGE:
        return Decimal(round(figure * denominator / 100)), Decimal(denominator)
    return Decimal(max(0, round(figure))), None


def _objective(plan: Plan | None, words: str | None) -> Objective | None:
    if plan is None or words is None:
        return None
    return next((o for o in plan.objectives
                 if o.part is Part.STRATEGIC and words in o.title.lower()), None)


def load_demo_dataset(today: dt.date | None) -> dict[str, int]:
    """Add the county's dataset; return the counts."""
    day = today or clock.today()
    d = Directory()
    county = d.partnerships["wscp"]
    month = county.year_start_month
    latest = _latest_quarter(day, month)
    quarters = [latest.shifted(n - QUARTERS + 1) for n in range(QUARTERS)]
    db.session.add(DatasetSettings(partnership=county, suppress_below=5, region="South East",
                                   neighbours="\n".join(NEIGHBOURS)))
    for back, children in POPULATION.items():
        year = latest.reporting_year - 1 - back
        db.session.add(Population(partnership=county, area=AREA, year=year, children=children,
                                  source=f"{POPULATION_SOURCE}, mid-{year}"))
    indicators = add_starter_library(county)
    for position, local in enumerate(LOCAL, start=len(indicators) + 1):
        indicator = Indicator(partnership=county, reference=local.reference, name=local.name,
                              definition=local.definition, unit=local.unit,
                              polarity=local.polarity, frequency=Frequency.QUARTERLY,
                              source_agency=d.agencies[local.agency], position=position)
        db.session.add(indicator)
        indicators.append(indicator)
    plan = db.session.scalar(sa.select(Plan).where(Plan.partnership_id == county.id)
                             .order_by(Plan.first_year.desc()).limit(1))
    for indicator in indicators:
        course = COURSES[indicator.reference]
        indicator.owner = d.people[course.owner]
        indicator.body = d.body("wscp", course.body) if course.body else None
        indicator.objective = _objective(plan, course.objective)
        lower, upper = course.band
        indicator.lower_tolerance = Decimal(str(lower)) if lower is not None else None
        indicator.upper_tolerance = Decimal(str(upper)) if upper is not None else None
        indicator.in_yearly_report = course.in_report
        if course.agency:
            indicator.source_agency = d.agencies[course.agency]
    db.session.flush()

    rows = _values(indicators, quarters, latest, d, day)
    db.session.execute(sa.insert(IndicatorValue), rows)
    commentary = _commentary(indicators, latest, d)
    benchmarks = _benchmarks(county, indicators, latest, month, d)
    actions = _exception_action(county, indicators, latest, d, day)
    return {"dataset indicators": len(indicators), "dataset figures": len(rows),
            "dataset commentaries": commentary, "benchmarks": benchmarks,
            "actions from the dataset": actions}


def _values(indicators: list[Indicator], quarters: list[Period], latest: Period,
            d: Directory, day: dt.date) -> list[dict[str, object]]:
    """Every figure: the headline and each split, approved but for the latest quarter."""
    officer = d.officer
    rows: list[dict[str, object]] = []
    for indicator in indicators:
        course = COURSES[indicator.reference]
        rng = random.Random(f"dataset-{indicator.reference}")  # noqa: S311 - demo figures
        periods = quarters
        if indicator.frequency is Frequency.YEARLY:
            periods = [Period(period.start, Frequency.YEARLY, latest.year_start_month)
                       for period in quarters if period.start.month == latest.year_start_month
                       and period.shifted(3) <= latest]
        for period, figure in zip(periods, _course(course, len(periods), rng), strict=True):
            children = POPULATION[max(0, min(2, latest.reporting_year - 1
                                             - period.reporting_year))]
            number, denominator = _inputs(indicator.unit, figure, course.denominator, children)
            newest = period == latest
            provisional = newest and indicator.reference in ("DA1", "DA2")
            entered = min(day, period.end + dt.timedelta(days=24))
            common = {
                "indicator_id": indicator.id, "period_start": period.start,
                "status": ValueStatus.PROVISIONAL if provisional else ValueStatus.VALIDATED,
                "entered_by_id": officer.id, "note": "",
                "entered_at": dt.datetime.combine(entered, dt.time(11), tzinfo=dt.UTC),
                "approved_by_id": None if newest else officer.id,
                "approved_on": None if newest else min(day, period.end + dt.timedelta(days=42)),
                "version": 1, "subject": Subject.CHILDREN,
            }
            rows.append({**common, "dimension": Dimension.TOTAL, "category": "",
                         "number": number, "denominator": denominator})
            if indicator.unit not in (Unit.COUNT, Unit.RATE):
                continue
            perpetrators = int(number * Decimal(PERPETRATORS_PER_VICTIM))
            for breakdown in indicator.breakdowns:
                whole = perpetrators if breakdown.subject is Subject.PERPETRATORS else int(number)
                codes = list(categories(breakdown.dimension))
                shares = SHARES[(breakdown.dimension, breakdown.subject)]
                for code, count in zip(codes, _split(whole, shares), strict=True):
                    rows.append({**common, "dimension": breakdown.dimension,
                                 "subject": breakdown.subject, "category": code,
                                 "number": Decimal(count), "denominator": None})
    return rows


def _commentary(indicators: list[Indicator], latest: Period, d: Directory) -> int:
    """The owners' words on the last two quarters."""
    added = 0
    for indicator in indicators:
        words = COMMENTARY.get(indicator.reference)
        if words is None:
            continue
        for period, text in zip((latest.shifted(-1), latest), words, strict=True):
            db.session.add(Commentary(indicator=indicator, period_start=period.start,
                                      text=text, author=d.officer))
            added += 1
    return added


def _benchmarks(county: Partnership, indicators: list[Indicator], latest: Period, month: int,
                d: Directory) -> int:
    """England's figures for the year ending 31 March 2025, with the region's and the
    neighbours' beside them, shown at that year's last quarter."""
    by_reference = {indicator.reference: indicator for indicator in indicators}
    release = BenchmarkRelease(
        partnership=county, publication="South East children's services benchmarking, 2024 "
        "to 2025 (England figures from the Department for Education)",
        released_on=dt.date(2025, 11, 20), imported_by=d.officer)
    last_quarter = Period(dt.date(2025, 1, 1), Frequency.QUARTERLY, month).start
    for reference, england in ENGLAND_2025.items():
        release.benchmarks.append(Benchmark(indicator=by_reference[reference],
                                            comparator=Comparator.ENGLAND,
                                            period_start=last_quarter, value=Decimal(england)))
    for reference, (region, neighbours) in COMPARATORS_2025.items():
        for comparator, value in ((Comparator.REGION, region),
                                  (Comparator.NEIGHBOURS, neighbours)):
            release.benchmarks.append(Benchmark(indicator=by_reference[reference],
                                                comparator=comparator,
                                                period_start=last_quarter,
                                                value=Decimal(value)))
    db.session.add(release)
    return len(release.benchmarks)


def _exception_action(county: Partnership, indicators: list[Indicator], latest: Period,
                      d: Directory, day: dt.date) -> int:
    """The Executive Group's action on the rise in second child protection plans."""
    indicator = next(i for i in indicators if i.reference == "CP4")
    raised = min(day, latest.end + dt.timedelta(days=45))
    target = raised + dt.timedelta(days=120)
    action = Action(
        partnership=county, indicator=indicator,
        title="Audit step-down from child protection plans, after the rise in second plans",
        detail=f"{indicator.name}: {latest.label} was above the tolerance band and worse for "
               "three quarters in a row.",
        year=reporting_year(raised, county.year_start_month),
        body=indicator.body, lead_agency=indicator.source_agency,
        lead_person=d.people["wscp-scrutiny-chair"], start_date=raised, target_date=target,
        status=Status.IN_PROGRESS, percent_complete=20,
        created_at=dt.datetime.combine(raised, dt.time(10), tzinfo=dt.UTC))
    db.session.add(action)
    if day > raised:
        action.updates.append(ProgressUpdate(
            recorded_on=min(day, raised + dt.timedelta(days=14)),
            narrative="Audit tool agreed by the Scrutiny Group; twelve cases chosen from the "
                      "second plans started in the last year.",
            status=Status.IN_PROGRESS, percent_complete=20, proposed_rating=Rating.GREEN,
            author=d.officer))
    return 1


SYNTHETIC_INDICATORS_PER_SCALE = 40  # 200 at the benchmark's --scale 5
SYNTHETIC_YEARS = 5
SYNTHETIC_SPLITS = (Dimension.SEX, Dimension.AGE_BAND, Dimension.ETHNICITY,
                    Dimension.DISABILITY)


def load_synthetic_dataset(scale: int, today: dt.date | None) -> dict[str, int]:
    """Give the first synthetic partnership the benchmark's dataset: 40 quarterly indicators
    per unit of scale (200 at --scale 5) with five years of figures, each split four ways,
    all approved."""
    day = today or clock.today()
    partnership = db.session.scalar(sa.select(Partnership)
                                    .where(Partnership.slug == "synthetic-1"))
    if partnership is None:
        return {}
    month = partnership.year_start_month
    latest = _latest_quarter(day, month)
    quarters = [latest.shifted(n - SYNTHETIC_YEARS * 4 + 1) for n in range(SYNTHETIC_YEARS * 4)]
    for year in range(latest.reporting_year - SYNTHETIC_YEARS, latest.reporting_year + 1):
        db.session.add(Population(partnership=partnership, area="Synthetic area", year=year,
                                  children=250_000, source="Synthetic population estimate"))
    units = (Unit.COUNT, Unit.RATE, Unit.PERCENTAGE, Unit.COUNT)
    polarities = (Polarity.LOWER, Polarity.HIGHER, Polarity.NEITHER)
    indicators = []
    for n in range(1, SYNTHETIC_INDICATORS_PER_SCALE * scale + 1):
        unit = units[n % len(units)]
        indicator = Indicator(
            partnership=partnership, reference=f"S{n:03d}", name=f"Synthetic indicator {n}",
            definition="A synthetic indicator for the benchmark.", unit=unit,
            polarity=polarities[n % len(polarities)], frequency=Frequency.QUARTERLY,
            lower_tolerance=Decimal(20) if unit is Unit.PERCENTAGE else None,
            upper_tolerance=Decimal(80) if unit is Unit.PERCENTAGE else None, position=n,
            in_yearly_report=n <= 10)
        indicator.breakdowns = [Breakdown(dimension=dimension) for dimension in SYNTHETIC_SPLITS]
        indicators.append(indicator)
    db.session.add_all(indicators)
    db.session.flush()
    rng = random.Random(scale)  # noqa: S311 - synthetic figures
    rows: list[dict[str, object]] = []
    for indicator in indicators:
        for period in quarters:
            total = rng.randrange(40, 400)
            common = {"indicator_id": indicator.id, "period_start": period.start,
                      "status": ValueStatus.VALIDATED, "note": "", "version": 1,
                      "subject": Subject.CHILDREN, "approved_on": period.end,
                      "entered_at": dt.datetime.combine(period.end, dt.time(9), tzinfo=dt.UTC)}
            denominator = Decimal(total * 2) if indicator.unit is Unit.PERCENTAGE else None
            rows.append({**common, "dimension": Dimension.TOTAL, "category": "",
                         "number": Decimal(total), "denominator": denominator})
            for dimension in SYNTHETIC_SPLITS:
                shares = SHARES[(dimension, Subject.CHILDREN)]
                for code, count in zip(categories(dimension), _split(total, shares),
                                       strict=True):
                    rows.append({**common, "dimension": dimension, "category": code,
                                 "number": Decimal(count), "denominator": None})
    for start in range(0, len(rows), 10_000):
        db.session.execute(sa.insert(IndicatorValue), rows[start:start + 10_000])
    return {"synthetic dataset indicators": len(indicators), "synthetic dataset figures": len(rows)}
