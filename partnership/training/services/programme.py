"""The rules of the training programme and the lists its pages read.

Each list is read in a fixed number of statements however many courses, sessions and
attendees there are: sessions are loaded with their courses, and the counts beneath them
(attendance, evaluations, follow-ups) are added up in SQL, grouped by session.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from partnership import clock
from partnership.editing import EditConflict, apply_edit
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.plans.models import Objective, Plan
from partnership.policy import readable
from partnership.register.models import Agency, Partnership
from partnership.training.models import (
    Course,
    Evaluation,
    FollowUp,
    PracticeChange,
    SessionAttendance,
    TrainingSession,
    TrainingSettings,
)

MAX_PLACES = 10_000
MAX_FOLLOW_UP_MONTHS = 24


class TrainingError(DomainError):
    """Something the training programme's rules refuse; the message is for the user."""


def _check(problems: list[DomainError]) -> None:
    for problem in problems:
        raise problem


# --- settings -------------------------------------------------------------------------------


def settings_of(partnership: Partnership) -> TrainingSettings:
    """The partnership's training settings (the defaults, unsaved, until first saved)."""
    found = db.session.get(TrainingSettings, partnership.id)
    if found is not None:
        return found
    return TrainingSettings(partnership_id=partnership.id, follow_up_months=3,
                            manager_confirmation=False, version=0)


def update_settings(settings: TrainingSettings, started_from: object,
                    values: Mapping[str, Any]) -> bool:
    """Save the settings if the editor saw their current version; return whether they
    changed."""
    months = values.get("follow_up_months")
    if months is not None and not 1 <= months <= MAX_FOLLOW_UP_MONTHS:
        raise TrainingError(f"Follow up between 1 and {MAX_FOLLOW_UP_MONTHS} months after "
                            "the session", "follow_up_months")
    if settings not in db.session:  # first saved: the defaults were version 0
        if str(started_from) != str(settings.version):
            raise EditConflict(settings, values)
        for name, value in values.items():
            setattr(settings, name, value)
        settings.version = 1
        db.session.add(settings)
        return True
    return apply_edit(settings, started_from, values)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_due(session: TrainingSession, settings: TrainingSettings) -> dt.date:
    """The day attendees of a session are asked whether their practice changed."""
    return add_months(session.starts_on, settings.follow_up_months)


# --- finding records --------------------------------------------------------------------------


def course_or_404(partnership: Partnership, course_id: int) -> Course:
    """One of the partnership's courses, or 404."""
    course = db.session.scalar(sa.select(Course).where(
        Course.id == course_id, Course.partnership_id == partnership.id, readable(Course))
        .options(joinedload(Course.objective)))
    if course is None:
        abort(404)
    return course


def session_or_404(partnership: Partnership, session_id: int) -> TrainingSession:
    """One of the partnership's sessions (with its course), or 404."""
    session = db.session.scalar(
        sa.select(TrainingSession).join(Course)
        .where(TrainingSession.id == session_id, Course.partnership_id == partnership.id,
               readable(TrainingSession))
        .options(joinedload(TrainingSession.course)))
    if session is None:
        abort(404)
    return session


def _under(partnership: Partnership, model: Any, record_id: int) -> Any:
    record = db.session.scalar(
        sa.select(model).join(TrainingSession).join(Course)
        .where(model.id == record_id, Course.partnership_id == partnership.id, readable(model))
        .options(joinedload(model.training_session).joinedload(TrainingSession.course)))
    if record is None:
        abort(404)
    return record


def attendance_or_404(partnership: Partnership, attendance_id: int) -> SessionAttendance:
    """One line of a session's attendance, or 404."""
    return _under(partnership, SessionAttendance, attendance_id)  # type: ignore[no-any-return]


def evaluation_or_404(partnership: Partnership, evaluation_id: int) -> Evaluation:
    """One evaluation of a session, or 404."""
    return _under(partnership, Evaluation, evaluation_id)  # type: ignore[no-any-return]


def follow_up_or_404(partnership: Partnership, follow_up_id: int) -> FollowUp:
    """One follow-up answer, or 404."""
    return _under(partnership, FollowUp, follow_up_id)  # type: ignore[no-any-return]


def objective_options(partnership: Partnership) -> list[Objective]:
    """The partnership's plan priorities a course may serve, latest plan first."""
    return list(db.session.scalars(
        sa.select(Objective).join(Plan).where(Plan.partnership_id == partnership.id)
        .options(joinedload(Objective.plan))
        .order_by(Plan.first_year.desc(), Plan.title, Objective.part, Objective.position)))


