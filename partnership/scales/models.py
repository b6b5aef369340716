"""Grading scales a partnership sets for its audits and self-assessments.

A scale is an ordered list of grades, best first ("Good", "Requires improvement",
"Inadequate"; or "Fully met", "Partially met", "Not met"). A grade marked as a gap asks for
an action: a self-assessment standard graded so needs an action plan.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.database import Versioned
from partnership.extensions import db
from partnership.register.models import Partnership


class GradeScale(Versioned, db.Model):
    """An ordered set of grades, best first, kept by a partnership."""

    __tablename__ = "grade_scale"
    __realm__ = "scales"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    partnership: Mapped[Partnership] = relationship()
    grades: Mapped[list[Grade]] = relationship(
        back_populates="scale", order_by="(Grade.position, Grade.id)",
        cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.name


class Grade(db.Model):
    """One grade on a scale: its place (1 is best), its words, and whether it is a gap."""

    __tablename__ = "grade"
    __realm__ = "scales"
    __table_args__ = (sa.UniqueConstraint("scale_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(sa.ForeignKey("grade_scale.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(doc="1 is the best grade")
    label: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    is_gap: Mapped[bool] = mapped_column(default=False,
                                         doc="A standard graded so needs an action plan")

    scale: Mapped[GradeScale] = relationship(back_populates="grades")

    def __str__(self) -> str:
        return self.label
