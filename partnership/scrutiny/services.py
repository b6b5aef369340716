"""Independent scrutiny: the yearly plan, its activities, the scrutineer's findings and
recommendations, the partnership's response, and what the arrangements and the yearly
report publish of them.

Who writes what is a rule here as well as in the policy: findings, good practice and
recommendations are the scrutineer's (``report``), the response is the team's (``respond``);
each step asks ``can`` for the user it is given, so a form that reached it some other way
still changes nothing it should not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort, url_for
from sqlalchemy.orm import joinedload, selectinload

from partnership.actions.models import Action
from partnership.actions.queries import ActionFilter, TrackedAction, tracked
from partnership.audit.models import AuditEvent
from partnership.audit.services import history_of
from partnership.case_audits.models import CaseAudit
from partnership.clock import today
from partnership.database import utcnow
from partnership.editing import apply_edit
from partnership.evidence import services as evidence
from partnership.evidence.models import EvidenceFile
from partnership.extensions import db
from partnership.kernel.dates import long_date, reporting_year, year_span
from partnership.kernel.errors import DomainError
from partnership.meetings.models import Meeting
from partnership.policy import can
from partnership.register.models import Agency, Body, Partnership
from partnership.register.services.bodies import takes_part_in
from partnership.scrutiny.models import (
    ActivityStatus,
    ScrutinyActivity,
    ScrutinyFunction,
    ScrutinyPlan,
    ScrutinyRecommendation,
)
from partnership.voice.models import Engagement

YEARS_AHEAD = 1  # a plan may be written for next year as well as this one
YEARS_BACK = 1  # ... or for last year, recorded after the event
TITLE_LIMIT = 200
ACTION_TITLE_LIMIT = 300


class ScrutinyError(DomainError):
    """A scrutiny step the rules refuse; the message is for the user."""


# --- names and years ----------------------------------------------------------------------


def plan_years(partnership: Partnership, year: int) -> str:
    """Name a plan's year in words: "2026 to 2027" (or "2026" for a calendar year)."""
    return _years_in_words(year, partnership.year_start_month)


def _years_in_words(year: int, start_month: int) -> str:
    return str(year) if start_month == 1 else f"{year} to {year + 1}"


def default_title(partnership: Partnership, year: int) -> str:
    """The title a new plan starts with: "Independent scrutiny plan 2026 to 2027"."""
    return f"Independent scrutiny plan {plan_years(partnership, year)}"


def current_year(partnership: Partnership, day: dt.date | None = None) -> int:
    """The partnership's reporting year today (or on ``day``)."""
    return reporting_year(day or today(), partnership.year_start_month)


def new_plan_years(partnership: Partnership) -> list[tuple[int, str]]:
    """The years a new plan may be written for (last year to next), less those with one."""
    now = current_year(partnership)
    taken = set(db.session.scalars(sa.select(ScrutinyPlan.year).where(
        ScrutinyPlan.partnership_id == partnership.id)))
    return [(year, plan_years(partnership, year))
            for year in range(now - YEARS_BACK, now + YEARS_AHEAD + 1) if year not in taken]


def timing(start: dt.date | None, end: dt.date | None) -> str:
    """Say when an activity is planned, in months: "April to June 2026", "From May 2026"."""
    if start is not None and end is not None:
        if (start.year, start.month) == (end.year, end.month):
            return f"{end:%B %Y}"
        if start.year == end.year:
            return f"{start:%B} to {end:%B %Y}"
        return f"{start:%B %Y} to {end:%B %Y}"
    if start is not None:
        return f"From {start:%B %Y}"
    if end is not None:
        return f"By {end:%B %Y}"
    return ""


# --- finding records ------------------------------------------------------------------------


def plans_of(partnership: Partnership) -> list[PlanRow]:
    """The partnership's plans, newest year first, each with its activities counted."""
    counts = (sa.select(ScrutinyActivity.plan_id, ScrutinyActivity.status,
                        sa.func.count().label("n"))
              .group_by(ScrutinyActivity.plan_id, ScrutinyActivity.status).subquery())
    rows = db.session.execute(
        sa.select(ScrutinyPlan, counts.c.status, counts.c.n)
        .outerjoin(counts, counts.c.plan_id == ScrutinyPlan.id)
        .where(ScrutinyPlan.partnership_id == partnership.id)
        .order_by(ScrutinyPlan.year.desc()))
    plans: dict[int, tuple[ScrutinyPlan, dict[ActivityStatus, int]]] = {}
    for plan, status, n in rows:
        entry = plans.setdefault(plan.id, (plan, {}))
        if status is not None:
            entry[1][ActivityStatus(status)] = n
    return [PlanRow(plan, by_status, plan_years(partnership, plan.year))
            for plan, by_status in plans.values()]


