"""The records a yearly report reads, loaded once for the period, and what every part asks.

Actions are read with their progress logs, so every question about one ("complete?",
"closed?", "in progress?") is answered by :mod:`partnership.actions.rules` as the action
stood on ``as_of``, the earlier of today and the period's end, never as it stands today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import aliased, contains_eager, selectinload

from partnership import clock
from partnership.actions import rules
from partnership.actions.models import Action, ProgressUpdate, Rating, Status
from partnership.actions.rules import Step
from partnership.arrangements.models import ArrangementsVersion
from partnership.clock import UK_TIME
from partnership.extensions import db
from partnership.kernel.dates import long_date, reporting_year, year_label, year_span
from partnership.kernel.words import plural
from partnership.plans.models import Objective, Part, Plan
from partnership.register.models import Partnership
from partnership.reviews.models import (
    Case,
    InformationRequest,
    LocalReview,
    RapidReview,
    Recommendation,
    Review,
)
from partnership.reviews.services.deadlines import (
    Deadline,
    closures_by_partnership,
    deadlines_of,
    settings_by_partnership,
)

PART_ORDER = (Part.STRATEGIC, Part.ACTIVITY, Part.PRIORITY)
OTHER_WORK = "Other work"


@dataclass(frozen=True)
class ReportAction:
    """One of the partnership's actions, as the report and the action rules read it."""

    id: int
    title: str
    status: Status
    year: int
    completed_on: dt.date | None
    objective_id: int | None
    recommendation_id: int | None
    review_id: int | None
    case_id: int | None
    impact: str
    start_date: dt.date | None
    target_date: dt.date | None
    percent_complete: int | None
    created_on: dt.date
    carried_on: dt.date | None
    log: tuple[Step, ...] | None
    last_update_on: dt.date | None = None
    latest_proposed: Rating | None = None


@dataclass(frozen=True)
class Update:
    """A progress update dated in the period with evidence of impact or feedback."""

    id: int
    action_id: int
    recorded_on: dt.date
    narrative: str
    impact: str
    children_and_families: bool


@dataclass
class Records:
    """Everything the report reads, loaded in bulk for the period."""

    partnership: Partnership
    start: dt.date
    end: dt.date
    today: dt.date
    as_of: dt.date
    month: int
    actions: dict[int, ReportAction] = field(default_factory=dict)
    updates: list[Update] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    objectives: dict[int, Objective] = field(default_factory=dict)
    cases: list[Case] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    named: frozenset[int] = frozenset()
    case_by_id: dict[int, Case] = field(default_factory=dict)
    by_case: dict[int, list[ReportAction]] = field(default_factory=dict)  # its reviews' actions
    deadlines: dict[int, list[Deadline]] = field(default_factory=dict)
    closures: frozenset[dt.date] = frozenset()

    @property
    def from_log(self) -> bool:
        """Whether actions are read back from their logs (``as_of`` is a past day)."""
        return self.as_of < clock.today()

    def overlaps(self, year: int) -> bool:
        """Say whether a reporting year overlaps the period."""
        first, last = year_span(year, self.month)
        return first <= self.end and self.start <= last

    def closed(self, action: Any) -> bool:
        """Cancelled or carried forward on ``as_of`` (a complete action is never closed)."""
        return rules.closed_by(action, self.as_of)

    def counts(self, action: Any) -> bool:
        """The action counts for the period: its year overlaps, not closed on ``as_of``."""
        return self.overlaps(action.year) and not self.closed(action)

    def completed_in(self, action: Any) -> bool:
        """Completed from the period's start to ``as_of`` (undated: the plan's rule)."""
        return rules.completed_in(action, self.start, self.as_of)

    def status(self, action: Any) -> Status:
        """The action's status on ``as_of``."""
        return rules.status_as_at(action, self.as_of)

    def complete(self, action: Any) -> bool:
        """Complete on ``as_of``."""
        return rules.complete_by(action, self.as_of)

    def in_progress(self, action: Any) -> bool:
        """In progress or ongoing on ``as_of``."""
        return rules.in_progress_at(action, self.as_of)

    def in_period(self, day: dt.date | None) -> bool:
        """Say whether a date falls in the period."""
        return day is not None and self.start <= day <= self.end

    def by_as_of(self, day: dt.date | None) -> dt.date | None:
        """A date of something that had happened by ``as_of``; None for a later one."""
        return day if day is not None and day <= self.as_of else None

    def visible(self, action: ReportAction) -> bool:
        """An action the public report may show: of no case, or of a named case."""
        return action.case_id is None or action.case_id in self.named

    def objective_key(self, objective_id: int) -> tuple[Any, ...]:
        """Plan order: plans by period, then Part A, Part B, priorities, each by number."""
        objective = self.objectives[objective_id]
        plan = objective.plan
        return (plan.first_year, plan.id, PART_ORDER.index(objective.part),
                objective.position, objective.id)

    def group_of(self, action: ReportAction) -> int | None:
        """The objective an action is grouped under (None: "Other work")."""
        return action.objective_id if action.objective_id in self.objectives else None

    def objective_label(self, objective_id: int | None) -> str:
        """An objective's reference and title ("A1 Safeguarding adolescents"), or ""."""
        objective = self.objectives.get(objective_id) if objective_id is not None else None
        return f"{objective.reference} {objective.title}" if objective is not None else ""

    def plan_actions(self) -> list[ReportAction]:
        """The business-plan actions that count for the period."""
        return [a for a in self.actions.values()
                if a.objective_id is not None and self.counts(a)]