def objective_label(objective: Objective | None) -> str:
    """Name a plan priority as the programme shows it: 'A1 Responding to neglect'."""
    return f"{objective.reference} {objective.title}" if objective is not None else ""


def agency_options(partnership: Partnership) -> list[Agency]:
    """The agencies whose staff may attend: the partnership's own (groups left out)."""
    return list(db.session.scalars(
        sa.select(Agency).where(Agency.partnership_id == partnership.id,
                                Agency.is_group.is_(False)).order_by(Agency.name)))


# --- the programme ----------------------------------------------------------------------------


@dataclass
class SessionCounts:
    """What a session's records add up to."""

    booked: int = 0
    attended: int = 0
    did_not_attend: int = 0
    evaluations: int = 0
    before: float | None = None
    after: float | None = None
    useful: int = 0  # evaluations rating it 4 or 5 of 5
    follow_ups: int = 0
    changed: int = 0  # follow-ups saying practice changed, fully or partly


@dataclass
class SessionLine:
    """A session as a list shows it."""

    session: TrainingSession
    counts: SessionCounts
    follow_up_on: dt.date

    @property
    def held(self) -> bool:
        """Whether the session has taken place (and was not cancelled)."""
        return not self.session.cancelled and self.session.starts_on <= clock.today()


@dataclass
class CourseLine:
    """A course with its sessions, as the programme lists it."""

    course: Course
    upcoming: list[SessionLine] = field(default_factory=list)
    held: int = 0
    attended: int = 0


def counts_by_session(session_ids: Iterable[int]) -> dict[int, SessionCounts]:
    """Add up each session's attendance, evaluations and follow-ups (three statements)."""
    ids = sorted(set(session_ids))
    counts: dict[int, SessionCounts] = defaultdict(SessionCounts)
    if not ids:
        return counts
    for session_id, booked, attended, absent in db.session.execute(
            sa.select(SessionAttendance.session_id, sa.func.sum(SessionAttendance.booked),
                      sa.func.sum(SessionAttendance.attended),
                      sa.func.sum(sa.case(
                          (SessionAttendance.booked > SessionAttendance.attended,
                           SessionAttendance.booked - SessionAttendance.attended), else_=0)))
            .where(SessionAttendance.session_id.in_(ids)).group_by(SessionAttendance.session_id)):
        each = counts[session_id]
        each.booked, each.attended, each.did_not_attend = (int(booked or 0), int(attended or 0),
                                                           int(absent or 0))
    for session_id, number, before, after, useful in db.session.execute(
            sa.select(Evaluation.session_id, sa.func.count(),
                      sa.func.avg(Evaluation.confidence_before),
                      sa.func.avg(Evaluation.confidence_after),
                      sa.func.sum(sa.case((Evaluation.usefulness >= 4, 1), else_=0)))
            .where(Evaluation.session_id.in_(ids)).group_by(Evaluation.session_id)):
        each = counts[session_id]
        each.evaluations, each.useful = int(number), int(useful or 0)
        each.before = round(float(before), 1) if before is not None else None
        each.after = round(float(after), 1) if after is not None else None
    for session_id, number, changed in db.session.execute(
            sa.select(FollowUp.session_id, sa.func.count(),
                      sa.func.sum(sa.case((FollowUp.practice_changed != PracticeChange.NO, 1),
                                          else_=0)))
            .where(FollowUp.session_id.in_(ids)).group_by(FollowUp.session_id)):
        each = counts[session_id]
        each.follow_ups, each.changed = int(number), int(changed or 0)
    return counts