@dataclass(frozen=True)
class PlanRow:
    """A plan in the list: its activities counted by status."""

    plan: ScrutinyPlan
    by_status: Mapping[ActivityStatus, int]
    years: str

    @property
    def total(self) -> int:
        """How many activities the plan holds (cancelled ones left out)."""
        return sum(n for status, n in self.by_status.items()
                   if status is not ActivityStatus.CANCELLED)

    @property
    def reported(self) -> int:
        """How many activities have findings reported (or a response to them)."""
        return (self.by_status.get(ActivityStatus.REPORTED, 0)
                + self.by_status.get(ActivityStatus.RESPONDED, 0))


def plan_or_404(partnership: Partnership, plan_id: int) -> ScrutinyPlan:
    """Return one of the partnership's plans, or answer 404."""
    plan = db.session.get(ScrutinyPlan, plan_id)
    if plan is None or plan.partnership_id != partnership.id:
        abort(404)
    return plan


def activity_or_404(partnership: Partnership, activity_id: int) -> ScrutinyActivity:
    """Return one of the partnership's activities, with what its page shows, or answer 404."""
    activity = db.session.scalars(
        sa.select(ScrutinyActivity).join(ScrutinyPlan)
        .where(ScrutinyActivity.id == activity_id,
               ScrutinyPlan.partnership_id == partnership.id)
        .options(selectinload(ScrutinyActivity.agencies),
                 selectinload(ScrutinyActivity.engagements),
                 selectinload(ScrutinyActivity.recommendations),
                 joinedload(ScrutinyActivity.reported_by),
                 joinedload(ScrutinyActivity.responded_by))).one_or_none()
    if activity is None:
        abort(404)
    return activity


def recommendation_or_404(partnership: Partnership,
                          recommendation_id: int) -> ScrutinyRecommendation:
    """Return a recommendation made in one of the partnership's activities, or answer 404."""
    recommendation = db.session.scalars(
        sa.select(ScrutinyRecommendation).join(ScrutinyActivity).join(ScrutinyPlan)
        .where(ScrutinyRecommendation.id == recommendation_id,
               ScrutinyPlan.partnership_id == partnership.id)).one_or_none()
    if recommendation is None:
        abort(404)
    return recommendation


# --- the plan -------------------------------------------------------------------------------


def _plan_problems(partnership: Partnership, values: Mapping[str, Any]) -> list[ScrutinyError]:
    problems = []
    agreed = values.get("agreed_on")
    if agreed is not None and agreed > today():
        problems.append(ScrutinyError(
            "The date the partners agreed the plan must be today or in the past", "agreed_on"))
    if not (values.get("title") or "").strip():
        problems.append(ScrutinyError("Enter the plan's title", "title"))
    return problems


def _check(problems: Iterable[DomainError]) -> None:
    problems = list(problems)
    if problems:
        error = problems[0]
        error.problems = problems  # type: ignore[attr-defined]
        raise error


def create_plan(partnership: Partnership, year: int, values: Mapping[str, Any]) -> ScrutinyPlan:
    """Add the partnership's plan for a year (one a year), or say which field is at fault."""
    offered = {y for y, _label in new_plan_years(partnership)}
    problems = _plan_problems(partnership, values)
    if year not in offered:
        problems.insert(0, ScrutinyError(
            f"{partnership.name} already has a plan for {plan_years(partnership, year)}"
            if db.session.scalar(sa.select(ScrutinyPlan.id).where(
                ScrutinyPlan.partnership_id == partnership.id, ScrutinyPlan.year == year))
            else "Select one of the years offered", "year"))
    _check(problems)
    plan = ScrutinyPlan(partnership=partnership, year=year, **values)
    db.session.add(plan)
    db.session.flush()
    return plan


def update_plan(plan: ScrutinyPlan, started_from: object, values: Mapping[str, Any]) -> bool:
    """Change a plan's title, introduction or agreed date if its editor saw the current one."""
    _check(_plan_problems(plan.partnership, values))
    return apply_edit(plan, started_from, values)


