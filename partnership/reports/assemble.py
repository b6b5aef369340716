"""Assemble a yearly report's figures from the records, for one partnership and period.

:func:`assemble` reads the records in a fixed number of SQL queries, whatever their number
(each set is loaded for the whole period at once), and returns plain data
(:mod:`partnership.reports.content`). Nothing is stored: every draft is assembled afresh.

The rules, in words:

* **The period** runs from ``start`` to ``end``, both days included. Ratings (the tracker's
  one RAG rule) and deadlines are judged on ``as_of``, the earlier of today and the period's
  end; anything recorded as happening after ``as_of`` (a Rapid Review sent to the panel,
  a local review published) had not happened yet as far as the period is concerned.
* **Who is named.** A case is named (by its pseudonymous reference) only when its local
  review has been published or summarised (``LocalReview.published_on`` set, on or before
  today). Every other case is "Rapid Review 1", "Local review 2", "Referral 1"..., numbered
  in date order among the unnamed ones; nothing about it appears except dates, counts and
  set outcomes (no free text, no titles, no links), and its review's actions and progress
  updates are left out of the lists of evidence, feedback and progress (they count only in
  the anonymous totals of part 5). Links go only to records of named cases or of no case.
* **Actions for the period.** An action counts for the period when its reporting year
  overlaps the period and it was neither cancelled nor carried forward (the business plan's
  rule for little or no progress). It was *completed in the period* when it is complete
  with a completion date in the period, or with none (again the plan's rule); *in
  progress* when its status is in progress or ongoing.
* **Part 1, activities.** Meetings are those of every body the partnership takes part in
  (its own, its joint groups and its collaborations' bodies), dated in the period: held and
  cancelled per body (a body is listed when it met or was active in the period), decisions
  recorded at the held ones, and attendance by agency at the held ones
  (:func:`partnership.meetings.services.attendance_by_agency`; present or by deputy counts
  as attended; percentages are rounded half up). ``actions_live`` counts the business-plan
  actions for the period, ``actions_completed`` those completed in the period. Rapid
  Reviews count when sent to the panel in the period, local reviews when open at any point
  in it, referrals when made in it, learning from elsewhere when published in it
  (reviews record no date they were taken in), and arrangements versions when published in
  it (the UK date of publication).
* **Part 2, reviews.** A Rapid Review is listed when its clock started by ``as_of`` and it
  was not sent to the panel before the period's start. Its deadline, due date and
  completion come from :func:`partnership.reviews.services.deadlines.deadlines_of` (15
  working days from the clock's start, the partnership's closure days kept, met on the day
  it was sent to the panel); ``working_days`` counts the working days after the clock's
  start up to and including that day, so a review sent on its due date took 15. A local
  review is listed when decided by ``as_of`` and not completed (published, or decided not
  to publish) before the period's start; it is on time when completed by its target. A
  referral for national review is listed when made or answered in the period (by
  ``as_of``). The action
  taken is said in counts: the outcome, and how many of the case's actions (of its Rapid
  Review and local review; not cancelled or carried forward) were complete on ``as_of``.
* **Part 3, evidence of impact.** The evidence recorded on actions completed in the period
  or in progress (``Action.impact``), and in progress updates dated in the period
  (``ProgressUpdate.impact``; an update later corrected by another is left out), grouped
  by objective in plan order, then "Other work" for actions outside the plan. Training is
  not recorded in the tracker, and the report says so.
* **Part 4, little or no progress.** Each business plan overlapping the period is read by
  :func:`partnership.plans.services.little_or_no_progress` on ``as_of``.
* **Part 5, recommendations.** A review is reported when it has an action for the period,
  when its case is listed in part 2, or when it was published in the period. Our named
  reviews and learning from elsewhere list each recommendation with its actions, taken or
  planned (every year's, less those cancelled or carried forward): how many, how many were
  complete on ``as_of`` and how many in progress, and the improvements (the evidence of
  impact of those actions, their own and from updates dated in the period). Our unnamed
  reviews give the same counts, added up, and nothing else.
* **Part 6, feedback.** Progress updates dated in the period and flagged as feedback from
  children and families (corrected ones left out), oldest first.
* **Part 8, changes.** The published arrangements in force on the first day (the latest
  published on or before it) and on the last day, compared by
  :func:`partnership.arrangements.services.compare_versions`.
* **Charts**: ratings per objective of the business-plan actions for the period; those
  actions completed by the end of each month of the period (to ``as_of``); working days per
  completed Rapid Review against the 15-day limit; attendance per agency. A chart with no
  data is left out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import aliased, contains_eager, selectinload, undefer

from partnership.actions.models import Action, ProgressUpdate, Status
from partnership.actions.queries import ActionFilter, Source, TrackedAction, tracked
from partnership.actions.rag import Rag
from partnership.arrangements.models import ArrangementsVersion, VersionStatus
from partnership.arrangements.services import compare_versions
from partnership.clock import UK_TIME
from partnership.kernel.dates import reporting_year, working_days_between, year_label, year_span
from partnership.extensions import db
from partnership.meetings.models import Decision, Meeting, MeetingStatus
from partnership.meetings.services import attendance_by_agency
from partnership.plans.models import Objective, Part, Plan
from partnership.plans.services import little_or_no_progress, plan_span
from partnership.register.models import Body, Partnership
from partnership.register.services import long_date
from partnership.register.services.bodies import bodies_of
from partnership.reports.content import (
    Activities,
    AgencyAttendanceRow,
    ArrangementsVersionRef,
    BodyMeetings,
    ChangeGroupRow,
    Changes,
    Chart,
    Feedback,
    FeedbackEntry,
    GapAction,
    GapObjective,
    Impact,
    ImpactEntry,
    LocalReviewRow,
    NationalReferralRow,
    ObjectiveImpact,
    Progress,
    RapidReviewRow,
    RecommendationRow,
    Recommendations,
    ReportContent,
    ReviewRecommendations,
    Reviews,
)
from partnership.reviews.models import (
    Case,
    InformationRequest,
    LocalReview,
    MilestoneKind,
    PublicationDecision,
    RapidOutcome,
    RapidReview,
    Recommendation,
    Review,
    ReviewKind,
)
from partnership.reviews.services.deadlines import (
    RAPID_REVIEW_WORKING_DAYS,
    Deadline,
    DeadlineKind,
    closures_by_partnership,
    deadlines_of,
    settings_by_partnership,
)

PART_ORDER = (Part.STRATEGIC, Part.ACTIVITY, Part.PRIORITY)
IN_PROGRESS = frozenset({Status.IN_PROGRESS, Status.ONGOING})
OTHER_WORK = "Other work"
RAG_SERIES = ((Rag.RED, "Red"), (Rag.AMBER, "Amber"), (Rag.GREEN, "Green"),
              (Rag.COMPLETE, "Complete"))
NOT_JUDGED = "Not judged"

TRAINING = ("Training attendance and evaluation are not recorded in the tracker yet, so this "
            "report cannot show the reach or the impact of multi-agency training from the "
            "records.")
RULE = (
    "The actions that count for the period are the business-plan actions whose reporting "
    "year overlaps it, less those cancelled or carried forward (decisions, not a lack of "
    "progress). Every Part A objective is considered, and every one-year activity or "
    "learning hub priority whose year overlaps the period or that has actions that count. "
    "An objective is listed when none of its actions counts, when none of them was "
    "completed in the period, when none of them had a progress update dated in the period, "
    "or when every rated action is red or amber. An action is listed in its own right while "
    "it was unfinished at the end of the period (not complete, not deferred, and due to have "
    "started) when it had no progress update dated in the period, or when the tracker's "
    "rating rule rated it red or amber on {as_of}, with the rule's reasons.")


# --- the records, loaded once -----------------------------------------------------------------


@dataclass(frozen=True)
class _Action:
    """One of the partnership's actions, as the report needs it."""

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
    carried: bool

    @property
    def closed(self) -> bool:
        """Cancelled or carried forward (a complete action is never closed)."""
        return self.status is not Status.COMPLETE and (
            self.carried or self.status is Status.CANCELLED)

    def complete_by(self, day: dt.date) -> bool:
        """Complete, with a completion date on or before ``day`` (or none)."""
        return self.status is Status.COMPLETE and (
            self.completed_on is None or self.completed_on <= day)


