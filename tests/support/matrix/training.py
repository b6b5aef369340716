"""The multi-agency training programme in the authorization matrix: everyone reads the
programme, a course, a session, uptake and the follow-ups due; the team keeps the rest; an
agency lead records their own agency's attendance and answers its follow-ups.

The matrix agency sent people to the session, so its agency lead (the matrix person) may
change its line of attendance and its follow-up answer.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from partnership.extensions import db
from partnership.policy import Role
from partnership.training.models import (
    Course,
    CourseLevel,
    Evaluation,
    FollowUp,
    PracticeChange,
    SessionAttendance,
    SessionFormat,
    TrainingSession,
    UptakeTarget,
)

ALL = frozenset(Role)
TEAM = frozenset({Role.TEAM})
TEAM_AND_AGENCY = frozenset({Role.TEAM, Role.AGENCY})

EXPECTED: dict[str, frozenset[Role]] = {
    "training_all.index": ALL,
    "training.index": ALL,
    "training.course": ALL,
    "training.session": ALL,
    "training.uptake": ALL,
    "training.follow_ups": ALL,
    "training.course_new": TEAM,
    "training.course_edit": TEAM,
    "training.session_new": TEAM,
    "training.session_edit": TEAM,
    "training.evaluation_new": TEAM,
    "training.evaluation_remove": TEAM,
    "training.expected": TEAM,
    "training.settings": TEAM,
    "training.import_attendance": TEAM,
    "training.import_confirm": TEAM,
    "training.import_template": TEAM,
    "training.attendance_new": TEAM_AND_AGENCY,
    "training.attendance_edit": TEAM_AND_AGENCY,
    "training.attendance_remove": TEAM_AND_AGENCY,
    "training.follow_up_new": TEAM_AND_AGENCY,
    "training.follow_up_edit": TEAM_AND_AGENCY,
}


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """A course of the matrix partnership with a held session the matrix agency attended,
    an evaluation, a follow-up answer and the agency's expected places."""
    course = Course(partnership=base.partnership, title="Matrix neglect training",
                    topic="Neglect", level=CourseLevel.CORE, audience="Practitioners")
    session = TrainingSession(course=course, starts_on=dt.date(2025, 5, 20),
                              trainer="Matrix Trainer", format=SessionFormat.ONLINE,
                              places=30)
    line = SessionAttendance(training_session=session, agency=base.agency, role="Response officer",
                      booked=6, attended=5)
    evaluation = Evaluation(training_session=session, confidence_before=2,
                            confidence_after=4, usefulness=5)
    answer = FollowUp(training_session=session, agency=base.agency, role="Response officer",
                      practice_changed=PracticeChange.YES,
                      example="Now checks who else lives in the home.",
                      answered_on=dt.date(2025, 9, 1))
    db.session.add_all([course, session, line, evaluation, answer,
                        UptakeTarget(agency=base.agency, year=2025, expected=20)])
    db.session.commit()
    return {"course_id": str(course.id), "training_session_id": str(session.id),
            "attendance_id": str(line.id), "evaluation_id": str(evaluation.id),
            "follow_up_id": str(answer.id)}