@dataclass(frozen=True)
class FunctionGroup:
    """One of the scrutineer's functions and the plan's activities under it."""

    function: ScrutinyFunction
    activities: list[ScrutinyActivity]

    @property
    def live(self) -> list[ScrutinyActivity]:
        """The activities that are not cancelled."""
        return [a for a in self.activities if a.status is not ActivityStatus.CANCELLED]

    @property
    def gap(self) -> bool:
        """Say whether no activity (other than a cancelled one) serves the function."""
        return not self.live


def by_function(plan: ScrutinyPlan) -> list[FunctionGroup]:
    """The plan's activities under each of the five functions, in the functions' order (two
    queries: the activities and their agencies)."""
    activities = list(db.session.scalars(
        sa.select(ScrutinyActivity).where(ScrutinyActivity.plan_id == plan.id)
        .options(selectinload(ScrutinyActivity.agencies))
        .order_by(ScrutinyActivity.planned_start.is_(None), ScrutinyActivity.planned_start,
                  ScrutinyActivity.id)))
    return [FunctionGroup(function, [a for a in activities if a.function is function])
            for function in ScrutinyFunction]


# --- activities -----------------------------------------------------------------------------


def agency_options(partnership: Partnership) -> list[Agency]:
    """The agencies an activity may involve: the partnership's, by name."""
    return sorted(partnership.agencies, key=lambda a: a.name.lower())


def case_audit_options(partnership: Partnership,
                       current: CaseAudit | None = None) -> list[CaseAudit]:
    """The partnership's case audits an activity may look at, newest first."""
    audits = list(db.session.scalars(
        sa.select(CaseAudit).where(CaseAudit.partnership_id == partnership.id)
        .order_by(CaseAudit.id.desc())))
    return audits if current is None or current in audits else [*audits, current]


def meeting_options(partnership: Partnership, plan: ScrutinyPlan,
                    current: Meeting | None = None) -> list[Meeting]:
    """The meetings of the partnership's bodies in the plan's year, which an activity may
    observe (and the one it already names)."""
    first, last = year_span(plan.year, partnership.year_start_month)
    shared = [c.id for c in partnership.collaborations]
    meetings = list(db.session.scalars(
        sa.select(Meeting).join(Body, Body.id == Meeting.body_id)
        .where(sa.or_(Body.partnership_id == partnership.id,
                      Body.joint_with_id == partnership.id,
                      Body.collaboration_id.in_(shared)),
               Meeting.held_on.between(first, last))
        .options(joinedload(Meeting.body)).order_by(Meeting.held_on, Body.name)))
    return meetings if current is None or current in meetings else [current, *meetings]


def engagement_options(partnership: Partnership, plan: ScrutinyPlan,
                       current: Sequence[Engagement] = ()) -> list[Engagement]:
    """The partnership's engagement with children and families an activity may draw on:
    from the year before the plan's to its end (and any it already names)."""
    first = year_span(plan.year - 1, partnership.year_start_month)[0]
    last = year_span(plan.year, partnership.year_start_month)[1]
    found = list(db.session.scalars(
        sa.select(Engagement).where(Engagement.partnership_id == partnership.id,
                                    Engagement.held_from.between(first, last))
        .order_by(Engagement.held_from.desc(), Engagement.id)))
    return found + [e for e in current if e not in found]


def describe_meeting(meeting: Meeting) -> str:
    """Name a meeting in a list of choices: its body and date."""
    return f"{meeting.body.name}, {long_date(meeting.held_on)}"


def describe_engagement(engagement: Engagement) -> str:
    """Name an engagement in a list of choices: its title and when it began."""
    return f"{engagement.title} ({engagement.held_from:%B %Y})"


