"""Part 3b, the multi-agency training of the period: the courses that ran and what each
reached, uptake by sector and agency against the places expected, what learners said
(confidence before and after, usefulness), and the follow-up months later of whether their
practice changed, with examples in their words (by agency and role, never a name).

Everything is judged as at ``as_of``: sessions held from the period's start to the earlier
of its end and ``as_of`` (cancelled ones left out), follow-ups answered by ``as_of``, and a
session's attendees counted as asked once its follow-up date (the session's date plus the
partnership's months) has come by ``as_of``. Expected places are those set for the
reporting years the period touches. A fixed number of statements, whatever the numbers.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import joinedload

from partnership.extensions import db
from partnership.register.models import Agency
from partnership.reports.content import CourseRow, Training, UptakeRow
from partnership.reports.parts.records import Records
from partnership.training.models import Course, FollowUp, PracticeChange, TrainingSession
from partnership.training.services.programme import (
    counts_by_session,
    follow_up_due,
    objective_label,
    settings_of,
)
from partnership.training.services.uptake import Uptake, uptake_between

EXAMPLES = 6  # the report quotes this many examples of changed practice at most
NOTHING = ("No multi-agency training session was recorded as held in this period, so the "
           "report cannot show its reach or its impact on practice.")


def _row(uptake: Uptake) -> UptakeRow:
    return UptakeRow(label=uptake.label, expected=uptake.expected, attended=uptake.attended,
                     percent=uptake.percent)


def _mean(pairs: list[tuple[float | None, int]]) -> float | None:
    """The mean of session means, weighted by each session's number of evaluations."""
    weighted = [(mean, n) for mean, n in pairs if mean is not None and n]
    total = sum(n for _, n in weighted)
    return round(sum(mean * n for mean, n in weighted) / total, 1) if total else None


def training(records: Records) -> Training:
    """The period's multi-agency training, as at ``records.as_of``."""
    partnership = records.partnership
    last = min(records.end, records.as_of)
    link = url_for("training.index", slug=partnership.slug)
    settings = settings_of(partnership)
    sessions = list(db.session.scalars(
        sa.select(TrainingSession).join(Course)
        .where(Course.partnership_id == partnership.id, TrainingSession.cancelled.is_(False),
               TrainingSession.starts_on >= records.start, TrainingSession.starts_on <= last)
        .options(joinedload(TrainingSession.course).joinedload(Course.objective))
        .order_by(TrainingSession.starts_on, TrainingSession.id)))
    counts = counts_by_session(s.id for s in sessions)
    uptake = uptake_between(partnership, records.start, last)
    answers = list(db.session.execute(
        sa.select(FollowUp, Agency.name).join(Agency)
        .where(FollowUp.session_id.in_([s.id for s in sessions]),
               FollowUp.answered_on <= records.as_of)
        .order_by(FollowUp.answered_on, FollowUp.id))) if sessions else []

    courses: dict[int, list[TrainingSession]] = {}
    for session in sessions:
        courses.setdefault(session.course_id, []).append(session)
    rows = []
    for held in courses.values():
        course = held[0].course
        each = [counts[s.id] for s in held]
        evaluations = sum(c.evaluations for c in each)
        rows.append(CourseRow(
            title=course.title, level=course.level.label,
            priority=objective_label(course.objective), sessions=len(held),
            places=sum(s.places for s in held), attended=sum(c.attended for c in each),
            evaluations=evaluations,
            confidence_before=_mean([(c.before, c.evaluations) for c in each]),
            confidence_after=_mean([(c.after, c.evaluations) for c in each]),
            useful_percent=(round(sum(c.useful for c in each) * 100 / evaluations)
                            if evaluations else None),
            link=url_for("training.course", slug=partnership.slug, course_id=course.id)))
    rows.sort(key=lambda row: (-row.attended, row.title))

    all_counts = [counts[s.id] for s in sessions]
    changed = [answer for answer, _ in answers
               if answer.practice_changed is not PracticeChange.NO]
    examples = _examples(answers)
    return Training(
        courses=rows, sessions_held=len(sessions), places=sum(s.places for s in sessions),
        booked=sum(c.booked for c in all_counts), attended=sum(c.attended for c in all_counts),
        did_not_attend=sum(c.did_not_attend for c in all_counts),
        by_sector=[_row(row) for row in uptake.by_sector],
        by_agency=[_row(row) for _, agencies in uptake.by_agency for row in agencies],
        evaluations=sum(c.evaluations for c in all_counts),
        confidence_before=_mean([(c.before, c.evaluations) for c in all_counts]),
        confidence_after=_mean([(c.after, c.evaluations) for c in all_counts]),
        follow_ups_sent=sum(counts[s.id].attended for s in sessions
                            if follow_up_due(s, settings) <= records.as_of),
        follow_ups_answered=len(answers), practice_changed=len(changed),
        manager_confirmed=(sum(1 for answer in changed if answer.manager_confirmed)
                           if settings.manager_confirmation else 0),
        manager_confirmation_used=settings.manager_confirmation,
        examples=examples, missing="" if sessions else NOTHING, link=link)


def _examples(answers: list[tuple[FollowUp, str]]) -> list[str]:
    """Examples of changed practice, one agency at a time so several agencies are heard,
    latest first within each agency: "Role, Agency: what they now do"."""
    by_agency: dict[str, list[FollowUp]] = {}
    for answer, agency in reversed(answers):
        if answer.practice_changed is not PracticeChange.NO and answer.example.strip():
            by_agency.setdefault(agency, []).append(answer)
    chosen: list[str] = []
    while len(chosen) < EXAMPLES and any(by_agency.values()):
        for agency in sorted(by_agency):
            if by_agency[agency] and len(chosen) < EXAMPLES:
                answer = by_agency[agency].pop(0)
                chosen.append(f"{answer.role}, {agency}: {answer.example.strip()}")
    return chosen