@dataclass(frozen=True)
class _Update:
    """A progress update dated in the period with evidence of impact or feedback."""

    id: int
    action_id: int
    recorded_on: dt.date
    narrative: str
    impact: str
    children_and_families: bool


@dataclass
class _Records:
    """Everything the report reads, loaded in bulk for the period."""

    partnership: Partnership
    start: dt.date
    end: dt.date
    today: dt.date
    as_of: dt.date
    month: int
    actions: dict[int, _Action] = field(default_factory=dict)
    updates: list[_Update] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    objectives: dict[int, Objective] = field(default_factory=dict)
    cases: list[Case] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    named: frozenset[int] = frozenset()
    case_by_id: dict[int, Case] = field(default_factory=dict)
    by_case: dict[int, list[_Action]] = field(default_factory=dict)  # its reviews' actions
    deadlines: dict[int, list[Deadline]] = field(default_factory=dict)
    closures: frozenset[dt.date] = frozenset()

    def overlaps(self, year: int) -> bool:
        """Say whether a reporting year overlaps the period."""
        first, last = year_span(year, self.month)
        return first <= self.end and self.start <= last

    def counts(self, action: _Action) -> bool:
        """The action counts for the period (its year overlaps; not cancelled or carried)."""
        return not action.closed and self.overlaps(action.year)

    def completed_in(self, action: _Action) -> bool:
        """Complete with a completion date in the period, or with none (the plan's rule)."""
        return action.status is Status.COMPLETE and (
            action.completed_on is None or self.start <= action.completed_on <= self.end)

    def in_period(self, day: dt.date | None) -> bool:
        """Say whether a date falls in the period."""
        return day is not None and self.start <= day <= self.end

    def by_as_of(self, day: dt.date | None) -> dt.date | None:
        """A date of something that had happened by ``as_of``; None for a later one."""
        return day if day is not None and day <= self.as_of else None

    def visible(self, action: _Action) -> bool:
        """An action the public report may show: of no case, or of a named case."""
        return action.case_id is None or action.case_id in self.named

    def objective_key(self, objective_id: int) -> tuple[Any, ...]:
        """Plan order: plans by period, then Part A, Part B, priorities, each by number."""
        objective = self.objectives[objective_id]
        plan = objective.plan
        return (plan.first_year, plan.id, PART_ORDER.index(objective.part),
                objective.position, objective.id)

    def group_of(self, action: _Action) -> int | None:
        """The objective an action is grouped under (None: "Other work")."""
        return action.objective_id if action.objective_id in self.objectives else None

    def objective_label(self, objective_id: int | None) -> str:
        """An objective's reference and title ("A1 Safeguarding adolescents"), or ""."""
        objective = self.objectives.get(objective_id) if objective_id is not None else None
        return f"{objective.reference} {objective.title}" if objective is not None else ""