def _activity_problems(plan: ScrutinyPlan, values: Mapping[str, Any]) -> list[ScrutinyError]:
    partnership = plan.partnership
    problems = []
    start, end = values.get("planned_start"), values.get("planned_end")
    if start is not None and end is not None and end < start:
        problems.append(ScrutinyError(
            "The planned end must be the same as or after the planned start", "planned_end"))
    if any(a.partnership_id != partnership.id for a in values.get("agencies") or ()):
        problems.append(ScrutinyError(f"Select {partnership.name}'s own agencies", "agencies"))
    audit: CaseAudit | None = values.get("case_audit")
    if audit is not None and audit.partnership_id != partnership.id:
        problems.append(ScrutinyError(f"Select one of {partnership.name}'s case audits",
                                      "case_audit"))
    meeting: Meeting | None = values.get("meeting")
    if meeting is not None and not takes_part_in(partnership, meeting.body):
        problems.append(ScrutinyError(f"Select a meeting of one of {partnership.name}'s bodies",
                                      "meeting"))
    if any(e.partnership_id != partnership.id for e in values.get("engagements") or ()):
        problems.append(ScrutinyError(
            f"Select {partnership.name}'s own work with children and families", "engagements"))
    if not (values.get("title") or "").strip():
        problems.append(ScrutinyError("Enter the activity's title", "title"))
    return problems


def create_activity(plan: ScrutinyPlan, values: Mapping[str, Any]) -> ScrutinyActivity:
    """Add an activity to a plan, planned; or say which field is at fault."""
    _check(_activity_problems(plan, values))
    activity = ScrutinyActivity(plan=plan, status=ActivityStatus.PLANNED, **values)
    db.session.add(activity)
    db.session.flush()
    return activity


def update_activity(activity: ScrutinyActivity, started_from: object,
                    values: Mapping[str, Any]) -> bool:
    """Change what an activity looks at and how, if its editor saw the current version.

    Only the planning fields reach here: the findings and the response have their own steps.
    """
    _check(_activity_problems(activity.plan, values))
    return apply_edit(activity, started_from, values)


# Where an activity may go by hand; findings and a response move it on by themselves.
STATUS_MOVES: dict[ActivityStatus, tuple[ActivityStatus, ...]] = {
    ActivityStatus.PLANNED: (ActivityStatus.UNDER_WAY, ActivityStatus.CANCELLED),
    ActivityStatus.UNDER_WAY: (ActivityStatus.PLANNED, ActivityStatus.CANCELLED),
    ActivityStatus.CANCELLED: (ActivityStatus.PLANNED,),
    ActivityStatus.REPORTED: (),
    ActivityStatus.RESPONDED: (),
}
MOVE_WORDS = {ActivityStatus.UNDER_WAY: "Mark as under way",
              ActivityStatus.PLANNED: "Mark as planned",
              ActivityStatus.CANCELLED: "Cancel the activity"}


def status_moves(activity: ScrutinyActivity) -> list[tuple[ActivityStatus, str]]:
    """The status changes offered on the activity's page, each with its button's words."""
    return [(status, MOVE_WORDS[status]) for status in STATUS_MOVES[activity.status]]


def change_status(activity: ScrutinyActivity, status: ActivityStatus | None) -> None:
    """Move an activity between planned, under way and cancelled."""
    if status is None or status not in STATUS_MOVES[activity.status]:
        if activity.status in (ActivityStatus.REPORTED, ActivityStatus.RESPONDED):
            raise ScrutinyError(f"The findings are reported, so the activity stays "
                                f"'{activity.status.label.lower()}'", "status")
        raise ScrutinyError(f"An activity that is {activity.status.label.lower()} cannot be "
                            "moved to that status", "status")
    activity.status = status
    db.session.flush()


# --- the scrutineer's findings and recommendations -----------------------------------------


def _may_report(activity: ScrutinyActivity, user: Any) -> None:
    if not can(user, "report", activity):
        raise ScrutinyError(f"Only the independent scrutineer of "
                            f"{activity.plan.partnership.name} can write findings and "
                            "recommendations")


def _open_for_findings(activity: ScrutinyActivity, field: str | None = None) -> None:
    if activity.status is ActivityStatus.CANCELLED:
        raise ScrutinyError("The activity is cancelled: reinstate it as planned first", field)
    if activity.status is ActivityStatus.RESPONDED:
        raise ScrutinyError("The partnership has responded to the findings, so they can no "
                            "longer be changed", field)


def findings_open(activity: ScrutinyActivity) -> bool:
    """Say whether the scrutineer may still write or change the findings."""
    return activity.status not in (ActivityStatus.CANCELLED, ActivityStatus.RESPONDED)


def recommendations_open(activity: ScrutinyActivity) -> bool:
    """Say whether recommendations may still be added, changed or removed."""
    return activity.status is ActivityStatus.REPORTED


