"""The business plan's rules and readings.

Plans, objectives (Part A strategic objectives, Part B one-year activities, learning hub
priorities) and phases are kept here; so are the readings the pages and the PDF share: a
plan's reporting year with each objective's roll-up, an objective's page, the "little or no
progress" list and carrying unfinished actions into the next year.

Every list of actions comes from :func:`partnership.actions.queries.tracked` (one query,
each action rated by the one RAG rule), so each reading costs a fixed number of queries
whatever the size of the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from partnership import clock
from partnership.actions import rules
from partnership.actions.models import Action, ProgressUpdate
from partnership.actions.queries import (
    ActionFilter,
    Rollup,
    TrackedAction,
    rollup,
    rollups_by,
    tracked,
)
from partnership.actions.rag import Rag
from partnership.audit.models import AuditEvent
from partnership.audit.services import history_of
from partnership.clock import today
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.kernel.dates import long_date, reporting_year, year_label, year_span
from partnership.kernel.enums import LabelledEnum
from partnership.kernel.errors import DomainError
from partnership.plans.models import Objective, Part, Phase, Plan
from partnership.policy import readable
from partnership.register.models import Body, Partnership
from partnership.register.services.bodies import bodies_of, history_with_parts

PART_ORDER = (Part.STRATEGIC, Part.ACTIVITY, Part.PRIORITY)
PART_LETTERS = {Part.STRATEGIC: "A", Part.ACTIVITY: "B", Part.PRIORITY: "P"}
YEARS_OFFERED = 6  # reporting years offered either side of the current one
CARRY_LOOKBACK = dt.timedelta(days=183)  # about half a year: "the year nearest its end"


class PlanError(DomainError):
    """A change to a plan that breaks one of its rules; ``field`` names where it belongs."""


# --- periods and years -----------------------------------------------------------------------


def start_month(plan: Plan) -> int:
    """Return the month the plan's partnership starts its reporting year in."""
    return plan.partnership.year_start_month


def span_label(first: int, last: int, month: int = 4) -> str:
    """Name a run of reporting years: "2023-26" (April starts), "2023-2025" (calendar years).

    Like :func:`partnership.kernel.dates.year_label`, the dash is an en dash.
    """
    if first == last:
        return year_label(first, month)
    if month == 1:
        return f"{first}\u2013{last}"
    return f"{first}\u2013{(last + 1) % 100:02d}"


def period_label(plan: Plan) -> str:
    """Name the plan's period: "2023-26" (with an en dash)."""
    return span_label(plan.first_year, plan.last_year, start_month(plan))


def plan_year_label(plan: Plan, year: int) -> str:
    """Name one of the plan's reporting years: "2025-26" (with an en dash)."""
    return year_label(year, start_month(plan))


def plan_span(plan: Plan) -> tuple[dt.date, dt.date]:
    """Return the first and last day of the plan's period."""
    month = start_month(plan)
    return year_span(plan.first_year, month)[0], year_span(plan.last_year, month)[1]


def year_choices(partnership: Partnership, plan: Plan | None = None,
                 on: dt.date | None = None) -> list[tuple[int, str]]:
    """Offer the partnership's reporting years around the current one (and the plan's own)."""
    month = partnership.year_start_month
    current = reporting_year(on or today(), month)
    years = set(range(current - YEARS_OFFERED, current + YEARS_OFFERED + 1))
    if plan is not None and plan.first_year is not None:
        years |= set(plan.years)
    return [(year, year_label(year, month)) for year in sorted(years)]


def default_year(plan: Plan, on: dt.date) -> int:
    """Return the reporting year a plan's page opens at: the current one, kept in the period."""
    current = reporting_year(on, start_month(plan))
    return min(max(current, plan.first_year), plan.last_year)


def chosen_year(plan: Plan, raw: str | None, on: dt.date) -> int:
    """Read ``?year=`` (2025, or "2025-26"); a year outside the plan gives the default."""
    text = (raw or "").strip()
    year = int(text[:4]) if text[:4].isdigit() else None
    return year if year is not None and year in plan.years else default_year(plan, on)


# --- lists of plans --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    """A plan as the lists show it."""

    plan: Plan
    period: str
    objectives: int

    @property
    def partnership(self) -> Partnership:
        """The partnership the plan belongs to."""
        return self.plan.partnership