def _logs(pid: int) -> dict[int, tuple[Step, ...]]:
    """Every action's progress log (the partnership's), in one query."""
    rows: dict[int, list[Any]] = {}
    for row in db.session.execute(
            sa.select(ProgressUpdate.action_id, ProgressUpdate.id, ProgressUpdate.recorded_on,
                      ProgressUpdate.status, ProgressUpdate.percent_complete,
                      ProgressUpdate.proposed_rating, ProgressUpdate.corrects_id)
            .join(Action, Action.id == ProgressUpdate.action_id)
            .where(Action.partnership_id == pid)
            .order_by(ProgressUpdate.action_id, ProgressUpdate.recorded_on, ProgressUpdate.id)):
        rows.setdefault(row.action_id, []).append(tuple(row)[1:])
    return {action_id: rules.steps(log) for action_id, log in rows.items()}


def _actions(records: Records) -> None:
    pid = records.partnership.id
    logs = _logs(pid) if records.from_log else None
    successor = aliased(Action, name="successor")
    rows = db.session.execute(
        sa.select(Action.id, Action.title, Action.status, Action.year, Action.completed_on,
                  Action.objective_id, Action.recommendation_id,
                  Recommendation.review_id, Review.case_id, Action.impact,
                  Action.start_date, Action.target_date, Action.percent_complete,
                  Action.created_at, successor.id.label("successor_id"),
                  successor.created_at.label("successor_created_at"))
        .select_from(Action)
        .outerjoin(Recommendation, Recommendation.id == Action.recommendation_id)
        .outerjoin(Review, Review.id == Recommendation.review_id)
        .outerjoin(successor, successor.carried_from_id == Action.id)
        .where(Action.partnership_id == pid)
        .order_by(Action.id))
    for row in rows:
        carried = None
        if row.successor_id is not None:
            year_end = year_span(row.year, records.month)[1]
            made = row.successor_created_at
            carried = rules.carried_on(made.date() if made is not None else year_end, year_end)
        records.actions[row.id] = ReportAction(
            id=row.id, title=row.title, status=Status(row.status), year=row.year,
            completed_on=row.completed_on, objective_id=row.objective_id,
            recommendation_id=row.recommendation_id, review_id=row.review_id,
            case_id=row.case_id, impact=(row.impact or "").strip(),
            start_date=row.start_date, target_date=row.target_date,
            percent_complete=row.percent_complete,
            created_on=row.created_at.date() if row.created_at else records.as_of,
            carried_on=carried, log=None if logs is None else logs.get(row.id, ()))
    for action in records.actions.values():
        if action.case_id is not None:
            records.by_case.setdefault(action.case_id, []).append(action)