EVIDENCE_KIND = "scrutiny_activity"


def record_findings(activity: ScrutinyActivity, user: Any, started_from: object,
                    values: Mapping[str, Any], upload: Any = None) -> bool:
    """Save the scrutineer's findings, good practice and the date reported, as theirs, with
    the file they attach (if any) as evidence.

    Saving marks the activity reported, by this user, now.
    """
    _may_report(activity, user)
    _open_for_findings(activity, "findings")
    reported_on = values.get("reported_on") or today()
    if reported_on > today():
        raise ScrutinyError("The date reported must be today or in the past", "reported_on")
    words = {"findings": values["findings"], "good_practice": values.get("good_practice", ""),
             "reported_on": reported_on}
    changed = apply_edit(activity, started_from, words)
    if changed or activity.status is not ActivityStatus.REPORTED:
        activity.status = ActivityStatus.REPORTED
        activity.reported_by_id = user.id
        activity.reported_at = utcnow()
        changed = True
    if upload is not None:
        evidence.attach(EVIDENCE_KIND, activity, upload, user)
        changed = True
    db.session.flush()
    return changed


def evidence_of(activity: ScrutinyActivity) -> list[EvidenceFile]:
    """The files the scrutineer attached to the findings, oldest first."""
    return evidence.files_for(EVIDENCE_KIND, [activity.id])[activity.id]


def next_number(activity: ScrutinyActivity) -> int:
    """The number a new recommendation takes: one more than the highest so far."""
    return max((r.number for r in activity.recommendations), default=0) + 1


def _recommendation_problems(activity: ScrutinyActivity, user: Any, number: int,
                             recommendation: ScrutinyRecommendation | None = None) -> None:
    _may_report(activity, user)
    if not recommendations_open(activity):
        if activity.status is ActivityStatus.RESPONDED:
            raise ScrutinyError("The partnership has responded to the findings, so the "
                                "recommendations can no longer be changed")
        raise ScrutinyError("Write the findings first: recommendations follow from them")
    taken = db.session.scalar(sa.select(ScrutinyRecommendation.id).where(
        ScrutinyRecommendation.activity_id == activity.id,
        ScrutinyRecommendation.number == number))
    if taken is not None and (recommendation is None or taken != recommendation.id):
        raise ScrutinyError(f"Recommendation {number} already exists: choose another number",
                            "number")


def add_recommendation(activity: ScrutinyActivity, user: Any,
                       values: Mapping[str, Any]) -> ScrutinyRecommendation:
    """Add a numbered recommendation to reported findings."""
    number = values.get("number") or next_number(activity)
    _recommendation_problems(activity, user, number)
    recommendation = ScrutinyRecommendation(activity=activity, number=number,
                                            text=values["text"])
    db.session.add(recommendation)
    db.session.flush()
    return recommendation


def update_recommendation(recommendation: ScrutinyRecommendation, user: Any,
                          started_from: object, values: Mapping[str, Any]) -> bool:
    """Change a recommendation's number or words while the findings are open."""
    _recommendation_problems(recommendation.activity, user, values["number"], recommendation)
    return apply_edit(recommendation, started_from, values)


def remove_recommendation(recommendation: ScrutinyRecommendation, user: Any) -> None:
    """Take back a recommendation no action has come of yet."""
    _recommendation_problems(recommendation.activity, user, recommendation.number,
                             recommendation)
    if db.session.scalar(sa.select(Action.id).where(
            Action.scrutiny_recommendation_id == recommendation.id).limit(1)) is not None:
        raise ScrutinyError(f"The partnership has already turned recommendation "
                            f"{recommendation.number} into an action, so it stays")
    db.session.delete(recommendation)
    db.session.flush()


# --- the partnership's response and its actions --------------------------------------------


def _may_respond(activity: ScrutinyActivity, user: Any, field: str | None = None) -> None:
    if not can(user, "respond", activity):
        raise ScrutinyError("Only the partnership team can record the partnership's response")
    if activity.status not in (ActivityStatus.REPORTED, ActivityStatus.RESPONDED):
        raise ScrutinyError("The scrutineer has not reported findings yet, so there is "
                            "nothing to respond to", field)