def plan_rows(partnership: Partnership | None = None) -> list[PlanRow]:
    """List plans (every partnership's, or one's) with their objective counts: one query."""
    counts = (sa.select(Objective.plan_id, sa.func.count(Objective.id).label("n"))
              .group_by(Objective.plan_id).subquery())
    stmt = (sa.select(Plan, sa.func.coalesce(counts.c.n, 0))
            .join(Plan.partnership).outerjoin(counts, counts.c.plan_id == Plan.id)
            .options(contains_eager(Plan.partnership)).where(readable(Plan))
            .order_by(Partnership.name, Plan.first_year.desc(), Plan.id))
    if partnership is not None:
        stmt = stmt.where(Plan.partnership_id == partnership.id)
    return [PlanRow(plan, period_label(plan), int(count))
            for plan, count in db.session.execute(stmt)]


def plan_or_404(plan_id: int) -> Plan:
    """Return a plan (with its partnership), or answer 404."""
    plan = db.session.scalars(sa.select(Plan).where(Plan.id == plan_id, readable(Plan))
                              .options(joinedload(Plan.partnership))).first()
    if plan is None:
        abort(404)
    return plan


def objective_or_404(objective_id: int) -> Objective:
    """Return an objective (with its plan, partnership and phases), or answer 404."""
    objective = db.session.scalars(
        sa.select(Objective).where(Objective.id == objective_id, readable(Objective))
        .options(joinedload(Objective.plan).joinedload(Plan.partnership),
                 joinedload(Objective.lead_body), joinedload(Objective.joint_with),
                 selectinload(Objective.phases))).first()
    if objective is None:
        abort(404)
    return objective


def phase_or_404(phase_id: int) -> Phase:
    """Return a phase (with its objective and plan), or answer 404."""
    phase = db.session.scalars(
        sa.select(Phase).where(Phase.id == phase_id, readable(Phase))
        .options(joinedload(Phase.objective).joinedload(Objective.plan)
                 .joinedload(Plan.partnership))).first()
    if phase is None:
        abort(404)
    return phase


def objectives_in_order(plan: Plan) -> list[Objective]:
    """Return the plan's objectives: Part A, then Part B, then priorities, each by number."""
    found = db.session.scalars(
        sa.select(Objective).where(Objective.plan_id == plan.id)
        .options(joinedload(Objective.lead_body), joinedload(Objective.joint_with),
                 selectinload(Objective.phases))).unique()
    return sorted(found, key=lambda o: (PART_ORDER.index(o.part), o.position, o.id))


# --- plans -----------------------------------------------------------------------------------


def plan_problems(partnership: Partnership, plan: Plan | None,
                  values: Mapping[str, Any]) -> list[PlanError]:
    """Return every rule the values break for a new (None) or existing plan.

    A partnership's plans may not overlap: each reporting year belongs to one plan, so
    "the plan for 2025-26" (its page, its PDF, carrying forward, the yearly report) is never
    ambiguous. A plan cannot shrink past the years its objectives and actions belong to.
    """
    first, last = values.get("first_year"), values.get("last_year")
    month = partnership.year_start_month
    if first is None or last is None:
        return []
    if last < first:
        return [PlanError("The last reporting year must be the same as or after the first",
                          "last_year")]
    problems = []
    clash = db.session.scalars(
        sa.select(Plan).where(Plan.partnership_id == partnership.id,
                              Plan.id != (plan.id if plan is not None else -1),
                              Plan.first_year <= last, Plan.last_year >= first)
        .order_by(Plan.first_year)).first()
    if clash is not None:
        problems.append(PlanError(
            f"{clash.title} already covers {span_label(clash.first_year, clash.last_year, month)}."
            " A partnership's plans cannot overlap: choose years outside it, or change that "
            "plan first", "first_year"))
    if plan is not None and plan.id is not None:
        years = db.session.execute(
            sa.select(sa.func.min(Objective.year), sa.func.max(Objective.year))
            .where(Objective.plan_id == plan.id)).one()
        acted = db.session.execute(
            sa.select(sa.func.min(Action.year), sa.func.max(Action.year))
            .join(Objective, Objective.id == Action.objective_id)
            .where(Objective.plan_id == plan.id)).one()
        lows = [y for y in (years[0], acted[0]) if y is not None]
        highs = [y for y in (years[1], acted[1]) if y is not None]
        if lows and min(lows) < first:
            problems.append(PlanError(
                f"The plan has activities or actions for {year_label(min(lows), month)}, "
                "so its first year cannot be later than that", "first_year"))
        if highs and max(highs) > last:
            problems.append(PlanError(
                f"The plan has activities or actions for {year_label(max(highs), month)}, "
                "so its last year cannot be earlier than that", "last_year"))
    return problems


def _raise_first(problems: Sequence[PlanError]) -> None:
    if problems:
        raise problems[0]


