"""The one action tracker: every "thing that must get done", wherever it came from.

A business-plan action points at its objective (and phase), an action arising from a
meeting at its meeting, a review recommendation's action at its recommendation; so do the
assurance work's: a scrutineer's recommendation, a multi-agency case audit, a standard an
organisation graded as a gap in its self-assessment, and what children and families told
us. Anything else names its source in words.
Progress is an append-only log of updates. The RAG rating is derived by the one rule,
:mod:`partnership.actions.rag`; :mod:`partnership.actions.ratings` keeps a copy of today's
rating in each row (``rag``, ``update_overdue``) so lists sort, filter and page in SQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.accounts.models import User
from partnership.case_audits.models import CaseAudit
from partnership.database import UTCDateTime, Versioned, utcnow
from partnership.dataset.models import Indicator
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.meetings.models import Meeting
from partnership.plans.models import Objective, Phase, Plan
from partnership.register.models import Agency, Body, Partnership, Person
from partnership.reviews.models import Recommendation
from partnership.scrutiny.models import ScrutinyRecommendation
from partnership.self_assessment.models import AssessmentAnswer
from partnership.voice.models import Engagement


class Status(LabelledEnum):
    """Where an action stands, as its lead reports it."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    DEFERRED = "deferred"
    ONGOING = "ongoing"
    CANCELLED = "cancelled"


