"""Escalations and professional differences between agencies: who, how far it went, how and
when it was resolved, and its themes. No child's or family's details: the identifier guard
applies to every word. Counts and themes feed the yearly report and the scrutineer.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.database import Versioned
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.register.models import Agency, Partnership


class EscalationStage(LabelledEnum):
    """How far up an escalation went (the partnership's escalation policy's stages)."""

    PRACTITIONER = "practitioner"
    MANAGER = "manager"
    SENIOR_LEADER = "senior_leader"
    PARTNERSHIP = "partnership"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"practitioner": "Practitioner to practitioner",
                "manager": "Manager to manager",
                "senior_leader": "Senior leaders",
                "partnership": "The partnership (its chair or business manager)"}


escalation_agency = sa.Table(
    "escalation_agency", db.metadata,
    sa.Column("escalation_id", sa.ForeignKey("escalation.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True),
)


class Escalation(Versioned, db.Model):
    """One escalation or professional difference between agencies."""

    __tablename__ = "escalation"
    __realm__ = "escalations"
    __table_args__ = (
        sa.CheckConstraint("resolved_on IS NULL OR resolved_on >= raised_on",
                           name="resolved_after_raised"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    raised_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    raised_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="SET NULL"), index=True,
        doc="The agency that raised it")
    raised_with_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="SET NULL"), index=True,
        doc="The agency it was raised with")
    stage: Mapped[EscalationStage] = mapped_column(enum_column(EscalationStage))
    summary: Mapped[str] = mapped_column(sa.Text, default="",
                                         doc="What the difference was about, without identifiers")
    themes: Mapped[list[str]] = mapped_column(sa.JSON, default=list,
                                              doc="From the ESCALATION_THEMES setting")
    resolved_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    resolution: Mapped[str] = mapped_column(sa.Text, default="")
    learning: Mapped[str] = mapped_column(sa.Text, default="")

    partnership: Mapped[Partnership] = relationship()
    raised_by: Mapped[Agency | None] = relationship(foreign_keys=[raised_by_id])
    raised_with: Mapped[Agency | None] = relationship(foreign_keys=[raised_with_id])
    other_agencies: Mapped[list[Agency]] = relationship(secondary=escalation_agency,
                                                        order_by="Agency.name")
