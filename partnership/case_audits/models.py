"""Multi-agency case audits: a theme, a sample of cases (pseudonymous references only), the
agencies asked, each agency's graded return, a moderation meeting, findings per question
across agencies, learning and the actions that follow.

An agency answers each question for each case in the sample on the audit's scale; the
moderation meeting records an agreed grade and a finding per question.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.accounts.models import User
from partnership.database import UTCDateTime, Versioned
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.meetings.models import Meeting
from partnership.register.models import Agency, Body, Partnership
from partnership.scales.models import Grade, GradeScale


class AuditStage(LabelledEnum):
    """Where a case audit stands."""

    PLANNING = "planning"
    RETURNS = "returns"
    MODERATION = "moderation"
    COMPLETE = "complete"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"returns": "Agencies completing returns", "moderation": "Moderation"}


class CaseAudit(Versioned, db.Model):
    """One multi-agency case audit."""

    __tablename__ = "case_audit"
    __realm__ = "case_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("body.id", ondelete="SET NULL"), index=True,
        doc="The group that runs it (its chair may keep it)")
    title: Mapped[str] = mapped_column(sa.String(200))
    theme: Mapped[str] = mapped_column(sa.Text, default="", doc="What it looks at, and why")
    scale_id: Mapped[int] = mapped_column(sa.ForeignKey("grade_scale.id", ondelete="RESTRICT"))
    stage: Mapped[AuditStage] = mapped_column(enum_column(AuditStage),
                                              default=AuditStage.PLANNING)
    returns_due: Mapped[dt.date | None] = mapped_column(sa.Date)
    moderation_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    moderation_meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL"))
    findings: Mapped[str] = mapped_column(sa.Text, default="")
    good_practice: Mapped[str] = mapped_column(sa.Text, default="")
    learning: Mapped[str] = mapped_column(sa.Text, default="")
    completed_on: Mapped[dt.date | None] = mapped_column(sa.Date)

    partnership: Mapped[Partnership] = relationship()
    body: Mapped[Body | None] = relationship()
    scale: Mapped[GradeScale] = relationship()
    moderation_meeting: Mapped[Meeting | None] = relationship()
    questions: Mapped[list[AuditQuestion]] = relationship(
        back_populates="audit", order_by="(AuditQuestion.position, AuditQuestion.id)",
        cascade="all, delete-orphan")
    cases: Mapped[list[AuditCase]] = relationship(
        back_populates="audit", order_by="AuditCase.id", cascade="all, delete-orphan")
    returns: Mapped[list[AuditReturn]] = relationship(
        back_populates="audit", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.title


class AuditQuestion(Versioned, db.Model):
    """A graded question every agency answers for each case; moderation agrees a grade."""

    __tablename__ = "audit_question"
    __realm__ = "case_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(sa.ForeignKey("case_audit.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    guidance: Mapped[str] = mapped_column(sa.Text, default="")
    agreed_grade_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("grade.id", ondelete="SET NULL"), doc="As agreed at moderation")
    finding: Mapped[str] = mapped_column(sa.Text, default="", doc="As agreed at moderation")

    audit: Mapped[CaseAudit] = relationship(back_populates="questions")
    agreed_grade: Mapped[Grade | None] = relationship()


class AuditCase(db.Model):
    """A case in the sample, by its pseudonymous reference only (the identifier guard applies)."""

    __tablename__ = "audit_case"
    __realm__ = "case_audits"
    __table_args__ = (sa.UniqueConstraint("audit_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(sa.ForeignKey("case_audit.id", ondelete="CASCADE"),
                                          index=True)
    reference: Mapped[str] = mapped_column(sa.String(40), doc="For example 'Audit 3/2'")
    note: Mapped[str] = mapped_column(sa.String(300), default="",
                                      doc="Why it was chosen, without identifying anyone")

    audit: Mapped[CaseAudit] = relationship(back_populates="cases")


class ReturnStatus(LabelledEnum):
    """Where an agency's return stands."""

    REQUESTED = "requested"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class AuditReturn(Versioned, db.Model):
    """One agency's return to a case audit."""

    __tablename__ = "audit_return"
    __realm__ = "case_audits"
    __table_args__ = (sa.UniqueConstraint("audit_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(sa.ForeignKey("case_audit.id", ondelete="CASCADE"),
                                          index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id", ondelete="CASCADE"),
                                           index=True)
    status: Mapped[ReturnStatus] = mapped_column(enum_column(ReturnStatus),
                                                 default=ReturnStatus.REQUESTED)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    audit: Mapped[CaseAudit] = relationship(back_populates="returns")
    agency: Mapped[Agency] = relationship()
    submitted_by: Mapped[User | None] = relationship()
    answers: Mapped[list[AuditAnswer]] = relationship(
        back_populates="audit_return", cascade="all, delete-orphan")


class AuditAnswer(db.Model):
    """An agency's grade and comment for one question on one case."""

    __tablename__ = "audit_answer"
    __realm__ = "case_audits"
    __table_args__ = (sa.UniqueConstraint("return_id", "case_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_return.id", ondelete="CASCADE"),
                                           index=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_case.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("audit_question.id", ondelete="CASCADE"))
    grade_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grade.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    audit_return: Mapped[AuditReturn] = relationship(back_populates="answers")
    case: Mapped[AuditCase] = relationship()
    question: Mapped[AuditQuestion] = relationship()
    grade: Mapped[Grade | None] = relationship()
