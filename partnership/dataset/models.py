"""The multi-agency dataset: agreed indicators, their values per period, the child population,
published benchmarks, and the owner's commentary.

An indicator says what is counted, by whom, in what unit, how often, which way is better and
the tolerance band it should stay in; it may belong to a plan priority (an objective) and a
body. Values are entered (or imported) per period by the owning agency, as a total and split
by the disaggregations the indicator is reported by; each value is provisional until
validated, and nothing appears in a published document until it is approved. Rates per
10,000 children are computed from the population, never typed (``dataset/figures.py``).
Benchmarks (England, region, statistical neighbours) keep the release they came from, since
national statistics revise earlier years.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.accounts.models import User
from partnership.database import UTCDateTime, Versioned, utcnow
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.plans.models import Objective
from partnership.register.models import Agency, Body, Partnership, Person

# A figure: up to 12 digits before the point and 2 after (counts, days, numerators).
FIGURE = sa.Numeric(14, 2)


class Unit(LabelledEnum):
    """What an indicator's figure is."""

    COUNT = "count"
    RATE = "rate"  # per 10,000 children aged 0 to 17: the count is entered, the rate computed
    PERCENTAGE = "percentage"  # numerator and denominator are entered
    DAYS = "days"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"count": "Number", "rate": "Rate per 10,000 children",
                "percentage": "Percentage", "days": "Days"}


class Polarity(LabelledEnum):
    """Which way is better."""

    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"higher": "Higher is better", "lower": "Lower is better",
                "neither": "Neither higher nor lower is better"}