def _updates(records: Records) -> None:
    pid = records.partnership.id
    correction = aliased(ProgressUpdate, name="correction")
    corrected = set(db.session.scalars(
        sa.select(correction.corrects_id)
        .join(Action, Action.id == correction.action_id)
        .where(Action.partnership_id == pid, correction.corrects_id.is_not(None))))
    records.updates = [
        Update(id=row.id, action_id=row.action_id, recorded_on=row.recorded_on,
               narrative=(row.narrative or "").strip(), impact=(row.impact or "").strip(),
               children_and_families=bool(row.children_and_families))
        for row in db.session.execute(
            sa.select(ProgressUpdate.id, ProgressUpdate.action_id, ProgressUpdate.recorded_on,
                      ProgressUpdate.narrative, ProgressUpdate.impact,
                      ProgressUpdate.children_and_families)
            .join(Action, Action.id == ProgressUpdate.action_id)
            .where(Action.partnership_id == pid,
                   ProgressUpdate.recorded_on.between(records.start, records.end),
                   sa.or_(ProgressUpdate.impact != "",
                          ProgressUpdate.children_and_families.is_(True)))
            .order_by(ProgressUpdate.recorded_on, ProgressUpdate.id))
        if row.id not in corrected]


def load(partnership: Partnership, start: dt.date, end: dt.date, today: dt.date) -> Records:
    """Load the period's records in a fixed number of queries."""
    records = Records(partnership=partnership, start=start, end=end, today=today,
                      as_of=min(today, end), month=partnership.year_start_month)
    pid = partnership.id
    _actions(records)
    _updates(records)
    records.plans = list(db.session.scalars(
        sa.select(Plan).where(Plan.partnership_id == pid).order_by(Plan.first_year, Plan.id)))
    records.objectives = {objective.id: objective for objective in db.session.scalars(
        sa.select(Objective).join(Objective.plan).where(Plan.partnership_id == pid)
        .options(contains_eager(Objective.plan)))}

    records.cases = list(db.session.scalars(
        sa.select(Case).where(Case.partnership_id == pid)
        .options(selectinload(Case.rapid_review).selectinload(RapidReview.requests)
                 .joinedload(InformationRequest.agency),
                 selectinload(Case.local_review).selectinload(LocalReview.milestones),
                 selectinload(Case.national_referral))
        .order_by(Case.id)))
    records.case_by_id = {case.id: case for case in records.cases}
    # Naming a case is a decision about privacy, taken on the day the report is made.
    records.named = frozenset(
        case.id for case in records.cases
        if case.local_review is not None and case.local_review.published_on is not None
        and case.local_review.published_on <= today)
    settings = settings_by_partnership([pid])[pid]
    records.closures = closures_by_partnership([pid])[pid]
    records.deadlines = {case.id: deadlines_of(case, settings, records.closures,
                                               records.as_of, include_met=True)
                         for case in records.cases}
    records.reviews = list(db.session.scalars(
        sa.select(Review).where(Review.partnership_id == pid)
        .options(selectinload(Review.recommendations)).order_by(Review.id)))
    return records


# --- small helpers ----------------------------------------------------------------------------


def iso(day: dt.date | None) -> str | None:
    """A date as the content holds it (ISO), or None."""
    return day.isoformat() if day is not None else None


def period_label(start: dt.date, end: dt.date, month: int) -> str:
    """Name the period: its reporting year ("2024-25"), or its dates."""
    year = reporting_year(start, month)
    if (start, end) == year_span(year, month):
        return year_label(year, month)
    return f"{long_date(start)} to {long_date(end)}"


def action_link(action_id: int) -> str:
    """The path to an action's page."""
    return url_for("actions.detail", action_id=action_id)


def published_day(version: ArrangementsVersion) -> dt.date:
    """The UK date a version was published on."""
    stamp = version.published_at
    assert stamp is not None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(UK_TIME).date()


def actions_done(records: Records, actions: Iterable[ReportAction]) -> str:
    """Say how many of a case's actions (not cancelled or carried) were complete on ``as_of``."""
    live = [a for a in actions if not records.closed(a)]
    if not live:
        return "No actions recorded yet"
    done = sum(records.complete(a) for a in live)
    return f"{done:,} of {plural(len(live), 'action')} complete"
