"""The voice of children and families: a register of engagement.

Each entry says how children, young people, parents or carers were heard (a survey, a
group, a consultation, feedback gathered by a review), who was heard as a group (never a
named child: the identifier guard applies), what they said, and what changed as a result.
Actions that came of it point back here; scrutiny activities may draw on it.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.database import Versioned
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.register.models import Agency, Body, Partnership


class EngagementKind(LabelledEnum):
    """How children and families were heard."""

    SURVEY = "survey"
    GROUP = "group"
    CONSULTATION = "consultation"
    REVIEW_FEEDBACK = "review_feedback"
    CONVERSATIONS = "conversations"
    OTHER = "other"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"group": "Group or forum", "review_feedback": "Feedback gathered by a review",
                "conversations": "Conversations or interviews"}


class Engagement(Versioned, db.Model):
    """One piece of work that heard children, young people or families."""

    __tablename__ = "engagement"
    __realm__ = "voice"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[EngagementKind] = mapped_column(enum_column(EngagementKind))
    held_from: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    held_to: Mapped[dt.date | None] = mapped_column(sa.Date)
    who: Mapped[str] = mapped_column(
        sa.String(300), doc="Who was heard, as a group: 'young people aged 13 to 17 in care'")
    how_many: Mapped[int | None] = mapped_column(doc="How many took part, where known")
    led_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="SET NULL"), index=True)
    body_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("body.id", ondelete="SET NULL"), index=True,
        doc="The group that commissioned or received it")
    what_said: Mapped[str] = mapped_column(sa.Text, default="", doc="What they told us")
    what_changed: Mapped[str] = mapped_column(sa.Text, default="",
                                              doc="What changed as a result")

    partnership: Mapped[Partnership] = relationship()
    led_by: Mapped[Agency | None] = relationship()
    body: Mapped[Body | None] = relationship()

    def __str__(self) -> str:
        return self.title