def record_response(activity: ScrutinyActivity, user: Any, started_from: object,
                    values: Mapping[str, Any]) -> bool:
    """Save the partnership's response to the findings, as the team's; the activity is then
    responded to, and its findings and recommendations are settled."""
    _may_respond(activity, user, "response")
    changed = apply_edit(activity, started_from, {"response": values["response"]})
    if changed or activity.status is not ActivityStatus.RESPONDED:
        activity.status = ActivityStatus.RESPONDED
        activity.responded_by_id = user.id
        activity.responded_at = utcnow()
        changed = True
    db.session.flush()
    return changed


def check_can_act(recommendation: ScrutinyRecommendation, user: Any) -> None:
    """Refuse turning a recommendation into an action unless the team may, and it stands."""
    _may_respond(recommendation.activity, user)


def action_title(recommendation: ScrutinyRecommendation) -> str:
    """A new action's title, from the recommendation's words (cut to fit at a word)."""
    words = " ".join(recommendation.text.split())
    if len(words) <= ACTION_TITLE_LIMIT:
        return words
    return words[:ACTION_TITLE_LIMIT - 3].rsplit(" ", 1)[0] + "..."


def actions_by_recommendation(activity: ScrutinyActivity,
                              on: dt.date | None = None) -> dict[int, list[TrackedAction]]:
    """Each recommendation's actions, rated as the tracker rates them (two queries)."""
    ids = [r.id for r in activity.recommendations]
    if not ids:
        return {}
    links = {action_id: recommendation_id for action_id, recommendation_id in db.session.execute(
        sa.select(Action.id, Action.scrutiny_recommendation_id)
        .where(Action.scrutiny_recommendation_id.in_(ids)))}
    if not links:
        return {}
    found: dict[int, list[TrackedAction]] = {}
    for row in tracked(ActionFilter(partnership_id=activity.plan.partnership_id), on or today()):
        if row.id in links:
            found.setdefault(links[row.id], []).append(row)
    return found


def activity_history(activity: ScrutinyActivity) -> list[AuditEvent]:
    """The changes to the activity, newest first."""
    return history_of(activity)


# --- the scrutineer's home page -------------------------------------------------------------


@dataclass(frozen=True)
class HomePlan:
    """A scrutinised partnership's plan for this year, as the scrutineer's home page says it."""

    slug: str
    partnership: str
    years: str
    plan_id: int | None
    title: str
    activities: int
    reported: int
    gaps: tuple[str, ...]


def plans_for_scrutineer(partnership_ids: Iterable[int],
                         day: dt.date | None = None) -> list[HomePlan]:
    """This year's plan of each partnership the scrutineer scrutinises (one query)."""
    ids = sorted(partnership_ids)
    if not ids:
        return []
    day = day or today()
    rows = db.session.execute(
        sa.select(Partnership.id, Partnership.slug, Partnership.name,
                  Partnership.year_start_month, ScrutinyPlan.id.label("plan_id"),
                  ScrutinyPlan.year, ScrutinyPlan.title, ScrutinyActivity.function,
                  ScrutinyActivity.status)
        .select_from(Partnership)
        .outerjoin(ScrutinyPlan, ScrutinyPlan.partnership_id == Partnership.id)
        .outerjoin(ScrutinyActivity, ScrutinyActivity.plan_id == ScrutinyPlan.id)
        .where(Partnership.id.in_(ids)).order_by(Partnership.name))
    found: dict[int, dict[str, Any]] = {}
    for row in rows:
        year = reporting_year(day, row.year_start_month)
        entry = found.setdefault(row.id, {
            "slug": row.slug, "partnership": row.name, "plan_id": None, "title": "",
            "years": _years_in_words(year, row.year_start_month),
            "functions": set(), "activities": 0, "reported": 0})
        if row.plan_id is None or row.year != year:
            continue
        entry["plan_id"], entry["title"] = row.plan_id, row.title
        if row.status is None or ActivityStatus(row.status) is ActivityStatus.CANCELLED:
            continue
        entry["activities"] += 1
        entry["functions"].add(ScrutinyFunction(row.function))
        entry["reported"] += ActivityStatus(row.status) in (ActivityStatus.REPORTED,
                                                           ActivityStatus.RESPONDED)
    return [HomePlan(slug=e["slug"], partnership=e["partnership"], years=e["years"],
                     plan_id=e["plan_id"], title=e["title"], activities=e["activities"],
                     reported=e["reported"],
                     gaps=tuple(f.label for f in ScrutinyFunction if f not in e["functions"]))
            for e in found.values()]