def create_plan(partnership: Partnership, values: Mapping[str, Any]) -> Plan:
    """Add a plan to a partnership, or raise PlanError."""
    _raise_first(plan_problems(partnership, None, values))
    plan = Plan(partnership=partnership, **values)
    db.session.add(plan)
    db.session.flush()
    return plan


def update_plan(plan: Plan, started_from: object, values: Mapping[str, Any]) -> bool:
    """Change a plan if the rules allow and the editor saw its current version."""
    _raise_first(plan_problems(plan.partnership, plan, values))
    return apply_edit(plan, started_from, values)


def plan_history(plan: Plan) -> list[AuditEvent]:
    """Return the changes to a plan, newest first."""
    return history_of(plan)


# --- objectives ------------------------------------------------------------------------------


def lead_body_options(plan: Plan, objective: Objective | None = None) -> list[Body]:
    """Return the bodies that may lead an objective: the partnership's (and its current one)."""
    options = bodies_of(plan.partnership)
    if objective is not None and objective.lead_body is not None \
            and objective.lead_body not in options:
        options.append(objective.lead_body)
    return options


def joint_options(plan: Plan) -> list[Partnership]:
    """Return the partnerships an objective may be run jointly with: every other one."""
    return list(db.session.scalars(
        sa.select(Partnership).where(Partnership.id != plan.partnership_id)
        .order_by(Partnership.name)))


def next_position(plan: Plan, part: Part) -> int:
    """Return the number that puts an objective at the end of its part."""
    highest = db.session.scalar(sa.select(sa.func.max(Objective.position)).where(
        Objective.plan_id == plan.id, Objective.part == part))
    return (highest or 0) + 1


def objective_problems(plan: Plan, objective: Objective | None,
                       values: Mapping[str, Any]) -> list[PlanError]:
    """Return every rule the values break for a new (None) or existing objective.

    Part A objectives run for the whole plan (no year); Part B activities and priorities
    belong to one of its reporting years. Numbers are unique within a part of the plan.
    """
    part: Part = values["part"]
    year: int | None = values.get("year")
    position: int | None = values.get("position")
    problems = []
    if part is Part.STRATEGIC and year is not None:
        problems.append(PlanError(
            "A Part A objective runs for the whole plan: leave the year as "
            "\u201cThe whole plan\u201d", "year"))
    elif part is not Part.STRATEGIC and year is None:
        kind = "activity" if part is Part.ACTIVITY else "priority"
        problems.append(PlanError(f"Select the reporting year of the {kind}", "year"))
    elif year is not None and year not in plan.years:
        problems.append(PlanError(
            f"The year must be within the plan's period, {period_label(plan)}", "year"))
    if position is not None:
        clash = db.session.scalars(sa.select(Objective).where(
            Objective.plan_id == plan.id, Objective.part == part,
            Objective.position == position,
            Objective.id != (objective.id if objective is not None else -1))).first()
        if clash is not None:
            problems.append(PlanError(
                f"{PART_LETTERS[part]}{position} is already \u201c{clash.title}\u201d. "
                "Choose another number", "position"))
    joint = values.get("joint_with")
    if joint is not None and joint.id == plan.partnership_id:
        problems.append(PlanError(
            "Select the other partnership it is run with, not this one", "joint_with"))
    if objective is not None and objective.phases and year != objective.year:
        window = _phase_window(plan, year)
        outside = [p.name for p in objective.phases
                   if not (window[0] <= p.planned_start and p.planned_end <= window[1])]
        if outside:
            problems.append(PlanError(
                f"Its phases ({', '.join(outside)}) would fall outside the new year: "
                "change their dates first", "year"))
    return problems


def create_objective(plan: Plan, values: Mapping[str, Any]) -> Objective:
    """Add an objective, activity or priority to a plan, or raise PlanError."""
    _raise_first(objective_problems(plan, None, values))
    fields = dict(values)
    if fields.get("position") is None:
        fields["position"] = next_position(plan, fields["part"])
    objective = Objective(plan=plan, **fields)
    db.session.add(objective)
    db.session.flush()
    return objective


def update_objective(objective: Objective, started_from: object,
                     values: Mapping[str, Any]) -> bool:
    """Change an objective if the rules allow and the editor saw its current version."""
    _raise_first(objective_problems(objective.plan, objective, values))
    fields = dict(values)
    if fields.get("position") is None:
        fields["position"] = (objective.position if fields["part"] is objective.part
                              else next_position(objective.plan, fields["part"]))
    return apply_edit(objective, started_from, fields)


def objective_history(objective: Objective) -> list[AuditEvent]:
    """Return the changes to an objective and its phases, newest first."""
    return history_with_parts(objective, list(objective.phases), "phase", "objective_id")


