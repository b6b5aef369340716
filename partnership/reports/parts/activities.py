"""Part 1, activities: meetings, attendance, business-plan actions, reviews, other work.

Meetings are those of every body the partnership takes part in (its own, its joint groups
and its collaborations' bodies), dated in the period: held and cancelled per body (a body is
listed when it met or was active in the period), decisions recorded at the held ones, and
attendance by agency at the held ones (:func:`partnership.meetings.services.attendance_by_agency`;
present or by deputy counts as attended; percentages by :func:`partnership.kernel.numbers.percent`).
``actions_live`` counts the business-plan actions for the period, ``actions_completed``
those completed in it (both judged on ``as_of`` by :mod:`partnership.actions.rules`). Rapid
Reviews count when sent to the panel in the period, local reviews when open at any point in
it, referrals when made in it, learning from elsewhere when published in it (reviews record
no date they were taken in), and arrangements versions when published in it (the UK date of
publication).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from flask import url_for

from partnership.actions import rules
from partnership.actions.queries import Source
from partnership.extensions import db
from partnership.kernel.dates import reporting_year, year_span
from partnership.kernel.numbers import percent
from partnership.meetings.models import Decision, Meeting, MeetingStatus
from partnership.meetings.services import attendance_by_agency
from partnership.register.models import Body, BodyKind
from partnership.register.services.bodies import bodies_of
from partnership.reports.content import (
    Activities,
    AgencyAttendanceRow,
    BodyMeetings,
    Changes,
    CompletedEntry,
    DecisionEntry,
    RapidReviewRow,
    Reviews,
    Training,
)
from partnership.reports.parts import participation
from partnership.reports.parts.records import Records, action_link, iso


@dataclass(frozen=True)
class Meetings:
    """The partnership's bodies' meetings in the period."""

    rows: list[BodyMeetings]
    attendance: list[AgencyAttendanceRow]
    attendance_percent: int | None
    agency_ids: list[int]  # the agency of each attendance row
    decisions: list[DecisionEntry]  # the board's and the executive's, first of each wording


def meetings(records: Records) -> Meetings:
    """Count the meetings held and cancelled per body, the decisions, and attendance."""
    bodies = bodies_of(records.partnership)
    ids = [body.id for body in bodies]
    start, end = records.start, records.end
    counts: dict[tuple[int, str], int] = {}
    decisions: dict[int, int] = {}
    if ids:
        for body_id, status, count in db.session.execute(
                sa.select(Meeting.body_id, Meeting.status, sa.func.count(Meeting.id))
                .where(Meeting.body_id.in_(ids), Meeting.held_on.between(start, end))
                .group_by(Meeting.body_id, Meeting.status)):
            counts[(body_id, MeetingStatus(status).value)] = int(count)
        decisions = {body_id: int(count) for body_id, count in db.session.execute(
            sa.select(Meeting.body_id, sa.func.count(Decision.id))
            .join(Decision, Decision.meeting_id == Meeting.id)
            .where(Meeting.body_id.in_(ids), Meeting.held_on.between(start, end),
                   Meeting.status == MeetingStatus.HELD)
            .group_by(Meeting.body_id))}
    year = reporting_year(start, records.month)
    rows = []
    for body in bodies:
        held = counts.get((body.id, MeetingStatus.HELD.value), 0)
        cancelled = counts.get((body.id, MeetingStatus.CANCELLED.value), 0)
        if not (held or cancelled or _active(body, start, end)):
            continue
        rows.append(BodyMeetings(body=body.name,
                                 link=url_for("meetings.index", body_id=body.id, year=year),
                                 held=held, cancelled=cancelled,
                                 decisions=decisions.get(body.id, 0)))
    found = attendance_by_agency(ids, start, end)
    attendance = [
        AgencyAttendanceRow(agency=row.agency_name, held=row.held,
                            attended=row.present + row.deputy, apologies=row.apologies,
                            absent=row.absent, not_recorded=row.not_recorded,
                            percent=percent(row.present + row.deputy, row.held))
        for row in found]
    expected = sum(row.held for row in attendance)
    attended = sum(row.attended for row in attendance)
    return Meetings(rows, attendance, percent(attended, expected),
                    [row.agency_id for row in found], _decisions(records, bodies))


def _decisions(records: Records, bodies: list[Body]) -> list[DecisionEntry]:
    """The decisions of the partnership's own board and executive in the period, each wording
    once, leaving out any that names a case whose review is not published."""
    leading = {body.id: body.name for body in bodies
               if body.partnership_id == records.partnership.id
               and BodyKind(body.kind) in (BodyKind.BOARD, BodyKind.EXECUTIVE)}
    if not leading:
        return []
    unnamed = [case.reference.casefold() for case in records.cases
               if case.id not in records.named and case.reference.strip()]
    named = {case.reference.casefold() for case in records.cases if case.id in records.named}
    seen: set[str] = set()
    found = []
    for body_id, held_on, text in db.session.execute(
            sa.select(Meeting.body_id, Meeting.held_on, Decision.text)
            .join(Decision, Decision.meeting_id == Meeting.id)
            .where(Meeting.body_id.in_(sorted(leading)),
                   Meeting.held_on.between(records.start, records.end),
                   Meeting.status == MeetingStatus.HELD)
            .order_by(Meeting.held_on, Meeting.id, Decision.position, Decision.id)):
        words = " ".join((text or "").split())
        key = words.casefold()
        # A case's pseudonym ("Child K") is printed only once its review is published.
        pseudonyms = {found.casefold() for found in PSEUDONYM.findall(words)}
        if not words or key in seen or any(_names(key, ref) for ref in unnamed) \
                or pseudonyms - named or key.startswith(ROUTINE):
            continue
        seen.add(key)
        found.append(DecisionEntry(body=leading[body_id], made=held_on.isoformat(), text=words))
    return found


PSEUDONYM = re.compile(r"\bChild [A-Z]{1,2}\b")
ROUTINE = ("approved the agenda", "approved the minutes", "agreed the minutes",
           "agreed the agenda")


def _names(text: str, reference: str) -> bool:
    """Say whether a decision's text names a case reference (as a whole word)."""
    return re.search(rf"(?<!\w){re.escape(reference)}(?!\w)", text) is not None