def _load(partnership: Partnership, start: dt.date, end: dt.date,
          today: dt.date) -> _Records:
    """Load the period's records in a fixed number of queries."""
    records = _Records(partnership=partnership, start=start, end=end, today=today,
                       as_of=min(today, end), month=partnership.year_start_month)
    pid = partnership.id
    successor = aliased(Action, name="successor")
    rows = db.session.execute(
        sa.select(Action.id, Action.title, Action.status, Action.year, Action.completed_on,
                  Action.objective_id, Action.recommendation_id,
                  Recommendation.review_id, Review.case_id, Action.impact,
                  successor.id.label("successor_id"))
        .select_from(Action)
        .outerjoin(Recommendation, Recommendation.id == Action.recommendation_id)
        .outerjoin(Review, Review.id == Recommendation.review_id)
        .outerjoin(successor, successor.carried_from_id == Action.id)
        .where(Action.partnership_id == pid)
        .order_by(Action.id))
    for row in rows:
        records.actions[row.id] = _Action(
            id=row.id, title=row.title, status=Status(row.status), year=row.year,
            completed_on=row.completed_on, objective_id=row.objective_id,
            recommendation_id=row.recommendation_id, review_id=row.review_id,
            case_id=row.case_id, impact=(row.impact or "").strip(),
            carried=row.successor_id is not None)
    for action in records.actions.values():
        if action.case_id is not None:
            records.by_case.setdefault(action.case_id, []).append(action)

    correction = aliased(ProgressUpdate, name="correction")
    corrected = set(db.session.scalars(
        sa.select(correction.corrects_id)
        .join(Action, Action.id == correction.action_id)
        .where(Action.partnership_id == pid, correction.corrects_id.is_not(None))))
    records.updates = [
        _Update(id=row.id, action_id=row.action_id, recorded_on=row.recorded_on,
                narrative=(row.narrative or "").strip(), impact=(row.impact or "").strip(),
                children_and_families=bool(row.children_and_families))
        for row in db.session.execute(
            sa.select(ProgressUpdate.id, ProgressUpdate.action_id, ProgressUpdate.recorded_on,
                      ProgressUpdate.narrative, ProgressUpdate.impact,
                      ProgressUpdate.children_and_families)
            .join(Action, Action.id == ProgressUpdate.action_id)
            .where(Action.partnership_id == pid,
                   ProgressUpdate.recorded_on.between(start, end),
                   sa.or_(ProgressUpdate.impact != "",
                          ProgressUpdate.children_and_families.is_(True)))
            .order_by(ProgressUpdate.recorded_on, ProgressUpdate.id))
        if row.id not in corrected]

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


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a whole percentage, rounded half up (None of nothing)."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _list_in_words(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _period_label(start: dt.date, end: dt.date, month: int) -> str:
    year = reporting_year(start, month)
    if (start, end) == year_span(year, month):
        return year_label(year, month)
    return f"{long_date(start)} to {long_date(end)}"


def _action_link(action_id: int) -> str:
    return url_for("actions.detail", action_id=action_id)


def _published_day(version: ArrangementsVersion) -> dt.date:
    """The UK date a version was published on."""
    stamp = version.published_at
    assert stamp is not None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(UK_TIME).date()


def _actions_done(actions: Iterable[_Action], as_of: dt.date) -> str:
    """Say how many of a review's actions (not cancelled or carried) were complete."""
    live = [a for a in actions if not a.closed]
    if not live:
        return "No actions recorded yet"
    done = sum(a.complete_by(as_of) for a in live)
    return f"{done} of {_plural(len(live), 'action')} complete"


# --- part 1: activities -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Meetings:
    """The partnership's bodies' meetings in the period."""

    rows: list[BodyMeetings]
    attendance: list[AgencyAttendanceRow]
    attendance_percent: int | None


def _meetings(records: _Records) -> _Meetings:
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
    attendance = [
        AgencyAttendanceRow(agency=row.agency_name, held=row.held,
                            attended=row.present + row.deputy, apologies=row.apologies,
                            absent=row.absent, not_recorded=row.not_recorded,
                            percent=_percent(row.present + row.deputy, row.held))
        for row in attendance_by_agency(ids, start, end)]
    expected = sum(row.held for row in attendance)
    attended = sum(row.attended for row in attendance)
    return _Meetings(rows, attendance, _percent(attended, expected))


def _active(body: Body, start: dt.date, end: dt.date) -> bool:
    return ((body.starts_on is None or body.starts_on <= end)
            and (body.ends_on is None or body.ends_on >= start))


def _activities(records: _Records, meetings: _Meetings, reviews: Reviews,
                changes: Changes) -> Activities:
    plan_actions = [a for a in records.actions.values()
                    if a.objective_id is not None and records.counts(a)]
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
        missing="")
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


# --- part 2: child safeguarding practice reviews ----------------------------------------------


