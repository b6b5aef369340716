"""Independent scrutiny: a yearly plan per partnership, organised by the scrutineer's
functions (Working Together 2023), and its activities with findings, good practice and
recommendations that become tracked actions.

Who writes what is part of the record: the scrutineer writes findings, good practice and
recommendations (``reported_by``/``reported_at``); the partnership writes its response
(``responded_by``/``responded_at``); the policy keeps each to their own.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from partnership.accounts.models import User
from partnership.case_audits.models import CaseAudit
from partnership.database import UTCDateTime, Versioned
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.meetings.models import Meeting
from partnership.register.models import Agency, Partnership
from partnership.voice.models import Engagement


class ScrutinyFunction(LabelledEnum):
    """The independent scrutineer's functions (Working Together 2023)."""

    SUPPORT_AND_CHALLENGE = "support_and_challenge"
    ASSURANCE = "assurance"
    DUTIES_AND_LEARNING = "duties_and_learning"
    VOICE = "voice"
    CRITICAL_FRIEND = "critical_friend"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {
            "support_and_challenge": "Support and challenge at strategic and operational level",
            "assurance": "Assurance to the whole system through a range of methods",
            "duties_and_learning": "Checking statutory duties, quality assurance and that "
                                   "learning from reviews is put into practice",
            "voice": "Making sure the voice of children and families is part of scrutiny",
            "critical_friend": "Acting as a critical friend",
        }


class ActivityKind(LabelledEnum):
    """The kinds of scrutiny activity."""

    CASE_AUDIT = "case_audit"
    DEEP_DIVE = "deep_dive"
    PRACTITIONER_SURVEY = "practitioner_survey"
    PEER_VISIT = "peer_visit"
    MEETING_OBSERVATION = "meeting_observation"
    DOCUMENT_REVIEW = "document_review"
    CONVERSATIONS = "conversations"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {
            "case_audit": "Multi-agency case audit",
            "practitioner_survey": "Practitioner survey",
            "peer_visit": "Peer visit",
            "meeting_observation": "Observation of a meeting",
            "document_review": "Review of a published document",
            "conversations": "Conversations with practitioners, children or families",
        }


class ActivityStatus(LabelledEnum):
    """Where a scrutiny activity stands."""

    PLANNED = "planned"
    UNDER_WAY = "under_way"
    REPORTED = "reported"
    RESPONDED = "responded"
    CANCELLED = "cancelled"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"reported": "Findings reported", "responded": "Partnership has responded"}


class ScrutinyPlan(Versioned, db.Model):
    """A partnership's independent scrutiny plan for one year (April to March)."""

    __tablename__ = "scrutiny_plan"
    __realm__ = "scrutiny"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(doc="The year it starts in (2026: April 2026 to March 2027)")
    title: Mapped[str] = mapped_column(sa.String(200))
    introduction: Mapped[str] = mapped_column(sa.Text, default="",
                                              doc="The scrutineer's approach, in their words")
    agreed_on: Mapped[dt.date | None] = mapped_column(
        sa.Date, doc="When the safeguarding partners agreed it")

    partnership: Mapped[Partnership] = relationship()
    activities: Mapped[list[ScrutinyActivity]] = relationship(
        back_populates="plan",
        order_by="(ScrutinyActivity.planned_start, ScrutinyActivity.id)",
        cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.title


scrutiny_activity_agency = sa.Table(
    "scrutiny_activity_agency", db.metadata,
    sa.Column("activity_id", sa.ForeignKey("scrutiny_activity.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True),
)

scrutiny_activity_engagement = sa.Table(
    "scrutiny_activity_engagement", db.metadata,
    sa.Column("activity_id", sa.ForeignKey("scrutiny_activity.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("engagement_id", sa.ForeignKey("engagement.id", ondelete="CASCADE"),
              primary_key=True),
)


class ScrutinyActivity(Versioned, db.Model):
    """One piece of scrutiny in a plan: what, how, with whom, when; then what was found."""

    __tablename__ = "scrutiny_activity"
    __realm__ = "scrutiny"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("scrutiny_plan.id", ondelete="CASCADE"), index=True)
    function: Mapped[ScrutinyFunction] = mapped_column(enum_column(ScrutinyFunction))
    kind: Mapped[ActivityKind] = mapped_column(enum_column(ActivityKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    scope: Mapped[str] = mapped_column(sa.Text, default="", doc="What it looks at, and why")
    method: Mapped[str] = mapped_column(sa.Text, default="", doc="How it is done")
    planned_start: Mapped[dt.date | None] = mapped_column(sa.Date)
    planned_end: Mapped[dt.date | None] = mapped_column(sa.Date)
    status: Mapped[ActivityStatus] = mapped_column(enum_column(ActivityStatus),
                                                   default=ActivityStatus.PLANNED)
    # Links to what it looked at, where that is a record here.
    case_audit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("case_audit.id", ondelete="SET NULL"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL"), index=True,
        doc="The meeting observed")
    # The scrutineer's words: nobody else may change them.
    findings: Mapped[str] = mapped_column(sa.Text, default="")
    good_practice: Mapped[str] = mapped_column(sa.Text, default="")
    reported_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    reported_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    reported_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The partnership's response.
    response: Mapped[str] = mapped_column(sa.Text, default="")
    responded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    plan: Mapped[ScrutinyPlan] = relationship(back_populates="activities")
    agencies: Mapped[list[Agency]] = relationship(secondary=scrutiny_activity_agency,
                                                  order_by="Agency.name")
    engagements: Mapped[list[Engagement]] = relationship(
        secondary=scrutiny_activity_engagement, order_by="Engagement.held_from")
    case_audit: Mapped[CaseAudit | None] = relationship()
    # Named so that the policy reaches the activity's partnership through its plan: the
    # policy follows a relationship called ``meeting`` before one called ``plan``
    # (PARTNERSHIP_PARENTS), and the meeting observed may be a shared body's, or none.
    observed_meeting: Mapped[Meeting | None] = relationship()
    meeting: Mapped[Meeting | None] = synonym("observed_meeting")
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    responded_by: Mapped[User | None] = relationship(foreign_keys=[responded_by_id])
    recommendations: Mapped[list[ScrutinyRecommendation]] = relationship(
        back_populates="activity", order_by="ScrutinyRecommendation.number",
        cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.title


class ScrutinyRecommendation(Versioned, db.Model):
    """A recommendation the scrutineer makes; the partnership turns it into tracked actions."""

    __tablename__ = "scrutiny_recommendation"
    __realm__ = "scrutiny"
    __table_args__ = (sa.UniqueConstraint("activity_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("scrutiny_activity.id", ondelete="CASCADE"))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)

    activity: Mapped[ScrutinyActivity] = relationship(back_populates="recommendations")

    def __str__(self) -> str:
        return f"{self.activity}, recommendation {self.number}"