# --- phases ----------------------------------------------------------------------------------


def _phase_window(plan: Plan, year: int | None) -> tuple[dt.date, dt.date]:
    return year_span(year, start_month(plan)) if year is not None else plan_span(plan)


def phase_window(objective: Objective) -> tuple[dt.date, dt.date]:
    """Return the days a phase may be planned in: its priority's year (or the plan's period)."""
    return _phase_window(objective.plan, objective.year)


def phase_problems(objective: Objective, values: Mapping[str, Any],
                   on: dt.date | None = None) -> list[PlanError]:
    """Return every rule the values break for a phase of this objective."""
    start, end = values.get("planned_start"), values.get("planned_end")
    first, last = phase_window(objective)
    plan = objective.plan
    within = (plan_year_label(plan, objective.year) if objective.year is not None
              else f"the plan's period, {period_label(plan)}")
    problems = []
    for name, day, label in (("planned_start", start, "planned start"),
                             ("planned_end", end, "planned end")):
        if day is not None and not first <= day <= last:
            problems.append(PlanError(
                f"The {label} must be within {within}: between {long_date(first)} and "
                f"{long_date(last)}", name))
    if start is not None and end is not None and end < start and not problems:
        problems.append(PlanError(
            "The planned end must be the same as or after the planned start", "planned_end"))
    completed = values.get("completed_on")
    if completed is not None and completed > (on or today()):
        problems.append(PlanError("The date it was completed must be today or in the past",
                                  "completed_on"))
    return problems


def next_phase_position(objective: Objective) -> int:
    """Return the position that puts a phase after the objective's others."""
    return max((p.position for p in objective.phases), default=0) + 1


def create_phase(objective: Objective, values: Mapping[str, Any]) -> Phase:
    """Add a phase to an objective, or raise PlanError."""
    _raise_first(phase_problems(objective, values))
    fields = dict(values)
    if fields.get("position") is None:
        fields["position"] = next_phase_position(objective)
    phase = Phase(objective=objective, **fields)
    db.session.add(phase)
    db.session.flush()
    return phase


def update_phase(phase: Phase, started_from: object, values: Mapping[str, Any]) -> bool:
    """Change a phase if the rules allow and the editor saw its current version."""
    _raise_first(phase_problems(phase.objective, values))
    fields = dict(values)
    if fields.get("position") is None:
        fields["position"] = phase.position
    return apply_edit(phase, started_from, fields)


class PhaseState(LabelledEnum):
    """Where a phase stands, derived from its dates, its completion and its actions."""

    COMPLETE = "complete"
    ACTIONS_DONE = "actions_done"
    OVERDUE = "overdue"
    AT_RISK = "at_risk"
    UNDER_WAY = "under_way"
    NOT_DUE = "not_due"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"actions_done": "Actions complete", "overdue": "Past its planned end",
                "at_risk": "Needs attention", "under_way": "Under way",
                "not_due": "Not due to start"}


@dataclass(frozen=True)
class PhaseEntry:
    """A phase with its derived state, the reason in words, and its actions' roll-up."""

    phase: Phase
    state: PhaseState
    note: str
    months: str
    rollup: Rollup