def _deadline(records: _Records, case: Case, kind: str) -> Deadline | None:
    return next((d for d in records.deadlines.get(case.id, []) if d.kind == kind), None)


def _case_reviews(records: _Records, case_id: int, kind: ReviewKind) -> list[Review]:
    return [r for r in records.reviews if r.case_id == case_id and r.kind is kind]


def _plan_link(records: _Records, case: Case, *kinds: ReviewKind) -> str:
    """The action plan of the named case's review (of the first kind that has one)."""
    if case.id not in records.named:
        return ""
    for kind in kinds:
        found = _case_reviews(records, case.id, kind)
        if found:
            return url_for("learning.action_plan", review_id=found[0].id)
    return ""


def _labels(records: _Records, items: Sequence[tuple[dt.date, Case]],
            word: str) -> dict[int, str]:
    """Name each case: its reference when named, else "<word> 1", "<word> 2"... by date."""
    labels = {}
    number = 0
    for _day, case in sorted(items, key=lambda item: (item[0], item[1].id)):
        if case.id in records.named:
            labels[case.id] = case.reference
        else:
            number += 1
            labels[case.id] = f"{word} {number}"
    return labels


def _rapid_taken(records: _Records, case: Case, completed: dt.date | None) -> str:
    rapid = case.rapid_review
    outcome = rapid.outcome if rapid is not None else None
    parts = []
    if outcome is RapidOutcome.LOCAL_REVIEW:
        parts.append("Local review commissioned" if case.local_review is not None
                     else "Local review recommended")
    elif outcome is RapidOutcome.NATIONAL_REFERRAL:
        parts.append("Referred for a national review" if case.national_referral is not None
                     else "Referral for a national review recommended")
    elif outcome is RapidOutcome.NO_FURTHER_REVIEW:
        parts.append("No further review")
    if completed is None and outcome is None:
        return "Rapid Review under way"
    done = _actions_done(records.by_case.get(case.id, []), records.as_of)
    parts.append(done[:1].lower() + done[1:] if parts else done)
    return "; ".join(parts)


def _rapid_found(records: _Records) -> list[tuple[dt.date, Case, Deadline]]:
    """The Rapid Reviews of the period: clock started by ``as_of``, not met before its start."""
    found: list[tuple[dt.date, Case, Deadline]] = []
    for case in records.cases:
        deadline = _deadline(records, case, DeadlineKind.RAPID_REVIEW)
        if deadline is None or deadline.clock_start is None:
            continue
        if deadline.clock_start > records.as_of:
            continue
        if deadline.met_on is not None and deadline.met_on < records.start:
            continue
        found.append((deadline.clock_start, case, deadline))
    return found


def _rapid_rows(records: _Records) -> list[RapidReviewRow]:
    found = _rapid_found(records)
    labels = _labels(records, [(day, case) for day, case, _ in found], "Rapid Review")
    rows = []
    for started, case, deadline in sorted(found, key=lambda item: (item[0], item[1].id)):
        completed = records.by_as_of(deadline.met_on)
        rapid = case.rapid_review
        outcome = rapid.outcome if rapid is not None else None
        named = case.id in records.named
        rows.append(RapidReviewRow(
            label=labels[case.id], named=named, started=_iso(started), due=_iso(deadline.due),
            completed=_iso(completed),
            working_days=(working_days_between(started, completed, records.closures)
                          if completed is not None else None),
            on_time=completed <= deadline.due if completed is not None else None,
            outcome=outcome.label if outcome is not None else "Not decided yet",
            action_taken=_rapid_taken(records, case, completed),
            link=_plan_link(records, case, ReviewKind.RAPID_REVIEW, ReviewKind.LOCAL_REVIEW)))
    return rows


def _local_stage(local: LocalReview, completed: dt.date | None, due: dt.date,
                 as_of: dt.date) -> str:
    if completed is not None:
        if local.publication_decision is PublicationDecision.DO_NOT_PUBLISH and (
                local.published_on is None or local.published_on > as_of):
            return "Complete; decided not to publish"
        return "Published"
    reached = [m for m in local.milestones if m.done_on is not None and m.done_on <= as_of]
    stage = (max(reached, key=lambda m: (m.done_on, list(MilestoneKind).index(m.kind)))
             .kind.label if reached else "Under way")
    return f"{stage} (past its target date)" if due < as_of else stage


def _publication(local: LocalReview, as_of: dt.date) -> str:
    if local.published_on is not None and local.published_on <= as_of:
        return f"Published on {long_date(local.published_on)}"
    decision = local.publication_decision
    if decision is PublicationDecision.DO_NOT_PUBLISH:
        return "Decided not to publish"
    if decision is PublicationDecision.PUBLISH:
        return "To be published"
    if decision is PublicationDecision.PUBLISH_REDACTED:
        return "To be published with redactions"
    return "Not yet decided"


def _local_found(records: _Records) -> list[tuple[dt.date, Case, Deadline]]:
    """The local reviews open at some point in the period."""
    found: list[tuple[dt.date, Case, Deadline]] = []
    for case in records.cases:
        local = case.local_review
        deadline = _deadline(records, case, DeadlineKind.LOCAL_REVIEW)
        if local is None or deadline is None or local.decided_on > records.as_of:
            continue
        if deadline.met_on is not None and deadline.met_on < records.start:
            continue
        found.append((local.decided_on, case, deadline))
    return found


