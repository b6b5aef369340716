"""The business plan: a period, its objectives (Part A), one-year activities (Part B) and
learning-hub priorities run through named phases. The actions live in the action tracker.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.database import Versioned
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.register.models import Body, Partnership


class Part(LabelledEnum):
    """Which part of the plan an objective belongs to."""

    STRATEGIC = "strategic"
    ACTIVITY = "activity"
    PRIORITY = "priority"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"strategic": "Part A: strategic objective",
                "activity": "Part B: one-year activity",
                "priority": "Learning hub priority"}


class Plan(Versioned, db.Model):
    """A partnership's multi-year business plan.

    The period is a run of reporting years (``first_year`` to ``last_year`` inclusive,
    each the calendar year the reporting year starts in). The settings for judging its
    actions (how often an update is expected, how early a target date warns) live here.
    """

    __tablename__ = "plan"
    __realm__ = "plans"
    __table_args__ = (
        sa.CheckConstraint("last_year >= first_year", name="period_in_order"),
        sa.CheckConstraint("update_interval_days > 0 AND warning_days >= 0",
                           name="positive_settings"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    first_year: Mapped[int]
    last_year: Mapped[int]
    introduction: Mapped[str] = mapped_column(sa.Text, default="")
    update_interval_days: Mapped[int] = mapped_column(
        default=42, doc="An open action with no update for this long is 'update overdue'")
    warning_days: Mapped[int] = mapped_column(
        default=28, doc="A target date this close turns an action with little progress amber")

    partnership: Mapped[Partnership] = relationship()
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="plan", order_by="(Objective.part, Objective.position, Objective.id)",
        cascade="all, delete-orphan")

    @property
    def years(self) -> range:
        """Return the reporting years the plan covers."""
        return range(self.first_year, self.last_year + 1)

    def __str__(self) -> str:
        return self.title


class Objective(Versioned, db.Model):
    """A strategic objective (Part A), a one-year activity (Part B) or a hub priority."""

    __tablename__ = "objective"
    __realm__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plan.id", ondelete="CASCADE"),
                                         index=True)
    part: Mapped[Part] = mapped_column(enum_column(Part))
    position: Mapped[int] = mapped_column(default=0, doc="Its number within its part")
    title: Mapped[str] = mapped_column(sa.String(300))
    outcome: Mapped[str] = mapped_column(sa.Text, default="", doc="The intended outcome")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    year: Mapped[int | None] = mapped_column(
        doc="The reporting year of a one-year activity or priority; none for Part A")
    lead_body_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("body.id", ondelete="SET NULL"))
    joint_with_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="SET NULL"))

    plan: Mapped[Plan] = relationship(back_populates="objectives")
    lead_body: Mapped[Body | None] = relationship()
    joint_with: Mapped[Partnership | None] = relationship()
    phases: Mapped[list[Phase]] = relationship(
        back_populates="objective", order_by="(Phase.position, Phase.id)",
        cascade="all, delete-orphan")

    @property
    def reference(self) -> str:
        """Return how the plan numbers it: A1, B2, P1."""
        letter = {Part.STRATEGIC: "A", Part.ACTIVITY: "B", Part.PRIORITY: "P"}[self.part]
        return f"{letter}{self.position}"

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Phase(Versioned, db.Model):
    """A named phase of a hub priority (scoping, auditing, feedback...), with planned dates."""

    __tablename__ = "phase"
    __realm__ = "plans"
    __table_args__ = (
        sa.CheckConstraint("planned_end >= planned_start", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        sa.ForeignKey("objective.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(120))
    planned_start: Mapped[dt.date] = mapped_column(sa.Date)
    planned_end: Mapped[dt.date] = mapped_column(sa.Date)
    completed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    objective: Mapped[Objective] = relationship(back_populates="phases")

    def __str__(self) -> str:
        return self.name