def months_label(start: dt.date, end: dt.date) -> str:
    """Name the months a phase is planned for: "April to June 2025", "May 2025"."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%B %Y}"
    if start.year == end.year:
        return f"{start:%B} to {end:%B %Y}"
    return f"{start:%B %Y} to {end:%B %Y}"


def phase_state(phase: Phase, actions: Sequence[TrackedAction],
                on: dt.date) -> tuple[PhaseState, str]:
    """Derive a phase's state, in this order.

    1. It has a completion date: complete.
    2. It has actions and every one is complete (or closed, with at least one complete):
       its actions are done, and the phase waits for its completion date.
    3. Its planned end has passed: past its planned end.
    4. It has started and one of its actions is red, amber or waiting for an update:
       under way, needs attention.
    5. It has started: under way. Otherwise: not due to start.
    """
    if phase.completed_on is not None:
        return PhaseState.COMPLETE, f"Completed on {long_date(phase.completed_on)}"
    rags = [a.rag for a in actions]
    if rags and Rag.COMPLETE in rags and all(r in (Rag.COMPLETE, Rag.CLOSED) for r in rags):
        return PhaseState.ACTIONS_DONE, "Every action is complete; record when the phase ended"
    if phase.planned_end < on:
        return PhaseState.OVERDUE, (f"Planned to end on {long_date(phase.planned_end)}; "
                                    "no completion date recorded")
    if phase.planned_start <= on:
        attention = sum(a.judgement.needs_attention for a in actions)
        if attention:
            many = attention != 1
            return PhaseState.AT_RISK, (f"Under way; {attention} of its actions "
                                        f"need{'' if many else 's'} attention")
        return PhaseState.UNDER_WAY, f"Planned to end on {long_date(phase.planned_end)}"
    return PhaseState.NOT_DUE, f"Planned to start on {long_date(phase.planned_start)}"


def _phase_of_actions(phase_ids: Iterable[int], action_ids: Iterable[int]) -> dict[int, int]:
    """Map action id -> phase id for these actions (one query, none if there are no phases)."""
    phase_ids, action_ids = sorted(set(phase_ids)), sorted(set(action_ids))
    if not phase_ids or not action_ids:
        return {}
    rows = db.session.execute(sa.select(Action.id, Action.phase_id)
                              .where(Action.phase_id.in_(phase_ids)))
    wanted = set(action_ids)
    return {action_id: phase_id for action_id, phase_id in rows if action_id in wanted}


def phase_entries(phases: Sequence[Phase], actions: Sequence[TrackedAction],
                  phase_of: Mapping[int, int], on: dt.date) -> list[PhaseEntry]:
    """Describe each phase: state, months and its actions' roll-up."""
    entries = []
    for phase in phases:
        own = [a for a in actions if phase_of.get(a.id) == phase.id]
        state, note = phase_state(phase, own, on)
        entries.append(PhaseEntry(phase, state, note,
                                  months_label(phase.planned_start, phase.planned_end),
                                  rollup(own)))
    return entries


# --- a plan's year ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveEntry:
    """An objective as a year of the plan shows it: its actions that year and their roll-up."""

    objective: Objective
    actions: list[TrackedAction]
    rollup: Rollup
    phases: list[PhaseEntry]
    completed_last_year: list[TrackedAction]
    from_another_year: bool  # a Part B activity or priority of another year, with actions now


@dataclass(frozen=True)
class PartSection:
    """One part of the plan (A, B or the priorities) for a year."""

    part: Part
    heading: str
    entries: list[ObjectiveEntry]


@dataclass(frozen=True)
class PlanYear:
    """Everything a plan's page and its PDF show for one reporting year."""

    plan: Plan
    year: int
    label: str
    period: str
    first_day: dt.date
    last_day: dt.date
    sections: list[PartSection]
    rollup: Rollup
    previous_label: str | None  # the year before, if the plan covers it

    @property
    def objective_count(self) -> int:
        """How many objectives the year shows."""
        return sum(len(s.entries) for s in self.sections)


def part_heading(plan: Plan, part: Part, year: int) -> str:
    """Head a part of the plan for a year, as the familiar layout does."""
    if part is Part.STRATEGIC:
        return f"Part A: strategic objectives {period_label(plan)}"
    if part is Part.ACTIVITY:
        return f"Part B: one-year activities {plan_year_label(plan, year)}"
    return f"Learning hub priorities {plan_year_label(plan, year)}"


def plan_year(plan: Plan, year: int, on: dt.date, *,
              with_last_year: bool = False) -> PlanYear:
    """Read a year of the plan: Part A objectives, that year's Part B activities and hub
    priorities (and any from another year that have actions this year), each with its
    actions this year, their roll-up and (for priorities) the phases.

    A fixed number of queries: objectives (with phases), the year's actions, the phases'
    actions and, ``with_last_year``, the previous year's actions.
    """
    month = start_month(plan)
    objectives = objectives_in_order(plan)
    actions = tracked(ActionFilter(plan_id=plan.id, year=year), on)
    by_objective: dict[int | None, list[TrackedAction]] = {}
    for action in actions:
        by_objective.setdefault(action.objective_id, []).append(action)
    rollups = rollups_by(actions, "objective_id")
    previous: dict[int | None, list[TrackedAction]] = {}
    has_previous = year - 1 in plan.years
    if with_last_year and has_previous:
        for action in tracked(ActionFilter(plan_id=plan.id, year=year - 1), on):
            if action.rag is Rag.COMPLETE:
                previous.setdefault(action.objective_id, []).append(action)
    shown = [o for o in objectives
             if o.part is Part.STRATEGIC or o.year == year or o.id in by_objective]
    phase_of = _phase_of_actions([p.id for o in shown for p in o.phases],
                                 [a.id for a in actions])
    sections = []
    for part in PART_ORDER:
        entries = [
            ObjectiveEntry(
                objective=o, actions=by_objective.get(o.id, []),
                rollup=rollups.get(o.id) or rollup([]),
                phases=phase_entries(o.phases, by_objective.get(o.id, []), phase_of, on),
                completed_last_year=previous.get(o.id, []),
                from_another_year=o.part is not Part.STRATEGIC and o.year != year)
            for o in shown if o.part is part]
        sections.append(PartSection(part, part_heading(plan, part, year), entries))
    first_day, last_day = year_span(year, month)
    return PlanYear(plan=plan, year=year, label=year_label(year, month),
                    period=period_label(plan), first_day=first_day, last_day=last_day,
                    sections=sections, rollup=rollup(actions),
                    previous_label=year_label(year - 1, month) if has_previous else None)


