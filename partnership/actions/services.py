"""The action tracker's rules: adding and changing actions, recording progress, and what
"My actions" and the home page's panels show each person.

Ratings come from :mod:`partnership.actions.rag` through
:func:`partnership.actions.queries.tracked`; nothing here judges an action itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from partnership.actions.models import Action, ProgressUpdate, Status, origin_words
from partnership.actions.queries import ActionFilter, TrackedAction, rollup, tracked
from partnership.actions.rag import Rag
from partnership.audit.models import AuditEvent
from partnership.audit.services import history_of
from partnership.case_audits.models import CaseAudit
from partnership.clock import today
from partnership.dataset.models import Indicator
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.kernel.dates import long_date, reporting_year, year_label
from partnership.kernel.errors import DomainError
from partnership.meetings.models import Meeting
from partnership.plans.models import Objective, Phase, Plan
from partnership.policy import Role, can, readable, reader, scope, served_to_reader
from partnership.register.models import Agency, Body, Partnership, Person
from partnership.register.services.bodies import bodies_of, takes_part_in
from partnership.register.services.people import home_of
from partnership.reviews.models import Recommendation
from partnership.scrutiny.models import ScrutinyRecommendation
from partnership.self_assessment.models import AssessmentAnswer
from partnership.voice.models import Engagement

WORST_SHOWN = 10
YEARS_AROUND = 2  # reporting years offered either side of this one, outside any plan


class ActionError(DomainError):
    """A change to an action that breaks one of the tracker's rules; the message is for the user."""


# --- finding actions and where a new one comes from -----------------------------------------


def action_or_404(action_id: int) -> Action:
    """Return an action with everything its page shows loaded, or answer 404."""
    action = db.session.scalars(
        sa.select(Action).where(Action.id == action_id).options(
            joinedload(Action.partnership), joinedload(Action.body),
            joinedload(Action.lead_agency), joinedload(Action.lead_person),
            joinedload(Action.objective).joinedload(Objective.plan),
            joinedload(Action.phase), joinedload(Action.meeting).joinedload(Meeting.body),
            joinedload(Action.carried_from), joinedload(Action.carried_into),
            selectinload(Action.updates).joinedload(ProgressUpdate.corrects),
        )).unique().one_or_none()
    if action is None or not served_to_reader(action):
        abort(404)
    return action


def judged(action: Action, on: dt.date | None = None) -> TrackedAction:
    """Return the action as the lists see it, with its rating and the reasons for it."""
    return tracked(ActionFilter(action_id=action.id), on or today())[0]


@dataclass(frozen=True)
class Origin:
    """Where a new action comes from: its partnership and, perhaps, a plan or meeting record,
    a review's recommendation, or the assurance work (a scrutineer's recommendation, a case
    audit, a self-assessment gap, what children and families said)."""

    partnership: Partnership
    objective: Objective | None = None
    phase: Phase | None = None
    meeting: Meeting | None = None
    body: Body | None = None  # the owning body the source suggests
    body_fixed: bool = False  # the source names the body (a meeting's, or one asked for)
    recommendation: Recommendation | None = None
    scrutiny_recommendation: ScrutinyRecommendation | None = None
    case_audit: CaseAudit | None = None
    assessment_answer: AssessmentAnswer | None = None
    engagement: Engagement | None = None
    indicator: Indicator | None = None

    @property
    def plan(self) -> Plan | None:
        """The plan the action belongs to, if it comes from one."""
        return self.objective.plan if self.objective is not None else None

    @property
    def label(self) -> str:
        """Say in words where the action comes from."""
        return origin_words(self)