class Frequency(LabelledEnum):
    """How often values are reported: months, quarters or years of the reporting year."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class Dimension(LabelledEnum):
    """What a value is split by; ``total`` is the headline figure."""

    TOTAL = "total"
    SEX = "sex"
    AGE_BAND = "age_band"
    ETHNICITY = "ethnicity"
    DISABILITY = "disability"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"total": "All", "age_band": "Age band"}


class Subject(LabelledEnum):
    """Whom a split describes: the children counted, or (for exploitation) the victims and
    the perpetrators separately."""

    CHILDREN = "children"
    VICTIMS = "victims"
    PERPETRATORS = "perpetrators"


def breakdown_label(dimension: Dimension, subject: Subject) -> str:
    """Say what a split is by: 'Sex', 'Ethnicity of perpetrators'."""
    if subject is Subject.CHILDREN:
        return dimension.label
    return f"{dimension.label} of {subject.label.lower()}"


class ValueStatus(LabelledEnum):
    """How far a value has been checked."""

    PROVISIONAL = "provisional"
    VALIDATED = "validated"


class Comparator(LabelledEnum):
    """Whom a benchmark compares the partnership with."""

    ENGLAND = "england"
    REGION = "region"
    NEIGHBOURS = "neighbours"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"england": "England", "neighbours": "Statistical neighbours"}


class Indicator(Versioned, db.Model):
    """One agreed measure in the partnership's dataset."""

    __tablename__ = "indicator"
    __realm__ = "dataset"
    __table_args__ = (
        sa.UniqueConstraint("partnership_id", "reference"),
        sa.CheckConstraint("lower_tolerance IS NULL OR upper_tolerance IS NULL "
                           "OR lower_tolerance <= upper_tolerance", name="tolerance_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(sa.String(20), doc="How the dataset numbers it: CP2")
    name: Mapped[str] = mapped_column(sa.String(200))
    definition: Mapped[str] = mapped_column(sa.Text, default="",
                                            doc="What is counted, and from which system")
    source_agency_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="SET NULL"), index=True,
        doc="The agency whose records the figure comes from (its staff enter the values)")
    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL"), index=True,
        doc="Who answers for the figure and writes the commentary")
    unit: Mapped[Unit] = mapped_column(enum_column(Unit))
    polarity: Mapped[Polarity] = mapped_column(enum_column(Polarity))
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency))
    lower_tolerance: Mapped[Decimal | None] = mapped_column(
        FIGURE, doc="Below this (in the indicator's unit, rates as rates) is outside tolerance")
    upper_tolerance: Mapped[Decimal | None] = mapped_column(FIGURE)
    target: Mapped[Decimal | None] = mapped_column(FIGURE)
    objective_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("objective.id", ondelete="SET NULL"), index=True,
        doc="The plan priority it shows progress on")
    body_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("body.id", ondelete="SET NULL"), index=True,
        doc="The group that watches it")
    source_note: Mapped[str] = mapped_column(
        sa.String(300), default="", doc="The public source of its definition or benchmarks")
    in_yearly_report: Mapped[bool] = mapped_column(
        default=False, doc="Shown, with its trend and benchmarks, in the yearly report")
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False, doc="No longer collected")

    partnership: Mapped[Partnership] = relationship()
    source_agency: Mapped[Agency | None] = relationship()
    owner: Mapped[Person | None] = relationship()
    objective: Mapped[Objective | None] = relationship()
    body: Mapped[Body | None] = relationship()
    breakdowns: Mapped[list[Breakdown]] = relationship(
        back_populates="indicator", order_by="(Breakdown.dimension, Breakdown.subject)",
        cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"


class Breakdown(db.Model):
    """A disaggregation an indicator is reported by (sex, age band, ethnicity, disability; for
    exploitation, of the victims and of the perpetrators separately)."""

    __tablename__ = "indicator_breakdown"
    __realm__ = "dataset"
    __table_args__ = (
        sa.UniqueConstraint("indicator_id", "dimension", "subject"),
        sa.CheckConstraint("dimension <> 'total'", name="not_total"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[Dimension] = mapped_column(enum_column(Dimension))
    subject: Mapped[Subject] = mapped_column(enum_column(Subject), default=Subject.CHILDREN)

    indicator: Mapped[Indicator] = relationship(back_populates="breakdowns")

    @property
    def label(self) -> str:
        """Say what it splits: 'Ethnicity' or 'Ethnicity of perpetrators'."""
        return breakdown_label(self.dimension, self.subject)


class IndicatorValue(Versioned, db.Model):
    """The figure for one period: the total, or one category of a disaggregation.

    Changing a figure is a correction: the audit trail keeps every earlier figure, and an
    approved value changed goes back to needing approval.
    """

    __tablename__ = "indicator_value"
    __realm__ = "dataset"
    __table_args__ = (
        sa.UniqueConstraint("indicator_id", "period_start", "dimension", "subject", "category"),
        sa.Index("ix_indicator_value_period", "indicator_id", "dimension", "period_start"),
        sa.CheckConstraint("number >= 0", name="not_negative"),
        sa.CheckConstraint("denominator IS NULL OR denominator > 0", name="denominator_positive"),
        sa.CheckConstraint("(dimension = 'total') = (category = '')", name="category_if_split"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indicator.id", ondelete="CASCADE"))
    period_start: Mapped[dt.date] = mapped_column(
        sa.Date, doc="The first day of the month, quarter or reporting year")
    dimension: Mapped[Dimension] = mapped_column(enum_column(Dimension), default=Dimension.TOTAL)
    subject: Mapped[Subject] = mapped_column(enum_column(Subject), default=Subject.CHILDREN)
    category: Mapped[str] = mapped_column(sa.String(40), default="",
                                          doc="The category's code (dataset/categories.py)")
    number: Mapped[Decimal] = mapped_column(
        FIGURE, doc="The count, the days, or a percentage's numerator")
    denominator: Mapped[Decimal | None] = mapped_column(FIGURE, doc="A percentage's denominator")
    status: Mapped[ValueStatus] = mapped_column(enum_column(ValueStatus),
                                                default=ValueStatus.PROVISIONAL)
    note: Mapped[str] = mapped_column(sa.String(300), default="",
                                      doc="A caveat on the figure")
    entered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    entered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    approved_on: Mapped[dt.date | None] = mapped_column(
        sa.Date, doc="Approved for publication on; none until then")

    indicator: Mapped[Indicator] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def approved(self) -> bool:
        """Whether the value may appear in anything published."""
        return self.approved_on is not None


class Commentary(Versioned, db.Model):
    """What the indicator's owner says about one period's figures."""

    __tablename__ = "indicator_commentary"
    __realm__ = "dataset"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[dt.date] = mapped_column(sa.Date)
    text: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow,
                                                    onupdate=utcnow)

    indicator: Mapped[Indicator] = relationship()
    author: Mapped[User | None] = relationship()


class Population(Versioned, db.Model):
    """The number of children aged 0 to 17 in one area of the partnership, for one year."""

    __tablename__ = "child_population"
    __realm__ = "dataset"
    __table_args__ = (
        sa.UniqueConstraint("partnership_id", "area", "year"),
        sa.CheckConstraint("children > 0", name="children_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(sa.String(120), doc="A local authority area")
    year: Mapped[int] = mapped_column(doc="The mid-year the estimate is for")
    children: Mapped[int] = mapped_column(doc="Children aged 0 to 17")
    source: Mapped[str] = mapped_column(
        sa.String(300), doc="The estimate's publication: 'ONS mid-year estimates 2024'")

    partnership: Mapped[Partnership] = relationship()


class BenchmarkRelease(Versioned, db.Model):
    """One release of a publication that benchmarks were taken from."""

    __tablename__ = "benchmark_release"
    __realm__ = "dataset"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "publication", "released_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    publication: Mapped[str] = mapped_column(sa.String(200),
                                             doc="'Characteristics of children in need'")
    released_on: Mapped[dt.date] = mapped_column(sa.Date)
    url: Mapped[str] = mapped_column(sa.String(500), default="")
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    partnership: Mapped[Partnership] = relationship()
    imported_by: Mapped[User | None] = relationship()
    benchmarks: Mapped[list[Benchmark]] = relationship(back_populates="release",
                                                       cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.publication}, released {self.released_on:%-d %B %Y}"


class Benchmark(db.Model):
    """A comparator's published figure for an indicator and period, from one release; a
    later release of the same figure is a new row (the latest release is the one shown)."""

    __tablename__ = "benchmark"
    __realm__ = "dataset"
    __table_args__ = (
        sa.UniqueConstraint("release_id", "indicator_id", "comparator", "period_start"),
        sa.Index("ix_benchmark_indicator", "indicator_id", "comparator", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        sa.ForeignKey("benchmark_release.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indicator.id", ondelete="CASCADE"))
    comparator: Mapped[Comparator] = mapped_column(enum_column(Comparator))
    period_start: Mapped[dt.date] = mapped_column(sa.Date)
    value: Mapped[Decimal | None] = mapped_column(
        FIGURE, doc="As published, in the indicator's unit; none where it was suppressed")

    release: Mapped[BenchmarkRelease] = relationship(back_populates="benchmarks")
    indicator: Mapped[Indicator] = relationship()


class DatasetSettings(Versioned, db.Model):
    """How a partnership publishes and compares its figures."""

    __tablename__ = "dataset_settings"
    __realm__ = "dataset"
    __table_args__ = (sa.CheckConstraint("suppress_below >= 0", name="threshold_positive"),)

    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True)
    suppress_below: Mapped[int] = mapped_column(
        default=5, doc="Counts below this are published as 'fewer than N', rates not at all")
    region: Mapped[str] = mapped_column(sa.String(120), default="",
                                        doc="The region as published benchmarks name it")
    neighbours: Mapped[str] = mapped_column(
        sa.Text, default="", doc="The statistical neighbours' local authorities, one a line")

    partnership: Mapped[Partnership] = relationship()

    @property
    def neighbour_names(self) -> list[str]:
        """Return the statistical neighbours, as listed."""
        return [line.strip() for line in self.neighbours.splitlines() if line.strip()]