# --- an objective's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class Impact:
    """The newest evidence of impact recorded for an objective's actions."""

    text: str
    day: dt.date | None
    action_id: int
    action_title: str
    from_update: bool
    author: str


def latest_impact(objective_id: int) -> Impact | None:
    """Return the newest non-empty evidence of impact among the objective's actions' progress
    updates and the actions themselves: one query.

    An update counts as of the day it speaks for; an action's own evidence as of its
    completion date. Undated evidence comes after dated, newest recorded first.
    """
    updates = (
        sa.select(ProgressUpdate.impact.label("text"), ProgressUpdate.recorded_on.label("day"),
                  ProgressUpdate.created_at.label("stamp"), Action.id.label("action_id"),
                  Action.title.label("title"), sa.literal(True).label("from_update"),
                  ProgressUpdate.author_name.label("author"),
                  ProgressUpdate.id.label("row_id"))
        .join(Action, Action.id == ProgressUpdate.action_id)
        .where(Action.objective_id == objective_id, ProgressUpdate.impact != "",
               readable(Action)))
    own = (
        sa.select(Action.impact.label("text"), Action.completed_on.label("day"),
                  Action.created_at.label("stamp"), Action.id.label("action_id"),
                  Action.title.label("title"), sa.literal(False).label("from_update"),
                  sa.literal("").label("author"), Action.id.label("row_id"))
        .where(Action.objective_id == objective_id, Action.impact != "", readable(Action)))
    both = sa.union_all(updates, own).subquery("impact")
    row = db.session.execute(
        sa.select(both).where(sa.func.trim(both.c.text) != "")
        .order_by(both.c.day.desc().nulls_last(), both.c.stamp.desc(),
                  both.c.from_update.desc(), both.c.row_id.desc())
        .limit(1)).first()
    if row is None:
        return None
    day = row.day
    if isinstance(day, str):  # SQLite hands back a union's dates as text
        day = dt.date.fromisoformat(day[:10])
    return Impact(text=row.text, day=day, action_id=row.action_id, action_title=row.title,
                  from_update=bool(row.from_update), author=row.author or "")


@dataclass(frozen=True)
class YearRollup:
    """An objective's actions of one reporting year, summed up."""

    year: int
    label: str
    rollup: Rollup


@dataclass(frozen=True)
class ObjectiveView:
    """Everything an objective's page shows."""

    objective: Objective
    actions: list[TrackedAction]
    rollup: Rollup
    years: list[YearRollup]
    impact: Impact | None
    phases: list[PhaseEntry]


def objective_view(objective: Objective, on: dt.date) -> ObjectiveView:
    """Read an objective's page: its actions (every year), roll-ups overall and per year,
    the latest evidence of impact and its phases, in a fixed number of queries."""
    actions = tracked(ActionFilter(objective_id=objective.id), on)
    month = start_month(objective.plan)
    per_year = rollups_by(actions, "year")
    years = [YearRollup(y, year_label(y, month), per_year[y]) for y in sorted(per_year)]
    phase_of = _phase_of_actions([p.id for p in objective.phases], [a.id for a in actions])
    return ObjectiveView(
        objective=objective, actions=actions, rollup=rollup(actions), years=years,
        impact=latest_impact(objective.id),
        phases=phase_entries(objective.phases, actions, phase_of, on))


# --- little or no progress -------------------------------------------------------------------


@dataclass(frozen=True)
class ActionGap:
    """An action listed for little or no progress, and why."""

    action: TrackedAction
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ObjectiveGap:
    """An objective with little or no progress in a period, or with actions that have.

    ``reasons`` say why the objective itself is listed; it is empty when only some of its
    actions are (``actions``, each with its own reasons).
    """

    objective_id: int
    reference: str
    title: str
    part: Part
    reasons: tuple[str, ...]
    actions: tuple[ActionGap, ...]

    @property
    def listed(self) -> bool:
        """Say whether the objective itself is listed (not just some of its actions)."""
        return bool(self.reasons)