def _get_or_404(model: type, raw: str | None) -> Any:
    if raw is None or raw == "":
        return None
    record = db.session.get(model, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if record is None or not served_to_reader(record):
        abort(404)
    return record


def origin_from(args: Mapping[str, str]) -> Origin | None:
    """Read a new action's source from the query string; None when not even a partnership is known.

    ``objective_id`` or ``phase_id`` (the plan's partnership, the objective's lead body),
    ``meeting_id`` (its body and partnership), ``recommendation_id`` (its review's
    partnership; for our review of a case, the reviewing body is suggested), ``body_id`` or
    ``partnership_id``. Unknown ids, ids that do not belong together, and recommendations of
    cases the user may not see answer 404.
    """
    recommendation: Recommendation | None = _get_or_404(Recommendation,
                                                        args.get("recommendation_id"))
    if recommendation is not None:
        return _recommendation_origin(recommendation, args)
    phase: Phase | None = _get_or_404(Phase, args.get("phase_id"))
    objective: Objective | None = _get_or_404(Objective, args.get("objective_id"))
    meeting: Meeting | None = _get_or_404(Meeting, args.get("meeting_id"))
    body: Body | None = _get_or_404(Body, args.get("body_id"))
    chosen: Partnership | None = _get_or_404(Partnership, args.get("partnership_id"))
    if phase is not None:
        if objective is not None and phase.objective is not objective:
            abort(404)
        objective = phase.objective
    if objective is not None and meeting is not None:
        abort(404)  # an action comes from one record at most
    if objective is not None:
        partnership = objective.plan.partnership
        if chosen is not None and chosen is not partnership:
            abort(404)
        if body is not None and not takes_part_in(partnership, body):
            abort(404)
        return Origin(partnership, objective=objective, phase=phase,
                      body=body or objective.lead_body, body_fixed=body is not None)
    if meeting is not None:
        if body is not None and body is not meeting.body:
            abort(404)
        body = meeting.body
    if body is not None:
        if chosen is not None and not takes_part_in(chosen, body):
            abort(404)
        partnership = chosen or home_of(body)
        if partnership is None:
            abort(404)
        return Origin(partnership, meeting=meeting, body=body, body_fixed=True)
    return Origin(chosen) if chosen is not None else None


def _recommendation_origin(recommendation: Recommendation, args: Mapping[str, str]) -> Origin:
    """A new action on a review's recommendation: the review's partnership, no body needed."""
    if any(args.get(name) for name in ("objective_id", "phase_id", "meeting_id")):
        abort(404)  # an action comes from one record at most
    review = recommendation.review
    reading = reader()
    if reading is not None and not can(reading, "view", recommendation):
        abort(404)  # need-to-know: the case's existence is not revealed
    partnership = review.partnership
    chosen: Partnership | None = _get_or_404(Partnership, args.get("partnership_id"))
    body: Body | None = _get_or_404(Body, args.get("body_id"))
    if (chosen is not None and chosen is not partnership) or (
            body is not None and not takes_part_in(partnership, body)):
        abort(404)
    suggested = body or (review.case.reviewing_body if review.case is not None else None)
    return Origin(partnership, body=suggested, body_fixed=body is not None,
                  recommendation=recommendation)


def partnership_options(user: Any) -> list[Partnership]:
    """Return the partnerships the user may add actions to (a chair: those of their bodies)."""
    everyone = list(db.session.scalars(sa.select(Partnership).where(readable(Partnership))
                                       .order_by(Partnership.name)))
    limit = body_limit(user)
    if limit is None:
        return everyone
    chaired = list(db.session.scalars(sa.select(Body).where(Body.id.in_(sorted(limit)))))
    return [p for p in everyone if any(takes_part_in(p, body) for body in chaired)]


def body_limit(user: Any) -> frozenset[int] | None:
    """Return the bodies a user may give actions to: a chair only their own; None for any."""
    if user.role is Role.CHAIR:
        return frozenset(scope(user).chaired_body_ids)
    return None


# --- choices ----------------------------------------------------------------------------------


def body_options(partnership: Partnership, limit: frozenset[int] | None,
                 current: Body | None = None) -> list[Body]:
    """Return the bodies that may own the partnership's actions (a chair: only theirs)."""
    options = [b for b in bodies_of(partnership) if limit is None or b.id in limit]
    return [*options, current] if current is not None and current not in options else options


def agency_options(partnership: Partnership, action: Action | None = None) -> list[Agency]:
    """Return the agencies that may lead the partnership's actions (and the action's own)."""
    options = list(partnership.agencies)
    current = action.lead_agency if action is not None else None
    return [*options, current] if current is not None and current not in options else options


def person_options(partnership: Partnership, action: Action | None = None) -> list[Person]:
    """Return the people who may lead an action: the partnership's agencies' staff, anyone
    not linked to an agency (and the action's own lead officer)."""
    options = list(db.session.scalars(
        sa.select(Person).outerjoin(Agency, Agency.id == Person.agency_id)
        .where(sa.or_(Person.agency_id.is_(None), Agency.partnership_id == partnership.id))
        .options(joinedload(Person.agency)).order_by(Person.name, Person.id)))
    current = action.lead_person if action is not None else None
    return [*options, current] if current is not None and current not in options else options


def new_action_defaults(origin: Origin, bodies: list[Body]) -> dict[str, Any]:
    """Return what a new action's form starts with: the body and year its source suggests
    (or the only body on offer, for a chair of one), and for a recommendation the first
    agency it is addressed to as the lead agency."""
    year = origin.objective.year if origin.objective is not None else None
    body = origin.body if origin.body is not None or len(bodies) != 1 else bodies[0]
    defaults: dict[str, Any] = {"body": body, "year": str(year) if year is not None else ""}
    if origin.recommendation is not None and origin.recommendation.agencies:
        defaults["lead_agency"] = origin.recommendation.agencies[0]
    return defaults


def filter_options(flt: ActionFilter) -> dict[str, tuple[str, list[tuple[int, str]]]]:
    """Return the list filters' choices: partnerships and plans, and the bodies, agencies,
    officers and years that actions name (within the chosen partnership), in one query each."""
    partnerships = db.session.execute(
        sa.select(Partnership.id, Partnership.name, Partnership.year_start_month)
        .where(readable(Partnership)).order_by(Partnership.name)).all()
    chosen = next((p for p in partnerships if p.id == flt.partnership_id), None)
    # Only what the reader may view: an officer who leads nothing but a case's actions is
    # not named to someone outside the case.
    within = [readable(Action),
              *([Action.partnership_id == chosen.id] if chosen is not None else [])]
    plans = db.session.execute(
        sa.select(Plan.id, Plan.title).where(
            readable(Plan), *([Plan.partnership_id == chosen.id] if chosen is not None else []))
        .order_by(Plan.first_year.desc(), Plan.title)).all()

    def named(model: Any, column: Any) -> list[tuple[int, str]]:
        used = sa.select(column).where(*within).distinct().scalar_subquery()
        return [(row.id, row.name) for row in db.session.execute(
            sa.select(model.id, model.name).where(model.id.in_(used))
            .order_by(model.name, model.id))]

    months = {p.year_start_month for p in ([chosen] if chosen else partnerships)}
    month = months.pop() if len(months) == 1 else 4
    years = db.session.scalars(sa.select(Action.year).where(*within).distinct()
                               .order_by(Action.year.desc()))
    return {
        "partnership_id": ("Any partnership", [(p.id, p.name) for p in partnerships]),
        "plan_id": ("Any plan", [(p.id, p.title) for p in plans]),
        "body_id": ("Any body", named(Body, Action.body_id)),
        "agency_id": ("Any agency", named(Agency, Action.lead_agency_id)),
        "person_id": ("Anyone", named(Person, Action.lead_person_id)),
        "year": ("Any year", [(year, year_label(year, month)) for year in years]),
    }


def year_options(partnership: Partnership, plan: Plan | None,
                 current: int | None = None) -> list[tuple[int, str]]:
    """Return the reporting years an action may belong to, each with its name."""
    month = partnership.year_start_month
    if plan is not None:
        years = set(plan.years)
    else:
        now = reporting_year(today(), month)
        years = set(range(now - YEARS_AROUND, now + YEARS_AROUND + 1))
    if current is not None:
        years.add(current)
    return [(year, year_label(year, month)) for year in sorted(years)]


def update_options(action: Action) -> list[ProgressUpdate]:
    """Return the action's updates a new one may correct, newest first."""
    return list(reversed(action.updates))


def describe_update(update: ProgressUpdate) -> str:
    """Name an earlier update in a list of choices: its date, author and first words."""
    words = " ".join(update.narrative.split())
    words = words if len(words) <= 60 else words[:57].rstrip() + "..."
    who = f" by {update.author_name}" if update.author_name else ""
    return f"{long_date(update.recorded_on)}{who}: {words}"


# --- rules ------------------------------------------------------------------------------------


def action_problems(partnership: Partnership, values: Mapping[str, Any],
                    limit: frozenset[int] | None = None) -> list[ActionError]:
    """Return every rule an action's values break (``limit``: the bodies a chair may pick)."""
    problems: list[ActionError] = []
    body: Body | None = values.get("body")
    if body is not None and not takes_part_in(partnership, body):
        problems.append(ActionError(f"Select one of {partnership.name}'s bodies", "body"))
    elif limit is not None and (body is None or body.id not in limit):
        problems.append(ActionError("Select a body you chair", "body"))
    agency: Agency | None = values.get("lead_agency")
    if agency is not None and agency.partnership_id != partnership.id:
        problems.append(ActionError(f"Select one of {partnership.name}'s agencies",
                                    "lead_agency"))
    person: Person | None = values.get("lead_person")
    if (person is not None and person.agency is not None
            and person.agency.partnership_id != partnership.id):
        problems.append(ActionError(
            f"Select a person who works for one of {partnership.name}'s agencies",
            "lead_person"))
    start, target = values.get("start_date"), values.get("target_date")
    if start is not None and target is not None and target < start:
        problems.append(ActionError(
            "The target date must be the same as or after the start date", "target_date"))
    percent = values.get("percent_complete")
    if percent is not None and not 0 <= percent <= 100:
        problems.append(ActionError("% complete must be between 0 and 100", "percent_complete"))
    status = values.get("status")
    if status is Status.COMPLETE and percent not in (None, 100):
        problems.append(ActionError(
            "A complete action must be 100% complete: enter 100 or leave it blank",
            "percent_complete"))
    completed = values.get("completed_on")
    if completed is not None:
        if status is not Status.COMPLETE:
            problems.append(ActionError(
                "Enter a completion date only when the status is complete", "completed_on"))
        elif completed > today():
            problems.append(ActionError("The completion date must be today or in the past",
                                        "completed_on"))
    return problems


def _check(problems: Iterable[ActionError]) -> None:
    for problem in problems:
        raise problem


def settled(partnership: Partnership, values: Mapping[str, Any]) -> dict[str, Any]:
    """Fill in what the form may leave blank: the reporting year from the dates (or today),
    and a complete action's completion date (today) and % complete (100)."""
    settled_values = dict(values)
    if settled_values.get("status") is Status.COMPLETE:
        settled_values["completed_on"] = settled_values.get("completed_on") or today()
        if settled_values.get("percent_complete") is None:
            settled_values["percent_complete"] = 100
    if settled_values.get("year") is None:
        day = settled_values.get("target_date") or settled_values.get("start_date") or today()
        settled_values["year"] = reporting_year(day, partnership.year_start_month)
    return settled_values


def create_action(origin: Origin, values: Mapping[str, Any],
                  limit: frozenset[int] | None = None) -> Action:
    """Add an action from its source, or raise an ActionError naming the field at fault."""
    _check(action_problems(origin.partnership, values, limit))
    fields = settled(origin.partnership, values)
    action = Action(partnership=origin.partnership, objective=origin.objective,
                    phase=origin.phase, meeting=origin.meeting,
                    recommendation=origin.recommendation,
                    scrutiny_recommendation=origin.scrutiny_recommendation,
                    case_audit=origin.case_audit, assessment_answer=origin.assessment_answer,
                    engagement=origin.engagement,
                    indicator=origin.indicator, **fields)
    if origin.label:
        action.source_note = ""
    db.session.add(action)
    db.session.flush()
    return action


def update_action(action: Action, started_from: object, values: Mapping[str, Any],
                  limit: frozenset[int] | None = None) -> bool:
    """Change an action if the rules allow and the editor saw its current version."""
    _check(action_problems(action.partnership, values, limit))
    return apply_edit(action, started_from, values)


def record_progress(action: Action, author: Any, values: Mapping[str, Any]) -> ProgressUpdate:
    """Append a progress update and bring the action's status and % complete up to date.

    The update is never changed afterwards; a correction is a new update naming the old one.
    """
    recorded_on: dt.date = values.get("recorded_on") or today()
    status: Status | None = values.get("status")
    percent: int | None = values.get("percent_complete")
    corrects: ProgressUpdate | None = values.get("corrects")
    problems = []
    if recorded_on > today():
        problems.append(ActionError("The date of the update must be today or in the past",
                                    "recorded_on"))
    if percent is not None and not 0 <= percent <= 100:
        problems.append(ActionError("% complete must be between 0 and 100", "percent_complete"))
    elif (status or action.status) is Status.COMPLETE and percent not in (None, 100):
        problems.append(ActionError(
            "A complete action must be 100% complete: enter 100 or leave it blank",
            "percent_complete"))
    if corrects is not None and corrects.action_id != action.id:
        problems.append(ActionError("Select one of this action's updates", "corrects"))
    _check(problems)
    update = ProgressUpdate(
        action=action, recorded_on=recorded_on, author_id=author.id,
        author_name=author.name[:120], narrative=values["narrative"],
        proposed_rating=values.get("proposed_rating"), status=status, percent_complete=percent,
        impact=values.get("impact") or "",
        children_and_families=bool(values.get("children_and_families")), corrects=corrects)
    db.session.add(update)
    if status is not None and status is not action.status:
        if status is Status.COMPLETE:
            action.completed_on = recorded_on
        elif action.status is Status.COMPLETE:
            action.completed_on = None
        action.status = status
    if percent is not None:
        action.percent_complete = percent
    elif action.status is Status.COMPLETE:
        action.percent_complete = 100
    db.session.flush()
    return update


# --- an action's page -------------------------------------------------------------------------


@dataclass(frozen=True)
class LogEntry:
    """A progress update as the action's page lists it, with any later corrections."""

    update: ProgressUpdate
    corrected_by: tuple[ProgressUpdate, ...]


def progress_log(action: Action) -> list[LogEntry]:
    """Return the action's updates newest first, each with the updates that correct it."""
    corrections: dict[int, list[ProgressUpdate]] = {}
    for update in action.updates:
        if update.corrects_id is not None:
            corrections.setdefault(update.corrects_id, []).append(update)
    return [LogEntry(update, tuple(corrections.get(update.id, ())))
            for update in reversed(action.updates)]


def latest_impact(action: Action) -> ProgressUpdate | None:
    """Return the latest update that gives evidence of impact."""
    return next((u for u in reversed(action.updates) if u.impact.strip()), None)


def action_history(action: Action) -> list[AuditEvent]:
    """Return the changes to the action, newest first (its updates are in the progress log)."""
    return history_of(action)


# --- My actions and the home page's panels ----------------------------------------------------


def mine_filter(user: Any) -> ActionFilter | None:
    """Return the filter for everything a user owns or leads; None if they lead nothing.

    A person leads the actions naming them as lead officer; an agency lead, those their
    agency leads; a chair owns the actions of the bodies they chair.
    """
    mine = scope(user)
    agency_id = mine.agency_id if user.role is Role.AGENCY else None
    if mine.person_id is None and agency_id is None and not mine.chaired_body_ids:
        return None
    return ActionFilter(mine=True, mine_person_id=mine.person_id, mine_agency_id=agency_id,
                        mine_body_ids=frozenset(mine.chaired_body_ids))


@dataclass(frozen=True)
class MyActions:
    """A person's actions: what needs attention first, then the rest still open, then the closed."""

    attention: list[TrackedAction]
    open: list[TrackedAction]
    closed: list[TrackedAction]

    @property
    def total(self) -> int:
        """How many actions the person owns or leads."""
        return len(self.attention) + len(self.open) + len(self.closed)


def my_actions(flt: ActionFilter, on: dt.date | None = None) -> MyActions:
    """Group a person's actions: red, amber and overdue first (worst first), then by due date."""
    rows = tracked(flt, on or today())
    attention = sorted((a for a in rows if a.judgement.needs_attention), key=_worst_first)
    rest = [a for a in rows if not a.judgement.needs_attention]
    return MyActions(attention=attention, open=[a for a in rest if a.is_open],
                     closed=[a for a in rest if not a.is_open])


def _worst_first(action: TrackedAction) -> tuple[Any, ...]:
    return (action.rag.severity, action.last_update_on or dt.date.min, action.id)


@dataclass(frozen=True)
class Attention:
    """A home page panel: how many actions are red, amber or overdue an update; the worst."""

    heading: str
    scope_text: str
    red: int
    amber: int
    update_overdue: int
    open: int
    needing_attention: int
    worst: list[TrackedAction]
    filters: dict[str, str] | None  # narrows the action list to these actions (None: it cannot)
    mine: bool = False  # the actions are the user's own: link to My actions


def attention_for(user: Any, on: dt.date | None = None) -> Attention | None:
    """Return the home page's "needs attention" panel for a user's role, or None."""
    mine = scope(user)
    flt: ActionFilter | None
    filters: dict[str, str] | None = {}
    heading, text, own = "Actions needing attention", "", False
    if user.role is Role.TEAM:
        flt, text = ActionFilter(), "actions in the tracker"
    elif user.role is Role.CHAIR:
        if not mine.chaired_body_ids:
            return None
        bodies = frozenset(mine.chaired_body_ids)
        flt = ActionFilter(mine=True, mine_body_ids=bodies)
        filters = {"body_id": str(next(iter(bodies)))} if len(bodies) == 1 else None
        heading, text, own = "Your groups' actions", "actions owned by the groups you chair", True
    elif user.role is Role.AGENCY:
        if mine.agency_id is None:
            return None
        flt = ActionFilter(agency_id=mine.agency_id)
        filters = flt.to_args()
        heading, text = "Your agency's actions", "actions your agency leads"
    elif user.role is Role.PARTNER:
        if mine.person_id is None:
            return None
        flt = ActionFilter(person_id=mine.person_id)
        filters = flt.to_args()
        heading, text = "Actions you lead", "actions naming you as lead officer"
    else:
        return None
    rows = tracked(flt, on or today())
    if user.role is Role.PARTNER and not rows:
        return None
    summary = rollup(rows)
    attention = sorted((a for a in rows if a.judgement.needs_attention), key=_worst_first)
    return Attention(
        heading=heading, scope_text=text, red=summary.count(Rag.RED),
        amber=summary.count(Rag.AMBER),
        update_overdue=sum(a.judgement.update_overdue for a in rows),
        open=sum(a.is_open for a in rows), needing_attention=len(attention),
        worst=attention[:WORST_SHOWN], filters=filters, mine=own)
