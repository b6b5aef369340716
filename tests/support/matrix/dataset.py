"""The multi-agency dataset in the authorization matrix: the records its URLs need, and the
rows of the library, indicator page, dashboards, exceptions and export (the pages that enter,
approve and import figures are in ``dataset_entry``).

The matrix agency is the indicator's source: its agency lead (role agency) may enter figures.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

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
    Unit,
)
from partnership.extensions import db
from partnership.policy import Role

ALL = frozenset(Role)
TEAM = frozenset({Role.TEAM})
PERIOD = dt.date(2025, 7, 1)  # Q2 2025-26

TEAM_OR_CHAIR = frozenset({Role.TEAM, Role.CHAIR})  # the action tracker's rule

EXPECTED: dict[str, frozenset[Role]] = {
    "dataset_all.index": ALL,
    "dataset.index": ALL,
    "dataset.dashboard": ALL,
    "dataset.indicator": ALL,
    "dataset.export": ALL,
    "dataset.indicator_new": TEAM,
    "dataset.indicator_edit": TEAM,
    "dataset.settings": TEAM,
    "dataset.starter": TEAM,
    "dataset.exception_action": TEAM_OR_CHAIR,
}


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """An indicator of the matrix partnership from its agency, with a quarter's figures, a
    population, a benchmark release and commentary."""
    indicator = Indicator(
        partnership=base.partnership, reference="M1", name="Matrix child protection plans",
        definition="Children subject to a child protection plan at the end of the quarter.",
        source_agency=base.agency, owner=base.person, unit=Unit.RATE,
        polarity=Polarity.NEITHER, frequency=Frequency.QUARTERLY,
        lower_tolerance=Decimal("30"), upper_tolerance=Decimal("50"), body=base.body)
    indicator.breakdowns.append(Breakdown(dimension=Dimension.SEX))
    db.session.add(indicator)
    db.session.add_all([
        IndicatorValue(indicator=indicator, period_start=PERIOD, number=Decimal(120)),
        IndicatorValue(indicator=indicator, period_start=PERIOD, dimension=Dimension.SEX,
                       category="female", number=Decimal(64)),
        Population(partnership=base.partnership, area="Matrix", year=2025, children=30000,
                   source="ONS mid-year estimates 2025"),
        Commentary(indicator=indicator, period_start=PERIOD, text="Steady."),
    ])
    release = BenchmarkRelease(partnership=base.partnership,
                               publication="Characteristics of children in need",
                               released_on=dt.date(2025, 10, 30))
    release.benchmarks.append(Benchmark(indicator=indicator, comparator=Comparator.ENGLAND,
                                        period_start=dt.date(2025, 4, 1),
                                        value=Decimal("41.5")))
    db.session.add(release)
    db.session.commit()
    return {"indicator_id": str(indicator.id), "period": PERIOD.isoformat(),
            "release_id": str(release.id)}