class Rating(LabelledEnum):
    """A RAG rating a person proposes in a progress update."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class Action(Versioned, db.Model):
    """Something that must get done, with a lead, a target date and a progress log."""

    __tablename__ = "action"
    __realm__ = "actions"
    __table_args__ = (
        sa.CheckConstraint("percent_complete IS NULL OR percent_complete BETWEEN 0 AND 100",
                           name="percent_range"),
        sa.CheckConstraint("target_date IS NULL OR start_date IS NULL "
                           "OR target_date >= start_date", name="dates_in_order"),
        sa.Index("ix_action_partnership_year", "partnership_id", "year"),
        sa.Index("ix_action_rag", "rag", "target_date"),
        sa.Index("ix_action_year", "year"),
        sa.Index("ix_action_due_order", "list_closed", "due_sort", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(doc="The reporting year the action belongs to")
    title: Mapped[str] = mapped_column(sa.String(300))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    # Where it came from: one of these links (objective and phase go together), or the
    # source in words.
    objective_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("objective.id", ondelete="SET NULL"), index=True)
    phase_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("phase.id", ondelete="SET NULL"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recommendation.id", ondelete="SET NULL"), index=True)
    scrutiny_recommendation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("scrutiny_recommendation.id", ondelete="SET NULL"), index=True)
    case_audit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("case_audit.id", ondelete="SET NULL"), index=True)
    assessment_answer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessment_answer.id", ondelete="SET NULL"), index=True,
        doc="The self-assessment standard graded as a gap that the action closes")
    engagement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("engagement.id", ondelete="SET NULL"), index=True,
        doc="What children and families said that the action answers")
    indicator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("indicator.id", ondelete="SET NULL"), index=True,
        doc="The dataset indicator whose exception the action deals with")
    source_note: Mapped[str] = mapped_column(
        sa.String(300), default="", doc="Where it came from, when that is not a record here")
    body_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("body.id", ondelete="SET NULL"), index=True, doc="The owning body")
    lead_agency_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="SET NULL"), index=True)
    lead_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL"), index=True, doc="The lead officer")
    start_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    target_date: Mapped[dt.date | None] = mapped_column(sa.Date, index=True)
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.NOT_STARTED)
    percent_complete: Mapped[int | None]
    completed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    impact: Mapped[str] = mapped_column(sa.Text, default="", doc="Evidence of impact")
    carried_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("action.id", ondelete="SET NULL"), unique=True,
        doc="The unfinished action of an earlier year this one carries forward")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Today's rating by the one rule, kept by partnership.actions.ratings (never set by hand;
    # written outside the ORM, so neither audited nor counted as an edit).
    rag: Mapped[str | None] = mapped_column(
        sa.String(12), doc="The rating on the rating day (a value of actions.rag.Rag)")
    update_overdue: Mapped[bool | None] = mapped_column(
        doc="Waiting too long for an update on the rating day")
    # The list's default order, as its index reads it: open first, then by target date with
    # the undated last (kept with the rating).
    list_closed: Mapped[bool | None] = mapped_column(doc="Not open on the rating day")
    due_sort: Mapped[dt.date | None] = mapped_column(
        sa.Date, doc="The target date, or the last day there is for an action without one")

    partnership: Mapped[Partnership] = relationship()
    objective: Mapped[Objective | None] = relationship()
    phase: Mapped[Phase | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    recommendation: Mapped[Recommendation | None] = relationship()
    scrutiny_recommendation: Mapped[ScrutinyRecommendation | None] = relationship()
    case_audit: Mapped[CaseAudit | None] = relationship()
    assessment_answer: Mapped[AssessmentAnswer | None] = relationship()
    engagement: Mapped[Engagement | None] = relationship()
    indicator: Mapped[Indicator | None] = relationship()
    body: Mapped[Body | None] = relationship()
    lead_agency: Mapped[Agency | None] = relationship()
    lead_person: Mapped[Person | None] = relationship()
    carried_from: Mapped[Action | None] = relationship(
        remote_side=[id], back_populates="carried_into")
    carried_into: Mapped[Action | None] = relationship(back_populates="carried_from")
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="action", order_by="(ProgressUpdate.recorded_on, ProgressUpdate.id)")

    @property
    def source_label(self) -> str:
        """Say in words where the action came from."""
        return origin_words(self) or self.source_note or "Not recorded"

    def __str__(self) -> str:
        return self.title


def origin_words(source: Any) -> str:
    """Say in words where an action comes from, given the action (or the ``Origin`` of a new
    one): its phase or objective, meeting, review recommendation, or assurance record; ""
    when it comes from none of them."""
    phase, objective = getattr(source, "phase", None), getattr(source, "objective", None)
    if phase is not None:
        return f"{phase.objective}, {phase.name} phase"
    if objective is not None:
        return str(objective)
    if (meeting := getattr(source, "meeting", None)) is not None:
        return f"Action arising: {meeting}"
    if (recommendation := getattr(source, "recommendation", None)) is not None:
        return f"{recommendation.review}, recommendation {recommendation.number}"
    if (scrutiny := getattr(source, "scrutiny_recommendation", None)) is not None:
        return f"Independent scrutiny: {scrutiny}"
    if (audit := getattr(source, "case_audit", None)) is not None:
        return f"Multi-agency case audit: {audit}"
    if (answer := getattr(source, "assessment_answer", None)) is not None:
        return (f"Self-assessment: {answer.assessment_return}, standard "
                f"{answer.standard.number}")
    if (engagement := getattr(source, "engagement", None)) is not None:
        return f"Voice of children and families: {engagement}"
    if (indicator := getattr(source, "indicator", None)) is not None:
        return f"Multi-agency dataset: {indicator}"
    return ""


class ProgressUpdate(db.Model):
    """A dated progress update on an action. Never changed: a correction is a new update."""

    __tablename__ = "progress_update"
    __realm__ = "actions"
    __table_args__ = (
        sa.Index("ix_progress_update_action_recorded", "action_id", "recorded_on"),
        sa.CheckConstraint("percent_complete IS NULL OR percent_complete BETWEEN 0 AND 100",
                           name="percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("action.id", ondelete="CASCADE"))
    recorded_on: Mapped[dt.date] = mapped_column(sa.Date, doc="The date the update speaks for")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(sa.String(120), default="",
                                             doc="Who gave the update, as they are named")
    narrative: Mapped[str] = mapped_column(sa.Text)
    proposed_rating: Mapped[Rating | None] = mapped_column(enum_column(Rating))
    status: Mapped[Status | None] = mapped_column(enum_column(Status),
                                                  doc="The status the update reported")
    percent_complete: Mapped[int | None]
    impact: Mapped[str] = mapped_column(sa.Text, default="", doc="Evidence of impact")
    children_and_families: Mapped[bool] = mapped_column(
        default=False, doc="Shows feedback from children and families")
    corrects_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("progress_update.id", ondelete="SET NULL"),
        doc="The earlier update this one corrects")

    action: Mapped[Action] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()
    corrects: Mapped[ProgressUpdate | None] = relationship(remote_side=[id])



class ImportUpload(db.Model):
    """A tracker spreadsheet uploaded for import, kept between mapping, preview and import.

    Only the person who uploaded it can see or import it; the content is never audited
    (the import itself is, row count and all).
    """

    __tablename__ = "import_upload"
    __realm__ = "actions"
    __audit_redacted__ = frozenset({"content"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plan.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    mapping: Mapped[dict[str, str]] = mapped_column(
        sa.JSON, default=dict, doc="Our field name -> the spreadsheet's column heading")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    plan: Mapped[Plan] = relationship()


class ActionComment(db.Model):
    """A remark on an action by someone working on it; never changed, shown in its history."""

    __tablename__ = "action_comment"
    __realm__ = "actions"
    __table_args__ = (sa.Index("ix_action_comment_action_created", "action_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("action.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(sa.String(120), default="",
                                             doc="Who wrote it, as they were named")
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship()
    author: Mapped[User | None] = relationship()


class DateRequestStatus(LabelledEnum):
    """Where a request for a new target date stands."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"pending": "Waiting for a decision"}


class TargetDateRequest(db.Model):
    """A request to move an action's target date, decided by its body's chair or the team."""

    __tablename__ = "action_date_request"
    __realm__ = "actions"
    __table_args__ = (sa.Index("ix_action_date_request_action_status", "action_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("action.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    requested_by_name: Mapped[str] = mapped_column(sa.String(120), default="")
    current_due: Mapped[dt.date | None] = mapped_column(
        sa.Date, doc="The target date when the request was made")
    requested_due: Mapped[dt.date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[DateRequestStatus] = mapped_column(
        enum_column(DateRequestStatus), default=DateRequestStatus.PENDING)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_by_name: Mapped[str] = mapped_column(sa.String(120), default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")

    action: Mapped[Action] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def pending(self) -> bool:
        """Still waiting for a decision."""
        return self.status is DateRequestStatus.PENDING
