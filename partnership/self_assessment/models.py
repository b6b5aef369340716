"""Section 11 and schools (s.175/s.157) self-assessment rounds, at the scale of hundreds of
organisations.

A partnership keeps standards libraries (a Section 11 set for agencies, a schools set for
education), each graded on one of its scales. A round asks organisations (agencies, or
schools and settings from the register) to grade themselves against a set by a deadline; a
round may be run jointly with neighbouring partnerships, and then one return serves them
all. Each return is completed by the organisation's own users, with evidence; a standard
graded as a gap needs actions (the one action record). Moderation or challenge sessions
record the agreed grade. A new round starts from the last round's answers.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.accounts.models import User
from partnership.database import UTCDateTime, Versioned
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.register.models import Agency, Establishment, Partnership
from partnership.scales.models import Grade, GradeScale


class StandardsKind(LabelledEnum):
    """Who a standards set is for."""

    SECTION_11 = "section_11"
    SCHOOLS = "schools"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"section_11": "Section 11 (Children Act 2004): agencies",
                "schools": "Schools and settings (Education Act 2002 s.175 and s.157)"}


class StandardSet(Versioned, db.Model):
    """A library of standards organisations grade themselves against."""

    __tablename__ = "standard_set"
    __realm__ = "self_assessment"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[StandardsKind] = mapped_column(enum_column(StandardsKind))
    scale_id: Mapped[int] = mapped_column(sa.ForeignKey("grade_scale.id", ondelete="RESTRICT"))
    source: Mapped[str] = mapped_column(sa.String(300), default="",
                                        doc="Where the standards are taken from")

    partnership: Mapped[Partnership] = relationship()
    scale: Mapped[GradeScale] = relationship()
    standards: Mapped[list[Standard]] = relationship(
        back_populates="standard_set", order_by="(Standard.position, Standard.id)",
        cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.name


class Standard(Versioned, db.Model):
    """One standard in a set."""

    __tablename__ = "standard"
    __realm__ = "self_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(sa.ForeignKey("standard_set.id", ondelete="CASCADE"),
                                        index=True)
    position: Mapped[int]
    number: Mapped[str] = mapped_column(sa.String(12), doc="As the set numbers it: '1', '4b'")
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="",
                                             doc="What meeting it looks like")

    standard_set: Mapped[StandardSet] = relationship(back_populates="standards")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class RoundStatus(LabelledEnum):
    """Where a self-assessment round stands."""

    DRAFT = "draft"
    OPEN = "open"
    MODERATION = "moderation"
    CLOSED = "closed"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"draft": "Being set up", "open": "Open for returns"}


round_partnership = sa.Table(
    "assessment_round_partnership", db.metadata,
    sa.Column("round_id", sa.ForeignKey("assessment_round.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("partnership_id", sa.ForeignKey("partnership.id", ondelete="CASCADE"),
              primary_key=True),
)


class AssessmentRound(Versioned, db.Model):
    """A self-assessment round: a standards set, the organisations asked, dates."""

    __tablename__ = "assessment_round"
    __realm__ = "self_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True,
        doc="The partnership that runs it")
    title: Mapped[str] = mapped_column(sa.String(200))
    set_id: Mapped[int] = mapped_column(sa.ForeignKey("standard_set.id", ondelete="RESTRICT"))
    status: Mapped[RoundStatus] = mapped_column(enum_column(RoundStatus),
                                                default=RoundStatus.DRAFT)
    opens_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    due_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    moderation_by: Mapped[dt.date | None] = mapped_column(sa.Date)
    previous_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessment_round.id", ondelete="SET NULL"),
        doc="The round whose answers this one starts from")

    partnership: Mapped[Partnership] = relationship()
    partnerships: Mapped[list[Partnership]] = relationship(
        secondary=round_partnership, order_by="Partnership.name",
        doc="Neighbouring partnerships that run it jointly (each sees every return)")
    standard_set: Mapped[StandardSet] = relationship()
    previous: Mapped[AssessmentRound | None] = relationship(remote_side=[id])
    returns: Mapped[list[AssessmentReturn]] = relationship(back_populates="round")
    sessions: Mapped[list[ModerationSession]] = relationship(
        back_populates="round", order_by="ModerationSession.held_on",
        cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.title


class AssessmentStatus(LabelledEnum):
    """Where an organisation's return stands."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    MODERATED = "moderated"


class AssessmentReturn(Versioned, db.Model):
    """One organisation's return in a round: an agency, or a school or setting."""

    __tablename__ = "assessment_return"
    __realm__ = "self_assessment"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "agency_id", name="uq_assessment_return_agency"),
        sa.UniqueConstraint("round_id", "establishment_id",
                            name="uq_assessment_return_establishment"),
        sa.CheckConstraint("(agency_id IS NULL) <> (establishment_id IS NULL)",
                           name="one_organisation"),
        sa.Index("ix_assessment_return_round_status", "round_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment_round.id", ondelete="CASCADE"))
    agency_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    establishment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("establishment.id", ondelete="CASCADE"), index=True)
    status: Mapped[AssessmentStatus] = mapped_column(enum_column(AssessmentStatus),
                                                     default=AssessmentStatus.NOT_STARTED)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    last_chased_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    chase_count: Mapped[int] = mapped_column(default=0)

    round: Mapped[AssessmentRound] = relationship(back_populates="returns")
    agency: Mapped[Agency | None] = relationship()
    establishment: Mapped[Establishment | None] = relationship()
    submitted_by: Mapped[User | None] = relationship()
    answers: Mapped[list[AssessmentAnswer]] = relationship(
        back_populates="assessment_return", cascade="all, delete-orphan")

    @property
    def organisation_name(self) -> str:
        """Name the organisation the return is for."""
        organisation = self.agency or self.establishment
        return organisation.name if organisation is not None else ""

    def __str__(self) -> str:
        return f"{self.round}: {self.organisation_name}"


class AssessmentAnswer(Versioned, db.Model):
    """An organisation's grade and evidence for one standard; moderation may agree another."""

    __tablename__ = "assessment_answer"
    __realm__ = "self_assessment"
    __table_args__ = (sa.UniqueConstraint("return_id", "standard_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment_return.id", ondelete="CASCADE"), index=True)
    standard_id: Mapped[int] = mapped_column(sa.ForeignKey("standard.id", ondelete="CASCADE"))
    grade_id: Mapped[int | None] = mapped_column(sa.ForeignKey("grade.id", ondelete="SET NULL"))
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    agreed_grade_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("grade.id", ondelete="SET NULL"), doc="As agreed at moderation")
    moderation_note: Mapped[str] = mapped_column(sa.Text, default="")
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("moderation_session.id", ondelete="SET NULL"),
        doc="The session that agreed the grade")

    assessment_return: Mapped[AssessmentReturn] = relationship(back_populates="answers")
    standard: Mapped[Standard] = relationship()
    grade: Mapped[Grade | None] = relationship(foreign_keys=[grade_id])
    agreed_grade: Mapped[Grade | None] = relationship(foreign_keys=[agreed_grade_id])
    session: Mapped[ModerationSession | None] = relationship()


class ModerationSession(Versioned, db.Model):
    """A peer moderation or challenge session of a round."""

    __tablename__ = "moderation_session"
    __realm__ = "self_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment_round.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(sa.Date)
    title: Mapped[str] = mapped_column(sa.String(200))
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    round: Mapped[AssessmentRound] = relationship(back_populates="sessions")