NO_ACTIONS = "No actions for the period"
NO_UPDATE = "No progress update in the period"
ONLY_RED_AMBER = "Every rated action is red or amber"


def no_completion_reason(start: dt.date, end: dt.date) -> str:
    """Say that nothing was completed in the period, in words."""
    return f"No action completed between {long_date(start)} and {long_date(end)}"


def _overlaps(first: dt.date, last: dt.date, start: dt.date, end: dt.date) -> bool:
    return first <= end and start <= last


def _updated_in(plan: Plan, start: dt.date, end: dt.date) -> set[int]:
    """Return the ids of the plan's actions with a progress update dated in the period."""
    return set(db.session.scalars(
        sa.select(ProgressUpdate.action_id).distinct()
        .join(Action, Action.id == ProgressUpdate.action_id)
        .join(Objective, Objective.id == Action.objective_id)
        .where(Objective.plan_id == plan.id,
               ProgressUpdate.recorded_on >= start, ProgressUpdate.recorded_on <= end)))


def little_or_no_progress(plan: Plan, start: dt.date, end: dt.date,
                          today: dt.date) -> list[ObjectiveGap]:
    """List the objectives and actions that made little or no progress from ``start`` to
    ``end`` (both days included), each with the reasons it is listed.

    The rule:

    * The actions that count for a period are the plan's actions whose reporting year
      overlaps it, less those cancelled or carried forward (decisions, not a lack of
      progress; a carried-forward action's copy counts in its own year). Everything is
      judged on the period's end (``today``, if earlier), each action as it stood that
      day (:mod:`partnership.actions.rules`, read back from its progress log for a past
      day): the RAG rule's rating, complete, cancelled or carried forward.
    * An objective counts if it is a Part A objective, or an activity or priority whose
      year overlaps the period (or that has actions that count). It is listed:

      - "No actions for the period" if none of its actions count (and for that alone);
      - "No action completed between <start> and <end>" if none of its actions was
        completed in the period (complete, with a completion date in the period or none);
      - "No progress update in the period" if none of its actions has an update dated in
        the period;
      - "Every rated action is red or amber" if at least one of its actions is red or
        amber and none is green or complete (deferred and ongoing ones are not rated).

    * An action is listed in its own right only while it was unfinished at the end of the
      period (not complete by ``end``, not deferred, and due to start by ``end``):

      - "No progress update in the period" if it has no update dated in the period;
      - "Rated red: <why>" or "Rated amber: <why>" if the rule rated it so that day.

    The objectives come in plan order (A, B, priorities, by number); an objective with no
    reason of its own is still returned when some of its actions are listed.
    """
    month = start_month(plan)
    updated = _updated_in(plan, start, end)
    counted: dict[int | None, list[TrackedAction]] = {}
    on = min(today, end)  # a past day is read back from the progress logs
    for action in tracked(ActionFilter(plan_id=plan.id), on, from_log=on < clock.today()):
        first, last = year_span(action.year, month)
        if not rules.closed_by(action, on) and _overlaps(first, last, start, end):
            counted.setdefault(action.objective_id, []).append(action)
    gaps = []
    for objective in objectives_in_order(plan):
        actions = counted.get(objective.id, [])
        if objective.part is not Part.STRATEGIC and not actions:
            first, last = year_span(objective.year or plan.first_year, month)
            if not _overlaps(first, last, start, end):
                continue
        reasons = _objective_reasons(actions, updated, start, end)
        action_gaps = tuple(gap for gap in (_action_gap(a, updated, end) for a in actions)
                            if gap is not None)
        if reasons or action_gaps:
            gaps.append(ObjectiveGap(objective.id, objective.reference, objective.title,
                                     objective.part, reasons, action_gaps))
    return gaps


def _objective_reasons(actions: Sequence[TrackedAction], updated: set[int],
                       start: dt.date, end: dt.date) -> tuple[str, ...]:
    if not actions:
        return (NO_ACTIONS,)
    reasons = []
    if not any(rules.completed_in(a, start, end) for a in actions):
        reasons.append(no_completion_reason(start, end))
    if not any(a.id in updated for a in actions):
        reasons.append(NO_UPDATE)
    rated = [a.rag for a in actions if a.rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE)]
    if rated and all(r in (Rag.RED, Rag.AMBER) for r in rated):
        reasons.append(ONLY_RED_AMBER)
    return tuple(reasons)


