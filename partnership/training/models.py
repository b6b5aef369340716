"""The multi-agency training programme: courses, their sessions, who came, what learners said,
and whether practice changed some months later.

A course says what it teaches (topic, level, the plan priority it serves, its audience); a
session is one date it runs, with its trainer, format, venue and places. Attendance is counted,
never named: per session, the number booked and the number who attended from one agency in
one role ("Wessexshire Police, response officers: 6 booked, 5 attended"), as a booking
system's export adds up. Evaluations are anonymous forms (confidence before and after and
usefulness, each 1 to 5). A follow-up is one attendee's answer some months later (did
practice change, an example in words), recorded by agency and role, and confirmed by a
manager where the partnership asks for that. Expected places per agency per reporting year
let uptake be read against what each agency agreed.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.database import Versioned
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.plans.models import Objective
from partnership.register.models import Agency, Partnership

SCORES = range(1, 6)  # every evaluation question is answered 1 (not at all) to 5 (very)


class CourseLevel(LabelledEnum):
    """How deep a course goes, as multi-agency training programmes grade it."""

    INTRODUCTORY = "introductory"
    CORE = "core"
    ADVANCED = "advanced"
    LEADERSHIP = "leadership"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"introductory": "Introductory (level 1)",
                "core": "Core multi-agency (level 2)",
                "advanced": "Advanced (level 3)",
                "leadership": "Specialist and leadership"}


class SessionFormat(LabelledEnum):
    """How a session is delivered."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    E_LEARNING = "e_learning"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"in_person": "In person", "online": "Online, live",
                "e_learning": "E-learning"}


class PracticeChange(LabelledEnum):
    """Whether an attendee's practice changed after the training."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"yes": "Yes", "partly": "Partly", "no": "No"}


class TrainingSettings(Versioned, db.Model):
    """How a partnership follows up its training."""

    __tablename__ = "training_settings"
    __realm__ = "training"
    __table_args__ = (
        sa.CheckConstraint("follow_up_months BETWEEN 1 AND 24", name="follow_up_months"),
    )

    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True)
    follow_up_months: Mapped[int] = mapped_column(
        default=3, doc="Months after a session that attendees are asked what changed")
    manager_confirmation: Mapped[bool] = mapped_column(
        default=False, doc="A manager confirms each change in practice reported")

    partnership: Mapped[Partnership] = relationship()


class Course(Versioned, db.Model):
    """A course in the partnership's multi-agency training programme."""

    __tablename__ = "training_course"
    __realm__ = "training"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    topic: Mapped[str] = mapped_column(sa.String(120), doc="Neglect, exploitation, ...")
    level: Mapped[CourseLevel] = mapped_column(enum_column(CourseLevel))
    objective_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("objective.id", ondelete="SET NULL"), index=True,
        doc="The plan priority it serves")
    audience: Mapped[str] = mapped_column(sa.String(300), default="",
                                          doc="Who it is for, by role")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    retired: Mapped[bool] = mapped_column(default=False, doc="No longer offered")

    partnership: Mapped[Partnership] = relationship()
    objective: Mapped[Objective | None] = relationship()

    def __str__(self) -> str:
        return self.title


class TrainingSession(Versioned, db.Model):
    """One date a course runs."""

    __tablename__ = "training_session"
    __realm__ = "training"
    __table_args__ = (sa.CheckConstraint("places >= 0", name="places_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_course.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    trainer: Mapped[str] = mapped_column(sa.String(200), doc="Who delivers it (a professional)")
    format: Mapped[SessionFormat] = mapped_column(enum_column(SessionFormat))
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    places: Mapped[int] = mapped_column(doc="Places offered")
    cancelled: Mapped[bool] = mapped_column(default=False)

    course: Mapped[Course] = relationship()

    def __str__(self) -> str:
        return f"{self.course.title}, {self.starts_on:%-d %B %Y}"


class SessionAttendance(Versioned, db.Model):
    """How many from one agency, in one role, booked a session and attended it."""

    __tablename__ = "training_attendance"
    __realm__ = "training"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "agency_id", "role"),
        sa.CheckConstraint("booked >= 0 AND attended >= 0", name="counts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(120), doc="Social worker, school DSL, ...")
    booked: Mapped[int] = mapped_column(default=0)
    attended: Mapped[int] = mapped_column(default=0)

    training_session: Mapped[TrainingSession] = relationship()
    agency: Mapped[Agency] = relationship()

    @property
    def did_not_attend(self) -> int:
        """Booked but did not come (walk-ins do not offset another's absence)."""
        return max(self.booked - self.attended, 0)


class Evaluation(db.Model):
    """One learner's anonymous evaluation of a session."""

    __tablename__ = "training_evaluation"
    __realm__ = "training"
    __table_args__ = (
        sa.CheckConstraint("confidence_before BETWEEN 1 AND 5 AND confidence_after BETWEEN 1 "
                           "AND 5 AND usefulness BETWEEN 1 AND 5", name="scores_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    confidence_before: Mapped[int] = mapped_column(doc="1 (not at all) to 5 (very)")
    confidence_after: Mapped[int]
    usefulness: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    training_session: Mapped[TrainingSession] = relationship()


class FollowUp(Versioned, db.Model):
    """One attendee's answer, months later, to "did your practice change?", by agency and
    role, with an example in words."""

    __tablename__ = "training_follow_up"
    __realm__ = "training"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(120))
    practice_changed: Mapped[PracticeChange] = mapped_column(enum_column(PracticeChange))
    example: Mapped[str] = mapped_column(sa.Text, default="",
                                         doc="What they now do differently, in their words")
    answered_on: Mapped[dt.date] = mapped_column(sa.Date)
    manager_confirmed: Mapped[bool] = mapped_column(
        default=False, doc="Their manager confirmed the change (where the partnership asks)")

    training_session: Mapped[TrainingSession] = relationship()
    agency: Mapped[Agency] = relationship()


class UptakeTarget(Versioned, db.Model):
    """The places an agency is expected to take up in a reporting year."""

    __tablename__ = "training_uptake_target"
    __realm__ = "training"
    __table_args__ = (
        sa.UniqueConstraint("agency_id", "year"),
        sa.CheckConstraint("expected >= 0", name="expected_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(doc="Calendar year the reporting year starts in")
    expected: Mapped[int] = mapped_column(doc="Places expected to be attended")

    agency: Mapped[Agency] = relationship()