def completed_actions(records: Records) -> list[CompletedEntry]:
    """The business-plan actions completed in the period, by completion date."""
    found = []
    for action in records.plan_actions():
        if not records.visible(action) or not records.completed_in(action):
            continue
        day = rules.completion_date(action, records.as_of)
        objective = records.objectives.get(action.objective_id) \
            if action.objective_id is not None else None
        found.append(((day or dt.date.max, action.id), CompletedEntry(
            title=action.title, objective=objective.reference if objective else "",
            completed=iso(day), link=action_link(action.id))))
    return [entry for _, entry in sorted(found, key=lambda item: item[0])]


def _active(body: Body, start: dt.date, end: dt.date) -> bool:
    return ((body.starts_on is None or body.starts_on <= end)
            and (body.ends_on is None or body.ends_on >= start))


def activities(records: Records, meetings: Meetings, reviews: Reviews,
                changes: Changes, training: Training | None = None) -> Activities:
    """Sum up the period: meetings, decisions, business-plan actions completed, reviews,
    other work, and how each agency took part."""
    participation_rows, sectors = participation.participation(
        records, meetings.attendance, meetings.agency_ids, training)
    plan_actions = records.plan_actions()
    completed = sum(records.completed_in(a) for a in plan_actions)
    args: dict[str, Any] = {"partnership_id": records.partnership.id,
                            "source": Source.PLAN.value}
    year = reporting_year(records.start, records.month)
    if (records.start, records.end) == year_span(year, records.month):
        args["year"] = year
    rapid = sum(records.in_period(_completed_on(row)) for row in reviews.rapid)
    national = sum(1 for case in records.cases if case.national_referral is not None
                   and records.in_period(records.by_as_of(case.national_referral.referred_on)))
    learning = sum(1 for review in records.reviews
                   if review.case_id is None and records.in_period(review.published_on))
    held = sum(row.held for row in meetings.rows)
    activities = Activities(
        meetings=meetings.rows, meetings_held=held,
        decisions=sum(row.decisions for row in meetings.rows),
        attendance=meetings.attendance, attendance_percent=meetings.attendance_percent,
        actions_live=len(plan_actions), actions_completed=completed,
        actions_link=url_for("actions.index", **args),
        rapid_reviews=rapid, local_reviews=len(reviews.local), national_referrals=national,
        learning_reviews=learning, arrangements_published=len(changes.published_in_period),
        missing="", participation=participation_rows, sectors=sectors,
        decisions_made=meetings.decisions, completed=completed_actions(records))
    nothing = not (held or any(row.cancelled for row in meetings.rows) or plan_actions
                   or reviews.rapid or reviews.local or reviews.national or learning
                   or changes.published_in_period)
    if nothing:
        return replace(activities, missing=(
            "Nothing was recorded for this period: no meetings of the partnership's "
            "bodies, no business-plan actions, no reviews and no new arrangements."))
    return activities


def _completed_on(row: RapidReviewRow) -> dt.date | None:
    return dt.date.fromisoformat(row.completed) if row.completed else None