def _local_rows(records: _Records) -> list[LocalReviewRow]:
    found = _local_found(records)
    labels = _labels(records, [(day, case) for day, case, _ in found], "Local review")
    rows = []
    for decided, case, deadline in sorted(found, key=lambda item: (item[0], item[1].id)):
        local = case.local_review
        assert local is not None
        completed = records.by_as_of(deadline.met_on)
        named = case.id in records.named
        rows.append(LocalReviewRow(
            label=labels[case.id], named=named,
            stage=_local_stage(local, completed, deadline.due, records.as_of),
            decided=decided.isoformat(), target=deadline.due.isoformat(),
            completed=_iso(completed),
            on_time=completed <= deadline.due if completed is not None else None,
            publication=_publication(local, records.as_of),
            published_url=(local.published_url if named and local.published_on is not None
                           and local.published_on <= records.as_of else ""),
            action_taken=_actions_done(records.by_case.get(case.id, []), records.as_of),
            link=_plan_link(records, case, ReviewKind.LOCAL_REVIEW, ReviewKind.RAPID_REVIEW)))
    return rows


def _national_found(records: _Records) -> list[tuple[dt.date, Case]]:
    """The referrals for national review made or answered in the period."""
    found = []
    for case in records.cases:
        referral = case.national_referral
        if referral is None:
            continue
        if referral.referred_on > records.as_of:
            continue
        if records.in_period(referral.referred_on) or records.in_period(
                records.by_as_of(referral.outcome_on)):
            found.append((referral.referred_on, case))
    return found


def _national_rows(records: _Records) -> list[NationalReferralRow]:
    found = _national_found(records)
    labels = _labels(records, found, "Referral")
    rows = []
    for referred, case in sorted(found, key=lambda item: (item[0], item[1].id)):
        referral = case.national_referral
        assert referral is not None
        named = case.id in records.named
        answered = records.by_as_of(referral.outcome_on)
        if answered is None:
            outcome = "Awaiting the panel's decision"
        elif named and referral.outcome.strip():
            outcome = referral.outcome.strip()
        else:
            outcome = f"The panel answered on {long_date(answered)}"
        rows.append(NationalReferralRow(
            label=labels[case.id], named=named, referred=referred.isoformat(),
            outcome=outcome,
            link=_plan_link(records, case, ReviewKind.LOCAL_REVIEW, ReviewKind.RAPID_REVIEW)))
    return rows


def _reviews(records: _Records) -> Reviews:
    rapid, local, national = _rapid_rows(records), _local_rows(records), _national_rows(records)
    missing = "" if rapid or local or national else (
        "There were no Rapid Reviews, local child safeguarding practice reviews or referrals "
        "for national review in this period.")
    return Reviews(
        rapid=rapid, rapid_completed=sum(row.completed is not None for row in rapid),
        rapid_on_time=sum(row.on_time is True for row in rapid),
        local=local, local_on_time=sum(row.on_time is True for row in local),
        local_completed=sum(row.completed is not None for row in local),
        national=national, missing=missing)


# --- part 3: evidence of impact ---------------------------------------------------------------


def _impact(records: _Records) -> Impact:
    entries: dict[int | None, list[tuple[tuple[Any, ...], ImpactEntry]]] = defaultdict(list)
    completed: Counter[int | None] = Counter()
    in_progress: Counter[int | None] = Counter()
    for action in records.actions.values():
        if not records.visible(action) or not records.counts(action):
            continue
        done = records.completed_in(action)
        going = action.status in IN_PROGRESS
        completed[records.group_of(action)] += done
        in_progress[records.group_of(action)] += going
        if action.impact and (done or going):
            day = action.completed_on if done else None
            entries[records.group_of(action)].append((
                (day or dt.date.max, 1, action.id),
                ImpactEntry(action=action.title, link=_action_link(action.id),
                            status=action.status.label, recorded=_iso(day),
                            text=action.impact)))
    for update in records.updates:
        action = records.actions[update.action_id]
        if not update.impact or not records.visible(action):
            continue
        entries[records.group_of(action)].append((
            (update.recorded_on, 0, update.id),
            ImpactEntry(action=action.title, link=_action_link(action.id),
                        status=action.status.label, recorded=update.recorded_on.isoformat(),
                        text=update.impact)))
    groups = []
    keys = sorted((k for k in entries if k is not None), key=records.objective_key)
    for key in [*keys, None] if None in entries else keys:
        found: list[ImpactEntry] = []
        seen: set[tuple[str, str]] = set()
        for _, entry in sorted(entries[key], key=lambda item: item[0]):
            if (entry.link, entry.text) not in seen:  # an update's text copied to the action
                seen.add((entry.link, entry.text))
                found.append(entry)
        if key is None:
            reference, title, link = "", OTHER_WORK, ""
        else:
            objective = records.objectives[key]
            reference, title = objective.reference, objective.title
            link = url_for("plans.objective", objective_id=key)
        groups.append(ObjectiveImpact(reference=reference, title=title, link=link,
                                      completed=completed[key], in_progress=in_progress[key],
                                      entries=found))
    total = sum(len(group.entries) for group in groups)
    missing = "" if total else (
        "No evidence of impact was recorded on the actions completed or in progress in this "
        "period, or in their progress updates.")
    return Impact(objectives=groups, entries=total, training=TRAINING, missing=missing)


