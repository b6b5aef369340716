"""The action tracker's rules: adding and changing actions, recording progress, and what
"My actions" and the home page's panels show each person.

Ratings come from :mod:`partnership.actions.rag` through
:func:`partnership.actions.queries.tracked`; nothing here judges an action itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from partnership.actions.models import (
    Action,
    ActionComment,
    DateRequestStatus,
    ProgressUpdate,
    Rating,
    Status,
    TargetDateRequest,
    origin_words,
)
from partnership.actions.queries import (
    ActionFilter,
    TrackedAction,
    listed,
    tally,
    tracked,
    worst_first,
)
from partnership.audit.models import AuditEvent
from partnership.audit.services import history_of
from partnership.case_audits.models import CaseAudit
from partnership.clock import UK_TIME, now, today
from partnership.dataset.models import Indicator
from partnership.editing import EditConflict, apply_edit
from partnership.extensions import db
from partnership.kernel.dates import long_date, reporting_year, year_label
from partnership.kernel.errors import DomainError
from partnership.meetings.models import Meeting
from partnership.plans.models import Objective, Phase, Plan
from partnership.policy import Role, can, readable, reader, scope, served_to_reader, visible
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
    """Return the list filters' choices, at a cost that does not grow with the tracker:
    partnerships and plans; the reporting years from the first to the last any action
    names; and, once one partnership is in view (chosen, or the only one), the bodies,
    agencies and officers named by its actions the reader may view (one query each, over
    that partnership's actions only)."""
    partnerships = db.session.execute(
        sa.select(Partnership.id, Partnership.name, Partnership.year_start_month)
        .where(readable(Partnership)).order_by(Partnership.name)).all()
    chosen = next((p for p in partnerships if p.id == flt.partnership_id), None)
    if chosen is None and len(partnerships) == 1:
        chosen = partnerships[0]
    plans = db.session.execute(
        sa.select(Plan.id, Plan.title).where(
            readable(Plan), *([Plan.partnership_id == chosen.id] if chosen is not None else []))
        .order_by(Plan.first_year.desc(), Plan.title)).all()

    def named(model: Any, column: Any) -> list[tuple[int, str]]:
        if chosen is None:
            return []
        # Only what the reader may view: an officer who leads nothing but a case's actions is
        # not named to someone outside the case.
        used = (sa.select(column).where(Action.partnership_id == chosen.id, readable(Action))
                .distinct().scalar_subquery())
        return [(row.id, row.name) for row in db.session.execute(
            sa.select(model.id, model.name).where(model.id.in_(used))
            .order_by(model.name, model.id))]

    # The whole tracker's first and last years: two reads of the year index (a year says
    # nothing about any record, and an unfiltered min and max cost the same at any size).
    first, last = db.session.execute(sa.select(
        sa.select(sa.func.min(Action.year)).scalar_subquery(),
        sa.select(sa.func.max(Action.year)).scalar_subquery())).one()
    months = {p.year_start_month for p in ([chosen] if chosen else partnerships)}
    month = months.pop() if len(months) == 1 else 4
    years = range(last, first - 1, -1) if first is not None and last is not None else []
    register_hint = "Any" if chosen is not None else "Choose a partnership first"
    return {
        "partnership_id": ("Any partnership", [(p.id, p.name) for p in partnerships]),
        "plan_id": ("Any plan", [(p.id, p.title) for p in plans]),
        "body_id": (f"{register_hint} body" if chosen else register_hint,
                    named(Body, Action.body_id)),
        "agency_id": (f"{register_hint} agency" if chosen else register_hint,
                      named(Agency, Action.lead_agency_id)),
        "person_id": ("Anyone" if chosen else register_hint,
                      named(Person, Action.lead_person_id)),
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
class KeptOrder:
    """The order My actions showed its open cards in when the page was loaded: the cards
    needing attention, then the other open ones. Saving a card comes back to this order, so
    the card just updated stays where it was whatever its new rating."""

    attention: tuple[int, ...] = ()
    open: tuple[int, ...] = ()

    LIMIT: ClassVar[int] = 500  # cards kept in place; any more are laid out afresh

    @classmethod
    def parse(cls, text: str | None) -> KeptOrder | None:
        """Read the order from a query string ("3.1.7-2.5"); None when absent or unreadable."""
        if not text or len(text) > 6000:
            return None
        sections = text.split("-")
        if len(sections) != 2:
            return None
        try:
            ids = [tuple(int(part) for part in section.split(".") if part)
                   for section in sections]
        except ValueError:
            return None
        return cls(ids[0][:cls.LIMIT], ids[1][:cls.LIMIT])

    def __str__(self) -> str:
        return "-".join(".".join(str(i) for i in section)
                        for section in (self.attention, self.open))


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

    @property
    def kept(self) -> KeptOrder:
        """The open cards' order as shown, for the cards' forms to come back to."""
        return KeptOrder(tuple(a.id for a in self.attention), tuple(a.id for a in self.open))


def my_actions(flt: ActionFilter, on: dt.date | None = None,
               kept: KeptOrder | None = None) -> MyActions:
    """Group a person's actions: red, amber and overdue first (worst first), then by due date.

    With ``kept`` (the order the page was loaded in), the cards it names stay in their place
    and section whatever their rating now; only actions it does not name are placed afresh.
    """
    rows = tracked(flt, on or today())
    placed: dict[int, TrackedAction] = {}
    attention: list[TrackedAction] = []
    open_: list[TrackedAction] = []
    if kept is not None:
        by_id = {a.id: a for a in rows}
        for ids, section in ((kept.attention, attention), (kept.open, open_)):
            for action_id in ids:
                if action_id in by_id and action_id not in placed:
                    placed[action_id] = by_id[action_id]
                    section.append(by_id[action_id])
    fresh = [a for a in rows if a.id not in placed]
    attention += sorted((a for a in fresh if a.judgement.needs_attention), key=worst_first)
    rest = [a for a in fresh if not a.judgement.needs_attention]
    return MyActions(attention=attention, open=open_ + [a for a in rest if a.is_open],
                     closed=[a for a in rest if not a.is_open])


def my_last_ratings(user: Any, action_ids: Iterable[int]) -> dict[int, Rating]:
    """Return the rating the user last gave each of these actions in a progress update."""
    ids = sorted(set(action_ids))
    if not ids:
        return {}
    ratings: dict[int, Rating] = {}
    for row in db.session.execute(
            sa.select(ProgressUpdate.action_id, ProgressUpdate.proposed_rating)
            .where(ProgressUpdate.author_id == user.id, ProgressUpdate.action_id.in_(ids),
                   ProgressUpdate.proposed_rating.is_not(None))
            .order_by(ProgressUpdate.action_id, ProgressUpdate.recorded_on,
                      ProgressUpdate.id)):
        ratings[row.action_id] = Rating(row.proposed_rating)
    return ratings


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
    day = on or today()
    counted = tally(flt, day)
    if user.role is Role.PARTNER and not counted.total:
        return None
    worst = listed(replace(flt, attention=True), 1, WORST_SHOWN, day, worst=True).items
    return Attention(
        heading=heading, scope_text=text, red=counted.red, amber=counted.amber,
        update_overdue=counted.update_overdue, open=counted.open,
        needing_attention=counted.needing_attention, worst=list(worst), filters=filters,
        mine=own)


# --- comments and requests for a new target date ----------------------------------------------


def add_comment(action: Action, author: Any, body: str) -> ActionComment:
    """Add a comment to an action, in the author's name."""
    text = body.strip()
    if not text:
        raise ActionError("Enter your comment", "body")
    comment = ActionComment(action=action, author_id=author.id, author_name=author.name[:120],
                            body=text)
    db.session.add(comment)
    db.session.flush()
    return comment


def pending_date_request(action: Action) -> TargetDateRequest | None:
    """Return the action's request for a new target date still waiting for a decision."""
    return db.session.scalars(
        sa.select(TargetDateRequest).where(TargetDateRequest.action_id == action.id,
                                           TargetDateRequest.status
                                           == DateRequestStatus.PENDING)
        .order_by(TargetDateRequest.id.desc()).limit(1)).first()


def _day_words(day: dt.date | None) -> str:
    return long_date(day) if day is not None else "no target date"


def request_target_date(action: Action, user: Any, requested_due: dt.date | None,
                        reason: str) -> TargetDateRequest:
    """Ask for a new target date; the owning body's chair or the team decides."""
    problems: list[ActionError] = []
    if pending_date_request(action) is not None:
        problems.append(ActionError("A request for a new target date is already waiting for a "
                                    "decision: wait for it, or withdraw it first",
                                    "requested_due"))
    elif requested_due is None:
        problems.append(ActionError("Enter the new target date", "requested_due"))
    elif requested_due == action.target_date:
        problems.append(ActionError("Enter a date different from the current target date",
                                    "requested_due"))
    elif requested_due < today():
        problems.append(ActionError("The new target date must be today or in the future",
                                    "requested_due"))
    elif action.start_date is not None and requested_due < action.start_date:
        problems.append(ActionError(
            f"The new target date must be on or after the start date, "
            f"{long_date(action.start_date)}", "requested_due"))
    if not reason.strip():
        problems.append(ActionError("Say why the target date should change", "reason"))
    _check(problems)
    assert requested_due is not None
    request = TargetDateRequest(
        action=action, requested_by_id=user.id, requested_by_name=user.name[:120],
        current_due=action.target_date, requested_due=requested_due, reason=reason.strip())
    db.session.add(request)
    db.session.flush()
    return request


def withdraw_date_request(action: Action, user: Any) -> TargetDateRequest:
    """Withdraw the action's pending request: its author, or the team, may."""
    request = pending_date_request(action)
    if request is None:
        raise ActionError("There is no request for a new target date waiting for a decision")
    if request.requested_by_id != user.id and user.role is not Role.TEAM:
        raise ActionError("Only the person who asked, or the partnership team, can withdraw "
                          "the request")
    request.status = DateRequestStatus.WITHDRAWN
    request.decided_by_id, request.decided_by_name = user.id, user.name[:120]
    request.decided_at = now()
    db.session.flush()
    return request


def decide_date_request(action: Action, request_id: int | None, user: Any, approve: bool,
                        reason: str) -> TargetDateRequest:
    """Approve (the action's target date changes) or decline the pending request, with why."""
    request = pending_date_request(action)
    if request is None or request.id != request_id:
        raise ActionError("The request was decided or withdrawn since you opened the page: "
                          "read the action again", "decision")
    problems: list[ActionError] = []
    if not reason.strip():
        problems.append(ActionError("Say why you approve or decline the request",
                                    "decision_reason"))
    if approve and action.start_date is not None and request.requested_due < action.start_date:
        problems.append(ActionError(
            f"The date asked for is before the action's start date, "
            f"{long_date(action.start_date)}: decline it", "decision"))
    _check(problems)
    request.status = DateRequestStatus.APPROVED if approve else DateRequestStatus.DECLINED
    request.decided_by_id, request.decided_by_name = user.id, user.name[:120]
    request.decided_at = now()
    request.decision_reason = reason.strip()
    if approve:
        action.target_date = request.requested_due  # audited as the action's own change
    db.session.flush()
    return request


def date_requests_to_decide(user: Any) -> list[TargetDateRequest]:
    """Return the pending requests for a new target date that this user may decide, oldest
    first: for the team, every action they may see; for a chair, their bodies' actions."""
    if user.role is Role.TEAM:
        narrowed: list[sa.ColumnElement[bool]] = []
    elif user.role is Role.CHAIR:
        narrowed = [Action.body_id.in_(sorted(scope(user).chaired_body_ids))]
    else:
        return []
    requests = db.session.scalars(
        sa.select(TargetDateRequest).join(Action, Action.id == TargetDateRequest.action_id)
        .where(TargetDateRequest.status == DateRequestStatus.PENDING, visible(user, Action),
               *narrowed)
        .options(joinedload(TargetDateRequest.action))
        .order_by(TargetDateRequest.created_at, TargetDateRequest.id)).all()
    return [r for r in requests if can(user, "decide_date", r.action)]


@dataclass(frozen=True)
class Remark:
    """A comment, or a step of a request for a new target date, as the action's page says it."""

    at: dt.datetime
    kind: str
    words: str
    detail: str = ""

    @property
    def when(self) -> str:
        """When it happened, in UK time: "7 December 2026, 14:05"."""
        local = self.at.astimezone(UK_TIME)
        return f"{long_date(local.date())}, {local:%H:%M}"


def remarks(action: Action) -> list[Remark]:
    """Return the action's comments and target date requests in words, newest first."""
    found: list[Remark] = []
    for comment in db.session.scalars(
            sa.select(ActionComment).where(ActionComment.action_id == action.id)):
        found.append(Remark(comment.created_at, "Comment",
                            f"{comment.author_name or 'Someone'} commented", comment.body))
    for request in db.session.scalars(
            sa.select(TargetDateRequest).where(TargetDateRequest.action_id == action.id)):
        who = request.requested_by_name or "Someone"
        found.append(Remark(
            request.created_at, "Target date request",
            f"{who} asked to move the target date from {_day_words(request.current_due)} "
            f"to {long_date(request.requested_due)}", request.reason))
        if request.decided_at is None:
            continue
        decider = request.decided_by_name or "Someone"
        if request.status is DateRequestStatus.APPROVED:
            words = (f"{decider} approved the request: the target date moved from "
                     f"{_day_words(request.current_due)} to {long_date(request.requested_due)}")
        elif request.status is DateRequestStatus.DECLINED:
            words = (f"{decider} declined the request to move the target date to "
                     f"{long_date(request.requested_due)}")
        else:
            words = (f"{decider} withdrew the request to move the target date to "
                     f"{long_date(request.requested_due)}")
        found.append(Remark(request.decided_at, request.status.label, words,
                            request.decision_reason))
    return sorted(found, key=lambda r: r.at, reverse=True)


# --- changing many actions at once ------------------------------------------------------------

BULK_FIELDS = ("body", "lead_agency", "lead_person", "target_date", "status")


class BulkRefused(ActionError):
    """A change to several actions refused as a whole; ``rows`` names each action and why."""

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        count = len({title for title, _ in rows})
        super().__init__(f"Nothing was changed: {count} of the selected action"
                         f"{'s' if count != 1 else ''} cannot be changed this way", None)
        self.rows = rows


def selected_actions(ids: Iterable[int]) -> list[Action]:
    """Return the actions picked in a list (those the reader may see), in the list's order."""
    wanted = list(dict.fromkeys(ids))[:500]
    found = {a.id: a for a in db.session.scalars(
        sa.select(Action).where(Action.id.in_(wanted), readable(Action))
        .options(joinedload(Action.partnership), joinedload(Action.body),
                 joinedload(Action.lead_agency), joinedload(Action.lead_person)))}
    return [found[i] for i in wanted if i in found]


def bulk_options(actions: list[Action], user: Any) -> dict[str, list[Any]]:
    """Return the bodies, agencies and people the selected actions may be given: those of
    their partnerships (a chair: only the bodies they chair)."""
    partnerships = list(dict.fromkeys(a.partnership for a in actions))
    limit = body_limit(user)
    return {
        "bodies": [b for p in partnerships for b in body_options(p, limit)],
        "agencies": [a for p in partnerships for a in agency_options(p)],
        "people": list(dict.fromkeys(person for p in partnerships
                                     for person in person_options(p)))}


def _bulk_values(action: Action, changes: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: changes[name] for name in BULK_FIELDS if name in changes}
    status = values.get("status")
    if status is Status.COMPLETE and action.status is not Status.COMPLETE:
        values["completed_on"] = today()
        values["percent_complete"] = 100
    elif status is not None and status is not Status.COMPLETE:
        values["completed_on"] = None
    return values


def bulk_update(actions: list[Action], versions: Mapping[int, str], changes: Mapping[str, Any],
                user: Any) -> list[Action]:
    """Change the owner, lead, target date or status of several actions in one step, each
    an edit of its own (audited one by one), or none of them: every row not allowed,
    breaking a rule or changed since it was picked is named in a BulkRefused."""
    if not actions:
        raise ActionError("Select at least one action in the list", "actions")
    if not any(name in changes for name in BULK_FIELDS):
        raise ActionError("Choose what to change: the owning body, the lead, the target date "
                          "or the status", "status")
    limit = body_limit(user)
    refusals: list[tuple[str, str]] = []
    planned: list[tuple[Action, dict[str, Any]]] = []
    for action in actions:
        if not can(user, "edit", action):
            refusals.append((action.title, "you may not change this action"))
            continue
        if str(action.version) != str(versions.get(action.id)):
            refusals.append((action.title, "someone changed it since you selected it"))
            continue
        values = _bulk_values(action, changes)
        merged = {"body": action.body, "lead_agency": action.lead_agency,
                  "lead_person": action.lead_person, "start_date": action.start_date,
                  "target_date": action.target_date, "status": action.status,
                  "percent_complete": action.percent_complete,
                  "completed_on": action.completed_on, **values}
        problems = action_problems(action.partnership, merged, limit)
        refusals += [(action.title, str(problem)) for problem in problems]
        planned.append((action, values))
    if refusals:
        raise BulkRefused(refusals)
    try:
        for action, values in planned:
            apply_edit(action, versions[action.id], values)
        db.session.flush()
    except (EditConflict, StaleDataError):
        raise BulkRefused([("One of the actions", "someone saved it at the same moment: "
                            "select the actions again")]) from None
    return [action for action, _ in planned]