def _action_gap(action: TrackedAction, updated: set[int], end: dt.date) -> ActionGap | None:
    if not rules.unfinished_at(action, end):
        return None
    reasons = []
    if action.id not in updated:
        reasons.append(NO_UPDATE)
    if action.rag in (Rag.RED, Rag.AMBER):
        why = "; ".join(action.judgement.reasons)
        reasons.append(f"Rated {action.rag.label.lower()}: {why}")
    return ActionGap(action, tuple(reasons)) if reasons else None


# --- carrying unfinished actions forward -----------------------------------------------------


@dataclass(frozen=True)
class CarryCandidate:
    """An unfinished action that can be carried into the next year, and its new target."""

    action: TrackedAction
    new_target: dt.date | None

    @property
    def target_cleared(self) -> bool:
        """Say whether the target date is dropped (it falls before the next year starts)."""
        return self.action.target_date is not None and self.new_target is None


def carry_years(plan: Plan) -> list[int]:
    """Return the years whose actions can be carried forward: all but the plan's last."""
    return list(range(plan.first_year, plan.last_year))


def default_carry_year(plan: Plan, on: dt.date) -> int | None:
    """Return the year to offer first: the one nearest its end (ended, or ending, within
    about half a year of ``on``), kept to the years that have a next year in the plan."""
    years = carry_years(plan)
    if not years:
        return None
    year = reporting_year(on - CARRY_LOOKBACK, start_month(plan))
    return min(max(year, years[0]), years[-1])


def chosen_carry_year(plan: Plan, raw: str | None, on: dt.date) -> int | None:
    """Read ``?year=`` for carrying forward; a year that cannot be carried gives the default."""
    text = (raw or "").strip()
    year = int(text[:4]) if text[:4].isdigit() else None
    return year if year in carry_years(plan) else default_carry_year(plan, on)


def carry_candidates(plan: Plan, year: int, on: dt.date) -> list[CarryCandidate]:
    """List the year's open actions (not complete, cancelled, deferred or already carried).

    A carried action keeps its target date only if the date falls in the next year or
    later; an earlier one is cleared, so the copy is not red on its first day and its lead
    sets a new date.
    """
    next_start = year_span(year + 1, start_month(plan))[0]
    return [CarryCandidate(a, a.target_date if a.target_date and a.target_date >= next_start
                           else None)
            for a in tracked(ActionFilter(plan_id=plan.id, year=year), on) if a.is_open]


def carry_forward(plan: Plan, year: int, action_ids: Iterable[int],
                  on: dt.date) -> list[Action]:
    """Carry the chosen open actions of ``year`` into the next year, as new linked actions.

    Each copy keeps the title, detail, objective, phase, source, owning body, lead agency,
    lead officer, status and per cent complete; its target date follows
    :func:`carry_candidates`; its start date is kept only if it falls in the next year.
    The old action then reads "carried forward" (the RAG rule closes it). All or nothing:
    an action that can no longer be carried (finished, or carried by someone else
    meanwhile) refuses the lot. The caller commits, or rolls back on PlanError.
    """
    chosen = sorted(set(action_ids))
    if year + 1 not in plan.years:
        raise PlanError(f"{plan_year_label(plan, year)} is the plan's last year: there is no "
                        "next year in this plan to carry actions into", "year")
    if not chosen:
        raise PlanError("Select the actions to carry forward", "action_ids")
    candidates = {c.action.id: c for c in carry_candidates(plan, year, on)}
    gone = [i for i in chosen if i not in candidates]
    if gone:
        raise PlanError("Some of the actions you selected can no longer be carried forward: "
                        "they have been finished or carried forward since the list was shown. "
                        "Check the list again", "action_ids")
    next_start = year_span(year + 1, start_month(plan))[0]
    originals = db.session.scalars(sa.select(Action).where(Action.id.in_(chosen))
                                   .order_by(Action.id)).all()
    copies = []
    for old in originals:
        copy = Action(
            partnership_id=old.partnership_id, year=year + 1, title=old.title,
            detail=old.detail, objective_id=old.objective_id, phase_id=old.phase_id,
            meeting_id=old.meeting_id, source_note=old.source_note, body_id=old.body_id,
            lead_agency_id=old.lead_agency_id, lead_person_id=old.lead_person_id,
            start_date=old.start_date if old.start_date and old.start_date >= next_start
            else None,
            target_date=candidates[old.id].new_target, status=old.status,
            percent_complete=old.percent_complete, carried_from_id=old.id)
        db.session.add(copy)
        copies.append(copy)
    try:
        db.session.flush()
    except IntegrityError:  # someone carried one of them between the check and the save
        raise PlanError("Someone else carried some of these actions forward while you were "
                        "choosing. Nothing has been carried: check the list again",
                        "action_ids") from None
    return copies