# --- part 4: little or no progress ------------------------------------------------------------


def _overlapping_plans(records: _Records) -> list[Plan]:
    plans = []
    for plan in records.plans:
        first, last = plan_span(plan)
        if first <= records.end and records.start <= last:
            plans.append(plan)
    return plans


def _progress(records: _Records, plans: Sequence[Plan],
              plan_actions: Sequence[TrackedAction]) -> Progress:
    rule = RULE.format(as_of=long_date(records.as_of))
    if not plans:
        return Progress(objectives=[], objectives_considered=0, rule=rule, missing=(
            "No business plan covers this period, so there is no progress to analyse."))
    counted = {a.objective_id for a in plan_actions if _counts_tracked(records, a)}
    plan_ids = {plan.id for plan in plans}
    considered = 0
    for objective in records.objectives.values():
        if objective.plan_id not in plan_ids:
            continue
        year = objective.year or objective.plan.first_year
        if (objective.part is Part.STRATEGIC or objective.id in counted
                or records.overlaps(year)):
            considered += 1
    listed = []
    for plan in plans:
        for gap in little_or_no_progress(plan, records.start, records.end, records.as_of):
            actions = [
                GapAction(title=found.action.title, link=_action_link(found.action.id),
                          rating=found.action.judgement.label, reasons=list(found.reasons))
                for found in gap.actions
                if found.action.case_id is None or found.action.case_id in records.named]
            if not gap.reasons and not actions:
                continue
            listed.append(GapObjective(
                reference=gap.reference, title=gap.title,
                link=url_for("plans.objective", objective_id=gap.objective_id),
                plan=plan.title, reasons=list(gap.reasons), actions=actions))
    missing = "" if listed else (
        f"None of the {_plural(considered, 'objective')} considered made little or no "
        "progress in this period by the rule below.")
    return Progress(objectives=listed, objectives_considered=considered, rule=rule,
                    missing=missing)


def _counts_tracked(records: _Records, action: TrackedAction) -> bool:
    return action.rag is not Rag.CLOSED and records.overlaps(action.year)


# --- part 5: recommendations ------------------------------------------------------------------


def _recommendations(records: _Records) -> Recommendations:
    in_part_two = {case.id for found in (_rapid_found(records), _local_found(records),
                                         _national_found(records)) for _, case, *_ in found}
    by_review: dict[int, list[_Action]] = defaultdict(list)
    current: set[int] = set()
    for action in records.actions.values():
        if action.review_id is not None and not action.closed:
            by_review[action.review_id].append(action)
            if records.overlaps(action.year):
                current.add(action.review_id)
    update_impact: dict[int, list[str]] = defaultdict(list)
    for update in records.updates:
        if update.impact:
            update_impact[update.action_id].append(update.impact)
    local: list[tuple[tuple[Any, ...], ReviewRecommendations]] = []
    national: list[tuple[tuple[Any, ...], ReviewRecommendations]] = []
    unpublished = Counter[str]()
    for review in records.reviews:
        actions = by_review.get(review.id, [])
        ours = review.case_id is not None
        published = review.published_on
        if ours:
            case_local = records.case_by_id[review.case_id].local_review
            published = case_local.published_on if case_local is not None else None
            relevant = review.id in current or review.case_id in in_part_two or (
                records.in_period(records.by_as_of(published)))
        else:
            relevant = review.id in current or records.in_period(published)
        if not relevant:
            continue
        if ours and review.case_id not in records.named:
            unpublished["reviews"] += 1
            unpublished["recommendations"] += len(review.recommendations)
            unpublished["actions"] += len(actions)
            unpublished["completed"] += sum(a.complete_by(records.as_of) for a in actions)
            continue
        rows = []
        for recommendation in review.recommendations:
            mine = [a for a in actions if a.recommendation_id == recommendation.id]
            improvements: list[str] = []
            for action in mine:
                for text in ([action.impact] if action.impact else []) + update_impact.get(
                        action.id, []):
                    if text not in improvements:
                        improvements.append(text)
            rows.append(RecommendationRow(
                number=recommendation.number, text=recommendation.text,
                scope=recommendation.scope.label,
                agency_response=recommendation.agency_response,
                actions=len(mine), completed=sum(a.complete_by(records.as_of) for a in mine),
                in_progress=sum(_in_progress_at_end(records, a) for a in mine),
                improvements=improvements))
        link = (url_for("learning.action_plan", review_id=review.id) if ours
                else url_for("learning.detail", review_id=review.id))
        entry = ReviewRecommendations(
            title=review.title, kind=review.kind.label, source=review.source,
            published=_iso(published), link=link, recommendations=rows)
        key = (published or dt.date.max, review.id)
        (local if ours else national).append((key, entry))
    result = Recommendations(
        local=[entry for _, entry in sorted(local, key=lambda item: item[0])],
        national=[entry for _, entry in sorted(national, key=lambda item: item[0])],
        unpublished_reviews=unpublished["reviews"],
        unpublished_recommendations=unpublished["recommendations"],
        unpublished_actions=unpublished["actions"],
        unpublished_completed=unpublished["completed"], missing="")
    if not (result.local or result.national or result.unpublished_reviews):
        return replace(result, missing=(
            "No review recommendations, of our own reviews or of learning from elsewhere, "
            "were being acted on in this period."))
    return result