# --- published with the arrangements ---------------------------------------------------------


@dataclass(frozen=True)
class PublishedActivity:
    """An activity as the arrangements print it: no findings, only the plan."""

    title: str
    kind: str
    timing: str
    agencies: tuple[str, ...]


@dataclass(frozen=True)
class PublishedFunction:
    """One of the scrutineer's functions and the activities planned under it."""

    function: str
    activities: tuple[PublishedActivity, ...]


@dataclass(frozen=True)
class PublishedPlan:
    """The scrutiny plan as published with the arrangements: the partnership's own words."""

    title: str
    agreed_on: str
    introduction: tuple[str, ...]  # its paragraphs
    functions: tuple[PublishedFunction, ...]


def published_plan(partnership: Partnership, day: dt.date) -> PublishedPlan | None:
    """The plan for the reporting year ``day`` falls in, as the arrangements publish it
    (None when there is none); cancelled activities are left out, and functions with none."""
    plan = db.session.scalars(sa.select(ScrutinyPlan).where(
        ScrutinyPlan.partnership_id == partnership.id,
        ScrutinyPlan.year == reporting_year(day, partnership.year_start_month))).one_or_none()
    if plan is None:
        return None
    functions = []
    for group in by_function(plan):
        live = tuple(PublishedActivity(a.title, a.kind.label, timing(a.planned_start,
                                                                     a.planned_end),
                                       tuple(agency.name for agency in a.agencies))
                     for a in group.live)
        if live:
            functions.append(PublishedFunction(group.function.label, live))
    return PublishedPlan(title=plan.title,
                         agreed_on=long_date(plan.agreed_on) if plan.agreed_on else "",
                         introduction=tuple(" ".join(part.split()) for part in re.split(
                             r"\n\s*\n", plan.introduction) if part.strip()),
                         functions=tuple(functions))


# --- the yearly report ---------------------------------------------------------------------


@dataclass(frozen=True)
class ActivitySummary:
    """An activity reported in a period, for the yearly report (plain values only).

    ``recommendations``: (number, text, (titles of the actions taken on it, ...)).
    """

    title: str
    kind: str
    function: str
    planned_start: str | None
    planned_end: str | None
    reported_on: str | None
    status: str
    findings: str
    good_practice: str
    response: str
    recommendations: tuple[tuple[int, str, tuple[str, ...]], ...]
    link: str


def activities_for_report(partnership_id: int, start: dt.date,
                          end: dt.date) -> list[ActivitySummary]:
    """The activities whose findings were reported between ``start`` and ``end`` (inclusive),
    in the order reported, with their recommendations and the actions taken (three queries)."""
    activities = list(db.session.scalars(
        sa.select(ScrutinyActivity).join(ScrutinyPlan)
        .where(ScrutinyPlan.partnership_id == partnership_id,
               ScrutinyActivity.status.in_([ActivityStatus.REPORTED, ActivityStatus.RESPONDED]),
               ScrutinyActivity.reported_on.between(start, end))
        .options(joinedload(ScrutinyActivity.plan).joinedload(ScrutinyPlan.partnership),
                 selectinload(ScrutinyActivity.recommendations))
        .order_by(ScrutinyActivity.reported_on, ScrutinyActivity.id)))
    ids = [r.id for a in activities for r in a.recommendations]
    titles: dict[int, list[str]] = {}
    if ids:
        for recommendation_id, title in db.session.execute(
                sa.select(Action.scrutiny_recommendation_id, Action.title)
                .where(Action.scrutiny_recommendation_id.in_(ids)).order_by(Action.id)):
            titles.setdefault(recommendation_id, []).append(title)
    return [ActivitySummary(
        title=a.title, kind=a.kind.label, function=a.function.label,
        planned_start=a.planned_start.isoformat() if a.planned_start else None,
        planned_end=a.planned_end.isoformat() if a.planned_end else None,
        reported_on=a.reported_on.isoformat() if a.reported_on else None,
        status=a.status.label, findings=a.findings, good_practice=a.good_practice,
        response=a.response,
        recommendations=tuple((r.number, r.text, tuple(titles.get(r.id, ())))
                              for r in a.recommendations),
        link=url_for("scrutiny.activity", slug=a.plan.partnership.slug, activity_id=a.id))
        for a in activities]