def programme(partnership: Partnership, today: dt.date | None = None) -> list[CourseLine]:
    """The current courses, each with its upcoming sessions and what it has reached so far
    (a fixed number of statements)."""
    day = today or clock.today()
    settings = settings_of(partnership)
    courses = list(db.session.scalars(
        sa.select(Course).where(Course.partnership_id == partnership.id,
                                Course.retired.is_(False), readable(Course))
        .options(joinedload(Course.objective)).order_by(Course.title, Course.id)))
    lines = {course.id: CourseLine(course) for course in courses}
    if not lines:
        return []
    upcoming = list(db.session.scalars(
        sa.select(TrainingSession).where(TrainingSession.course_id.in_(list(lines)),
                                         TrainingSession.starts_on >= day,
                                         TrainingSession.cancelled.is_(False))
        .order_by(TrainingSession.starts_on, TrainingSession.id)))
    counts = counts_by_session(s.id for s in upcoming)
    for session in upcoming:
        lines[session.course_id].upcoming.append(
            SessionLine(session, counts[session.id], follow_up_due(session, settings)))
    for course_id, held, attended in db.session.execute(
            sa.select(TrainingSession.course_id, sa.func.count(sa.distinct(TrainingSession.id)),
                      sa.func.coalesce(sa.func.sum(SessionAttendance.attended), 0))
            .outerjoin(SessionAttendance, SessionAttendance.session_id == TrainingSession.id)
            .where(TrainingSession.course_id.in_(list(lines)), TrainingSession.starts_on < day,
                   TrainingSession.cancelled.is_(False))
            .group_by(TrainingSession.course_id)):
        lines[course_id].held, lines[course_id].attended = int(held), int(attended)
    return list(lines.values())


def retired_courses(partnership: Partnership) -> list[Course]:
    """Courses no longer offered."""
    return list(db.session.scalars(
        sa.select(Course).where(Course.partnership_id == partnership.id,
                                Course.retired.is_(True), readable(Course))
        .order_by(Course.title)))


def sessions_of(course: Course) -> list[SessionLine]:
    """Every session of a course, latest first, with its counts (four statements)."""
    settings = settings_of(course.partnership)
    sessions = list(db.session.scalars(
        sa.select(TrainingSession).where(TrainingSession.course_id == course.id)
        .order_by(TrainingSession.starts_on.desc(), TrainingSession.id.desc())))
    counts = counts_by_session(s.id for s in sessions)
    return [SessionLine(s, counts[s.id], follow_up_due(s, settings)) for s in sessions]


def attendance_of(session: TrainingSession) -> list[SessionAttendance]:
    """A session's attendance, by agency and role."""
    return list(db.session.scalars(
        sa.select(SessionAttendance).join(Agency)
        .where(SessionAttendance.session_id == session.id)
        .options(joinedload(SessionAttendance.agency))
        .order_by(Agency.name, SessionAttendance.role)))


def comments_of(session: TrainingSession) -> list[str]:
    """What learners wrote on their evaluations, in the order they were entered."""
    return [text for text in db.session.scalars(
        sa.select(Evaluation.comment).where(Evaluation.session_id == session.id,
                                            Evaluation.comment != "")
        .order_by(Evaluation.id)) if text.strip()]


def evaluations_of(session: TrainingSession) -> list[Evaluation]:
    """A session's evaluations, in the order they were entered."""
    return list(db.session.scalars(sa.select(Evaluation).where(
        Evaluation.session_id == session.id).order_by(Evaluation.id)))


def follow_ups_of(session: TrainingSession) -> list[FollowUp]:
    """A session's follow-up answers, by agency."""
    return list(db.session.scalars(
        sa.select(FollowUp).join(Agency).where(FollowUp.session_id == session.id)
        .options(joinedload(FollowUp.agency))
        .order_by(Agency.name, FollowUp.answered_on, FollowUp.id)))


# --- courses and sessions ---------------------------------------------------------------------


def course_problems(partnership: Partnership, values: Mapping[str, Any]) -> list[DomainError]:
    """Every rule a course's values break."""
    objective: Objective | None = values.get("objective")
    if objective is not None and objective.plan.partnership_id != partnership.id:
        return [TrainingError(f"Select one of {partnership.name}'s plan priorities",
                              "objective")]
    return []


def create_course(partnership: Partnership, values: Mapping[str, Any]) -> Course:
    """Add a course to the programme."""
    _check(course_problems(partnership, values))
    course = Course(partnership=partnership, **values)
    db.session.add(course)
    db.session.flush()
    return course


def update_course(course: Course, started_from: object, values: Mapping[str, Any]) -> bool:
    """Change a course if the editor saw its current version."""
    _check(course_problems(course.partnership, values))
    return apply_edit(course, started_from, values)


def session_problems(values: Mapping[str, Any], session: TrainingSession | None = None
                     ) -> list[DomainError]:
    """Every rule a session's values break."""
    problems: list[DomainError] = []
    places = values.get("places")
    if places is not None and not 1 <= places <= MAX_PLACES:
        problems.append(TrainingError(f"Places must be between 1 and {MAX_PLACES:,}", "places"))
    if session is not None and values.get("cancelled") and not session.cancelled and (
            counts_by_session([session.id])[session.id].attended):
        problems.append(TrainingError(
            "People attended this session: remove its attendance before cancelling it",
            "cancelled"))
    return problems