def _in_progress_at_end(records: _Records, action: _Action) -> bool:
    """In progress (or ongoing), or complete only after ``as_of``."""
    return action.status in IN_PROGRESS or (
        action.status is Status.COMPLETE and not action.complete_by(records.as_of))


# --- part 6: feedback from children and families ----------------------------------------------


def _feedback(records: _Records) -> Feedback:
    entries = []
    for update in records.updates:
        action = records.actions[update.action_id]
        if not update.children_and_families or not records.visible(action):
            continue
        entries.append(FeedbackEntry(
            recorded=update.recorded_on.isoformat(), action=action.title,
            link=_action_link(action.id), objective=records.objective_label(action.objective_id),
            how_sought=update.narrative, how_used=update.impact))
    missing = "" if entries else (
        "No progress update in this period was flagged as feedback from children and "
        "families.")
    return Feedback(entries=entries, missing=missing)


# --- part 8: changes to the arrangements ------------------------------------------------------


def _version_ref(records: _Records, version: ArrangementsVersion) -> ArrangementsVersionRef:
    return ArrangementsVersionRef(
        title=version.title, published=_published_day(version).isoformat(),
        link=url_for("arrangements.version_detail", slug=records.partnership.slug,
                     version_id=version.id))


def _change_sentence(name: str, details: Sequence[str]) -> str:
    return f"{name} \u2013 {'; '.join(details)}" if details else name


def _changes(records: _Records) -> Changes:
    versions = list(db.session.scalars(
        sa.select(ArrangementsVersion)
        .where(ArrangementsVersion.partnership_id == records.partnership.id,
               ArrangementsVersion.status == VersionStatus.PUBLISHED,
               ArrangementsVersion.published_at.is_not(None))
        .order_by(ArrangementsVersion.published_at, ArrangementsVersion.id)))
    dated = [(_published_day(version), version) for version in versions]
    at_start = next((v for day, v in reversed(dated) if day <= records.start), None)
    at_end = next((v for day, v in reversed(dated) if day <= records.end), None)
    in_period = [v for day, v in dated if records.in_period(day)]
    groups: list[ChangeGroupRow] = []
    if at_start is not None and at_end is not None and at_start.id != at_end.id:
        loaded = {v.id: v for v in db.session.scalars(
            sa.select(ArrangementsVersion).options(undefer(ArrangementsVersion.snapshot))
            .where(ArrangementsVersion.id.in_([at_start.id, at_end.id]))
            .execution_options(populate_existing=True))}
        groups = [ChangeGroupRow(heading=group.heading,
                                 changes=[_change_sentence(c.name, c.details)
                                          for c in group.changes])
                  for group in compare_versions(loaded[at_start.id], loaded[at_end.id])]
    start_ref = _version_ref(records, at_start) if at_start is not None else None
    end_ref = _version_ref(records, at_end) if at_end is not None else None
    missing = ""
    if at_end is None:
        missing = (f"No version of the arrangements had been published by "
                   f"{long_date(records.end)}, so there are no changes to report.")
    elif at_start is None:
        missing = (f"The first published arrangements (\u201c{at_end.title}\u201d, published "
                   f"on {long_date(_published_day(at_end))}) came into force during the "
                   "period; there is no earlier version to compare them with.")
    elif at_start.id == at_end.id:
        missing = (f"The arrangements published on {long_date(_published_day(at_end))} were "
                   "in force throughout the period; nothing changed.")
    elif not groups:
        missing = (f"New arrangements were published on {long_date(_published_day(at_end))}, "
                   "but nothing in the register changed from the version in force at the "
                   f"start of the period (published on {long_date(_published_day(at_start))}).")
    return Changes(at_start=start_ref, at_end=end_ref,
                   published_in_period=[_version_ref(records, v) for v in in_period],
                   groups=groups, missing=missing)


# --- charts -----------------------------------------------------------------------------------