def create_session(course: Course, values: Mapping[str, Any]) -> TrainingSession:
    """Add a date a course runs."""
    _check(session_problems(values))
    session = TrainingSession(course=course, **values)
    db.session.add(session)
    db.session.flush()
    return session


def update_session(session: TrainingSession, started_from: object,
                   values: Mapping[str, Any]) -> bool:
    """Change a session if the editor saw its current version."""
    _check(session_problems(values, session))
    return apply_edit(session, started_from, values)


# --- attendance -------------------------------------------------------------------------------


def attendance_problems(session: TrainingSession, values: Mapping[str, Any],
                        line: SessionAttendance | None = None) -> list[DomainError]:
    """Every rule a line of attendance breaks."""
    problems: list[DomainError] = []
    if session.cancelled:
        problems.append(TrainingError("The session was cancelled: nobody attended it"))
    agency: Agency | None = values.get("agency")
    if agency is not None and agency.partnership_id != session.course.partnership_id:
        problems.append(TrainingError("Select one of the partnership's agencies", "agency"))
    booked, attended = values.get("booked") or 0, values.get("attended") or 0
    if booked < 0:
        problems.append(TrainingError("Booked must be 0 or more", "booked"))
    if attended < 0:
        problems.append(TrainingError("Attended must be 0 or more", "attended"))
    if attended and session.starts_on > clock.today():
        problems.append(TrainingError(
            "The session has not taken place yet: record who attended once it has",
            "attended"))
    if not booked and not attended:
        problems.append(TrainingError("Enter how many booked or attended", "booked"))
    role = (values.get("role") or "").strip()
    if agency is not None and role:
        clash = db.session.scalar(sa.select(SessionAttendance.id).where(
            SessionAttendance.session_id == session.id, SessionAttendance.agency_id == agency.id,
            sa.func.lower(SessionAttendance.role) == role.lower()))
        if clash is not None and (line is None or clash != line.id):
            problems.append(TrainingError(
                f"{agency.name}'s {role} already have a line on this session: change that "
                "line instead", "role"))
    return problems


def record_attendance(session: TrainingSession, values: Mapping[str, Any]) -> SessionAttendance:
    """Add a line of attendance: how many from one agency in one role booked and came."""
    _check(attendance_problems(session, values))
    line = SessionAttendance(training_session=session, agency=values["agency"],
                      role=values["role"].strip(), booked=values.get("booked") or 0,
                      attended=values.get("attended") or 0)
    db.session.add(line)
    db.session.flush()
    return line


def update_attendance(line: SessionAttendance, started_from: object,
                      values: Mapping[str, Any]) -> bool:
    """Change a line of attendance if the editor saw its current version."""
    _check(attendance_problems(line.training_session, values, line))
    return apply_edit(line, started_from, {**values, "role": values["role"].strip()})


def remove_attendance(line: SessionAttendance, started_from: object) -> None:
    """Remove a line of attendance entered by mistake (if nobody changed it since)."""
    if str(line.version) != str(started_from):
        raise TrainingError("The line was changed after you opened the page: check it and "
                            "try again")
    db.session.delete(line)
    db.session.flush()


# --- evaluations and follow-ups ---------------------------------------------------------------


def _held(session: TrainingSession, what: str) -> list[DomainError]:
    if session.cancelled:
        return [TrainingError(f"The session was cancelled: it has no {what}")]
    if session.starts_on > clock.today():
        return [TrainingError(f"The session has not taken place yet: add {what} once it has")]
    return []


def add_evaluation(session: TrainingSession, values: Mapping[str, Any]) -> Evaluation:
    """Add one learner's anonymous evaluation."""
    _check(_held(session, "evaluations"))
    evaluation = Evaluation(training_session=session, **values)
    db.session.add(evaluation)
    db.session.flush()
    return evaluation


def remove_evaluation(evaluation: Evaluation) -> None:
    """Remove an evaluation entered by mistake."""
    db.session.delete(evaluation)
    db.session.flush()


def attending_agencies(session: TrainingSession) -> list[Agency]:
    """The agencies with someone at the session (they are asked to follow it up)."""
    return list(db.session.scalars(
        sa.select(Agency).where(Agency.id.in_(
            sa.select(SessionAttendance.agency_id).where(SessionAttendance.session_id == session.id,
                                                  SessionAttendance.attended > 0)))
        .order_by(Agency.name)))