def _months(start: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar months from ``start`` to ``last``: (first day, last day in the period)."""
    months = []
    first = start
    while first <= last:
        following = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        months.append((first, min(following - dt.timedelta(days=1), last)))
        first = following
    return months


def _rag_chart(records: _Records, plan_actions: Sequence[TrackedAction]) -> Chart | None:
    counted = [a for a in plan_actions if _counts_tracked(records, a)
               and a.objective_id in records.objectives]
    if not counted:
        return None
    objective_ids = sorted({a.objective_id for a in counted if a.objective_id is not None},
                           key=records.objective_key)
    references = [records.objectives[i].reference for i in objective_ids]
    repeated = {r for r in references if references.count(r) > 1}
    categories = [f"{ref} ({records.objectives[i].plan.title})" if ref in repeated else ref
                  for ref, i in zip(references, objective_ids, strict=True)]
    tally = Counter((a.objective_id, a.rag) for a in counted)
    series = [label for _, label in RAG_SERIES]
    values = [[float(tally[(i, rag)]) for i in objective_ids] for rag, _ in RAG_SERIES]
    unrated = [float(sum(n for (i, rag), n in tally.items()
                         if i == o and rag not in dict(RAG_SERIES))) for o in objective_ids]
    if any(unrated):
        series.append(NOT_JUDGED)
        values.append(unrated)
    totals = Counter(a.rag for a in counted)
    said = [f"{totals[rag]} {label.lower()}" for rag, label in RAG_SERIES]
    summary = (f"Of the {_plural(len(counted), 'business-plan action')} for the period, "
               f"{_list_in_words(said)} on {long_date(records.as_of)}")
    summary += (f"; {sum(unrated):.0f} not judged on dates (ongoing or deferred)."
                if any(unrated) else ".")
    worst = max(objective_ids, key=lambda i: (tally[(i, Rag.RED)], tally[(i, Rag.AMBER)]))
    if tally[(worst, Rag.RED)]:
        objective = records.objectives[worst]
        summary += (f" {objective.reference} {objective.title} has the most red actions "
                    f"({tally[(worst, Rag.RED)]}).")
    return Chart(key="rag_by_objective", title="Business-plan actions by rating and objective",
                 summary=summary, kind="stacked_bar", categories=categories, series=series,
                 values=values, unit="actions")


def _progress_chart(records: _Records) -> Chart | None:
    counted = [a for a in records.actions.values()
               if a.objective_id is not None and records.counts(a)]
    if not counted:
        return None
    months = _months(records.start, records.as_of)
    if not months:
        return None
    done = [a for a in counted if a.status is Status.COMPLETE and a.completed_on is not None
            and records.start <= a.completed_on <= records.as_of]
    values = [float(sum(a.completed_on <= last for a in done  # type: ignore[operator]
                        if a.completed_on is not None)) for _first, last in months]
    categories = [f"{first:%b %Y}" for first, _ in months]
    summary = (f"{len(done)} of the {_plural(len(counted), 'business-plan action')} for the "
               f"period were completed between {long_date(records.start)} and "
               f"{long_date(records.as_of)}.")
    if done:
        busiest = Counter(f"{a.completed_on:%B %Y}" for a in done).most_common(1)[0]
        summary += f" The most were completed in {busiest[0]} ({busiest[1]})."
    return Chart(key="progress_over_year", title="Business-plan actions completed to date",
                 summary=summary, kind="line", categories=categories,
                 series=["Actions completed to date"], values=[values], unit="actions",
                 reference=float(len(counted)),
                 reference_label=f"{_plural(len(counted), 'action')} for the period")


def _timeliness_chart(reviews: Reviews) -> Chart | None:
    done = [row for row in reviews.rapid if row.working_days is not None]
    if not done:
        return None
    days = [row.working_days or 0 for row in done]
    on_time = sum(row.on_time is True for row in done)
    summary = (f"{on_time} of the {_plural(len(done), 'Rapid Review')} completed in the "
               f"period {'was' if on_time == 1 else 'were'} sent to the national panel within "
               f"{RAPID_REVIEW_WORKING_DAYS} working days")
    summary += (f"; they took from {min(days)} to {max(days)} working days."
                if len(done) > 1 else f"; it took {days[0]} working days.")
    return Chart(key="review_timeliness", title="Rapid Reviews: working days to the panel",
                 summary=summary, kind="bar", categories=[row.label for row in done],
                 series=["Working days"], values=[[float(d) for d in days]],
                 unit="working days", reference=float(RAPID_REVIEW_WORKING_DAYS),
                 reference_label=f"{RAPID_REVIEW_WORKING_DAYS} working days")


def _attendance_chart(activities: Activities) -> Chart | None:
    rows = [row for row in activities.attendance if row.percent is not None]
    if not rows:
        return None
    best = max(rows, key=lambda row: row.percent or 0)
    worst = min(rows, key=lambda row: row.percent or 0)
    summary = (f"Agencies attended {activities.attendance_percent}% of the meetings they were "
               f"expected at. The highest attendance was {best.agency} ({best.percent}%), "
               f"the lowest {worst.agency} ({worst.percent}%).")
    return Chart(key="attendance_by_agency", title="Attendance at meetings by agency",
                 summary=summary, kind="bar", categories=[row.agency for row in rows],
                 series=["Attendance"], values=[[float(row.percent or 0) for row in rows]],
                 unit="%")


# --- the whole report -------------------------------------------------------------------------


def assemble(partnership: Partnership, start: dt.date, end: dt.date,
             today: dt.date) -> ReportContent:
    """Return everything the report computes for the partnership from ``start`` to ``end``.

    ``today`` decides ``as_of`` (the earlier of today and ``end``) and which cases are
    named. The rules are in this module's docstring. Needs an application context with a
    request context (for the links): the command line runs under a test request context.
    """
    if end < start:
        raise ValueError("the period must not end before it starts")
    records = _load(partnership, start, end, today)
    plans = _overlapping_plans(records)
    plan_actions = tracked(ActionFilter(partnership_id=partnership.id, source=Source.PLAN),
                           records.as_of)
    meetings = _meetings(records)
    reviews = _reviews(records)
    changes = _changes(records)
    activities = _activities(records, meetings, reviews, changes)
    charts = [chart for chart in (_rag_chart(records, plan_actions), _progress_chart(records),
                                  _timeliness_chart(reviews), _attendance_chart(activities))
              if chart is not None]
    return ReportContent(
        partnership=partnership.name, partnership_short=partnership.short_name,
        slug=partnership.slug, period_start=start.isoformat(), period_end=end.isoformat(),
        period_label=_period_label(start, end, records.month),
        as_of=records.as_of.isoformat(), activities=activities, reviews=reviews,
        impact=_impact(records), progress=_progress(records, plans, plan_actions),
        recommendations=_recommendations(records), feedback=_feedback(records),
        changes=changes, charts=charts)