def follow_up_problems(session: TrainingSession, values: Mapping[str, Any]
                       ) -> list[DomainError]:
    """Every rule a follow-up answer breaks."""
    problems = _held(session, "follow-ups")
    agency: Agency | None = values.get("agency")
    if agency is not None and agency not in attending_agencies(session):
        problems.append(TrainingError("Select an agency that had someone at the session",
                                      "agency"))
    answered = values.get("answered_on")
    if answered is not None and (answered < session.starts_on or answered > clock.today()):
        problems.append(TrainingError("The answer must be dated between the session and today",
                                      "answered_on"))
    changed = values.get("practice_changed")
    if changed is not None and changed is not PracticeChange.NO and not (
            values.get("example") or "").strip():
        problems.append(TrainingError("Give an example of what they now do differently",
                                      "example"))
    return problems


def add_follow_up(session: TrainingSession, values: Mapping[str, Any]) -> FollowUp:
    """Record one attendee's answer on whether their practice changed."""
    _check(follow_up_problems(session, values))
    follow_up = FollowUp(training_session=session, **values)
    db.session.add(follow_up)
    db.session.flush()
    return follow_up


def update_follow_up(follow_up: FollowUp, started_from: object,
                     values: Mapping[str, Any]) -> bool:
    """Change a follow-up answer (or its manager's confirmation) if the editor saw its
    current version."""
    _check(follow_up_problems(follow_up.training_session, values))
    return apply_edit(follow_up, started_from, values)


# --- follow-ups due ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpDue:
    """A held session whose follow-up date has come, by agency: who attended and how many
    answered."""

    __realm__ = "training"  # the policy judges a row as the follow-ups it asks for

    session: TrainingSession
    agency: Agency
    due_on: dt.date
    attended: int
    answered: int

    @property
    def agency_id(self) -> int:
        """The agency whose attendees are asked."""
        return self.agency.id

    @property
    def partnership_id(self) -> int:
        """The partnership whose session it was."""
        return self.session.course.partnership_id

    @property
    def waiting(self) -> int:
        """Attendees yet to answer."""
        return max(self.attended - self.answered, 0)


def follow_ups_due(partnership: Partnership, today: dt.date | None = None,
                   within_days: int = 365) -> list[FollowUpDue]:
    """Every agency's attendees whose follow-up fell due in the last ``within_days`` days,
    oldest due first, with how many answered (three statements)."""
    day = today or clock.today()
    settings = settings_of(partnership)
    # A session is due when its date plus the months has passed: held on or before the day
    # that many months back, and after the window's start the same months back.
    months = settings.follow_up_months
    latest_start = add_months(day, -months)
    earliest_start = add_months(day - dt.timedelta(days=within_days), -months)
    rows = db.session.execute(
        sa.select(SessionAttendance.session_id, SessionAttendance.agency_id,
                  sa.func.sum(SessionAttendance.attended))
        .join(TrainingSession).join(Course)
        .where(Course.partnership_id == partnership.id, TrainingSession.cancelled.is_(False),
               TrainingSession.starts_on <= latest_start,
               TrainingSession.starts_on > earliest_start, SessionAttendance.attended > 0,
               readable(SessionAttendance))
        .group_by(SessionAttendance.session_id, SessionAttendance.agency_id)).all()
    if not rows:
        return []
    session_ids = sorted({row[0] for row in rows})
    sessions = {s.id: s for s in db.session.scalars(
        sa.select(TrainingSession).where(TrainingSession.id.in_(session_ids))
        .options(joinedload(TrainingSession.course)))}
    agencies = {a.id: a for a in db.session.scalars(
        sa.select(Agency).where(Agency.id.in_({row[1] for row in rows})))}
    answered = dict(((s, a), int(n)) for s, a, n in db.session.execute(
        sa.select(FollowUp.session_id, FollowUp.agency_id, sa.func.count())
        .where(FollowUp.session_id.in_(session_ids))
        .group_by(FollowUp.session_id, FollowUp.agency_id)))
    due = [FollowUpDue(sessions[s], agencies[a], follow_up_due(sessions[s], settings),
                       int(attended), answered.get((s, a), 0)) for s, a, attended in rows]
    return sorted(due, key=lambda d: (d.waiting == 0, d.due_on, d.session.id, d.agency.name))
