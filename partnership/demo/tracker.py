"""Load the demo business plans, actions and meetings, and the scaled synthetic tracker.

The demo (:func:`load_demo_tracker`) is built through the ORM, so its audit trail looks like
any other; the scaled data (:func:`load_synthetic_tracker`) is written with bulk inserts, so
thousands of actions and tens of thousands of progress updates load in seconds. Both are
dated relative to the day they are loaded: whenever the demo is loaded it shows actions done
last year, some carried forward, and this year's mix of red, amber, green, update overdue,
deferred and ongoing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from partnership import clock
from partnership.actions.models import Action, ProgressUpdate, Status
from partnership.database import utcnow
from partnership.demo.actions import (
    DAY,
    FILLERS,
    Directory,
    Scenario,
    Timeline,
    add_action,
    arising,
    phase_timeline,
    timeline,
)
from partnership.demo.meetings import MeetingBuilder, add_majority_decisions, meeting_dates
from partnership.demo.plans import (
    CURRENT,
    IOM_PLAN_INTRODUCTION,
    IOM_PRIORITIES,
    IOM_RECOMMENDATION_ACTIONS,
    PHASE_NOTES,
    PHASES,
    WSCP_OBJECTIVES,
    WSCP_PLAN_INTRODUCTION,
    ObjectiveSpec,
)
from partnership.extensions import db
from partnership.kernel.dates import reporting_year, year_label, year_span
from partnership.meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    DecisionMethod,
    Meeting,
    MeetingStatus,
    MinutesStatus,
    Presence,
    Vote,
    VoteChoice,
)
from partnership.plans.models import Objective, Part, Phase, Plan
from partnership.register.models import (
    Agency,
    Body,
    BodyKind,
    BodyMember,
    Frequency,
    Partnership,
    Person,
    StatutoryPartner,
)

DEMO_SEED = 20260401


def plan_period(first_year: int, last_year: int) -> str:
    """Name a plan's period as plans do: years 2025 to 2027 make "2025-28" (en dash)."""
    return f"{first_year}\u2013{(last_year + 1) % 100:02d}"


def load_demo_tracker(today: dt.date | None = None, *,
                      starting_meetings: Callable[[], None] | None = None) -> dict[str, int]:
    """Add the demo plans, their actions and updates, and the demo meetings (after the register)."""
    today = today or clock.today()
    rng = random.Random(DEMO_SEED)  # noqa: S311 - demo data, not security
    d = Directory()
    with db.session.no_autoflush:  # one flush at the end, not one per lazy load
        _wessexshire_plan(d, today, rng)
        _merrow_priorities(d, today, rng)
        if starting_meetings is not None:
            starting_meetings()
        _meetings(d, today, rng)
    db.session.flush()

    def count(model: type) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0

    return {"business plans": count(Plan), "objectives and priorities": count(Objective),
            "phases": count(Phase), "actions": count(Action),
            "progress updates": count(ProgressUpdate), "meetings": count(Meeting),
            "attendance records": count(Attendance), "decisions": count(Decision)}


def _wessexshire_plan(d: Directory, today: dt.date, rng: random.Random) -> Plan:
    wscp = d.partnerships["wscp"]
    current = reporting_year(today, wscp.year_start_month)
    plan = Plan(partnership=wscp, first_year=current - 1, last_year=current + 1,
                title=f"Business Plan {plan_period(current - 1, current + 1)}",
                introduction=WSCP_PLAN_INTRODUCTION, update_interval_days=42, warning_days=28)
    positions: Counter[Part] = Counter()
    for spec in WSCP_OBJECTIVES:
        positions[spec.part] += 1
        objective = Objective(
            plan=plan, part=spec.part, position=positions[spec.part], title=spec.title,
            outcome=spec.outcome, description=spec.description,
            year=current if spec.part is Part.ACTIVITY else None,
            lead_body=d.body("wscp", spec.body),
            joint_with=d.partnerships[spec.joint_with] if spec.joint_with else None)
        db.session.add(objective)
        _objective_actions(d, spec, objective, current, today, rng)
    db.session.add(plan)
    return plan


def _objective_actions(d: Directory, spec: ObjectiveSpec, objective: Objective, current: int,
                       today: dt.date, rng: random.Random) -> None:
    wscp = d.partnerships["wscp"]
    for offset, actions in sorted(spec.actions.items()):
        year = current + offset
        for action in actions:
            body = d.body("wscp", action.body or spec.body)
            line = timeline(action.scenario, year, today, rng)
            old = add_action(d, line, partnership=wscp, year=year, title=action.title,
                             beats=action.beats, rng=rng, body=body, agency=action.agency,
                             person=action.person, detail=action.detail, impact=action.impact,
                             outcome=action.outcome, objective=objective)
            if action.carried is None:
                continue
            line = timeline(action.carried.scenario, year + 1, today, rng)
            add_action(d, line, partnership=wscp, year=year + 1, title=action.title,
                       beats=action.carried.beats, rng=rng, body=body, agency=action.agency,
                       person=action.person, objective=objective, carried_from=old,
                       detail=f"Carried forward from {year_label(year)}. {action.detail}".strip())


def _merrow_priorities(d: Directory, today: dt.date, rng: random.Random) -> Plan:
    iom = d.partnerships["imscp"]
    current = reporting_year(today, iom.year_start_month)
    hub = d.body("imscp", "Learning Hub")
    plan = Plan(partnership=iom, first_year=current - 1, last_year=current + 1,
                title=f"Partnership Priorities {plan_period(current - 1, current + 1)}",
                introduction=IOM_PLAN_INTRODUCTION)
    by_year: dict[int, list[Objective]] = {}
    for offset, priorities in sorted(IOM_PRIORITIES.items()):
        year = current + offset
        first = year_span(year, iom.year_start_month)[0]
        for n, spec in enumerate(priorities):
            objective = Objective(plan=plan, part=Part.PRIORITY, position=n + 1, year=year,
                                  title=spec.title, outcome=spec.outcome, lead_body=hub,
                                  description=f"A four-month cycle led by the Learning Hub "
                                              f"({_month(first, 4 * n)} to "
                                              f"{_month(first, 4 * n + 3)}).")
            by_year.setdefault(offset, []).append(objective)
            db.session.add(objective)
            for m, (name, template) in enumerate(PHASES):
                start = _add_months(first, 4 * n + m)
                end = _add_months(start, 1) - DAY
                line = phase_timeline(start, end, today, rng)
                phase = Phase(objective=objective, position=m + 1, name=name,
                              planned_start=start, planned_end=end,
                              completed_on=line.completed_on,
                              notes=PHASE_NOTES[name] if line.updates else "")
                agency, person = ((spec.agency, spec.person) if name != "Auditing"
                                  else ("iom-cs", "iom-cs-champion"))
                add_action(d, line, partnership=iom, year=year, rng=rng, body=hub,
                           title=template.format(theme=spec.theme, sample=spec.sample),
                           beats=(f"{name} phase started.", PHASE_NOTES[name]),
                           agency=agency, person=person, objective=objective, phase=phase)
    executive = d.body("imscp", "Executive Board")
    for index, action in IOM_RECOMMENDATION_ACTIONS:
        line = timeline(action.scenario, current, today, rng)
        add_action(d, line, partnership=iom, year=current, title=action.title,
                   beats=action.beats, rng=rng, body=executive, agency=action.agency,
                   person=action.person, impact=action.impact,
                   objective=by_year[CURRENT - 1][index],
                   detail="Recommended by the Learning Hub at the end of last year's cycle.")
    db.session.add(plan)
    return plan


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def _month(day: dt.date, months: int) -> str:
    return f"{_add_months(day, months):%B %Y}"


def _meetings(d: Directory, today: dt.date, rng: random.Random) -> None:
    builder = MeetingBuilder(d, today, rng)
    held: dict[tuple[str, str], list[Meeting]] = {}
    for slug in ("wscp", "imscp"):
        bodies = sorted(d.partnerships[slug].bodies, key=lambda b: (b.position, b.id))
        for index, body in enumerate(bodies):
            meetings = builder.add_body(slug, body, index)
            held[(slug, body.name)] = [m for m in meetings if m.status is MeetingStatus.HELD]
    executive = d.body("wscp", "Executive Group")
    add_majority_decisions(d, executive, held[("wscp", "Executive Group")], today)
    names = {agency.id: agency.name for agency in d.agencies.values()}
    for (slug, name), meetings in held.items():
        body = d.body(slug, name)
        for meeting in meetings:
            builder.write_minutes(body, meeting, names)
        builder.add_arising(slug, body, meetings)


# --- The scaled synthetic data set -------------------------------------------------------


@dataclass(frozen=True)
class Lead:
    """Who owns and leads an action."""

    body_id: int | None
    agency_id: int | None
    person_id: int | None


@dataclass(frozen=True)
class NewAction:
    """One action for :meth:`BulkTracker.add_actions`."""

    year: int
    title: str
    line: Timeline
    lead: Lead
    objective_id: int | None = None
    meeting_id: int | None = None
    carried_from_id: int | None = None


CURRENT_MIX = (  # how this year's synthetic actions stand
    (Scenario.GREEN, 30), (Scenario.COMPLETE, 15), (Scenario.AMBER, 8),
    (Scenario.LATE_START, 4), (Scenario.RED, 10), (Scenario.RED_STALE, 5),
    (Scenario.STALE, 12), (Scenario.DEFERRED, 5), (Scenario.ONGOING, 8),
    (Scenario.ONGOING_STALE, 3),
)
PAST_MIX = ((Scenario.DONE, 80), (Scenario.CARRIED, 12), (Scenario.CANCELLED, 8))
TOPICS = ("neglect", "exploitation", "domestic abuse", "children's voices", "online safety",
          "early help", "education", "mental health", "learning from reviews")
MONTHLY = (24, 35)  # synthetic leads report monthly, so the log is long
VERBS = ("Review", "Audit", "Train practitioners on", "Publish guidance on", "Evaluate",
         "Report to the executive on", "Agree a protocol on", "Map services for")


class BulkTracker:
    """Writes plans, actions, updates and meetings with bulk inserts (no ORM objects, so
    no per-row audit) for the benchmark and for tests that need a lot of data."""

    def __init__(self, today: dt.date, rng: random.Random) -> None:
        self.today, self.rng = today, rng
        self.counts: Counter[str] = Counter()
        self.now = utcnow()

    def _choose(self, mix: Sequence[tuple[Scenario, int]]) -> Scenario:
        return self.rng.choices([s for s, _ in mix], weights=[w for _, w in mix])[0]

    def add_plan(self, partnership_id: int, first_year: int, last_year: int,
                 title: str) -> int:
        """Insert a plan; return its id."""
        [plan_id] = db.session.scalars(sa.insert(Plan).returning(Plan.id), [{
            "partnership_id": partnership_id, "title": title, "first_year": first_year,
            "last_year": last_year, "introduction": "", "update_interval_days": 42,
            "warning_days": 28, "version": 1}])
        self.counts["plans"] += 1
        return plan_id

    def add_objectives(self, plan_id: int, rows: Iterable[dict[str, Any]]) -> list[int]:
        """Insert objectives (part, position, title, year, lead_body_id); return their ids."""
        rows = [{"plan_id": plan_id, "outcome": "", "description": "", "year": None,
                 "lead_body_id": None, "joint_with_id": None, "version": 1, **row}
                for row in rows]
        ids = list(db.session.scalars(
            sa.insert(Objective).returning(Objective.id, sort_by_parameter_order=True), rows))
        self.counts["objectives"] += len(ids)
        return ids

    def add_actions(self, partnership_id: int, actions: Sequence[NewAction]) -> list[int]:
        """Insert actions and their progress updates; return the actions' ids."""
        if not actions:
            return []
        rows = [{
            "partnership_id": partnership_id, "year": a.year, "title": a.title[:300],
            "detail": "", "objective_id": a.objective_id, "phase_id": None,
            "meeting_id": a.meeting_id, "source_note": "", "body_id": a.lead.body_id,
            "lead_agency_id": a.lead.agency_id, "lead_person_id": a.lead.person_id,
            "start_date": a.line.start, "target_date": a.line.target, "status": a.line.status,
            "percent_complete": a.line.percent, "completed_on": a.line.completed_on,
            "outcome": "Completed as planned." if a.line.status is Status.COMPLETE else "",
            "impact": "", "carried_from_id": a.carried_from_id,
            "created_at": _at(a.line.created, 9), "version": 1,
        } for a in actions]
        ids = list(db.session.scalars(
            sa.insert(Action).returning(Action.id, sort_by_parameter_order=True), rows))
        updates = []
        for action_id, action in zip(ids, actions, strict=True):
            for point in action.line.updates:
                updates.append({
                    "action_id": action_id, "recorded_on": point.day,
                    "created_at": _at(point.day, 15), "author_id": None,
                    "author_name": "Synthetic lead", "narrative": self.rng.choice(FILLERS)
                    .format(body="subgroup", lead="The lead", agency="the lead agency"),
                    "proposed_rating": point.rating, "status": point.status,
                    "percent_complete": point.percent, "impact": "",
                    "children_and_families": self.rng.random() < 0.05, "corrects_id": None})
        if updates:
            db.session.execute(sa.insert(ProgressUpdate), updates)
        self.counts["actions"] += len(ids)
        self.counts["progress updates"] += len(updates)
        return ids

    def plan_actions(self, year: int, objective_id: int, count: int,
                     leads: Sequence[Lead]) -> list[NewAction]:
        """``count`` actions of one objective for one year, mixed as a real year would be."""
        past = year < reporting_year(self.today)
        actions = []
        for n in range(count):
            if year > reporting_year(self.today):
                scenario = Scenario.PLANNED
            else:
                scenario = self._choose(PAST_MIX if past else CURRENT_MIX)
            title = (f"{self.rng.choice(VERBS)} {self.rng.choice(TOPICS)} "
                     f"({year_label(year)}, no. {n + 1})")
            line = timeline(scenario, year, self.today, self.rng, every=MONTHLY)
            actions.append(NewAction(year, title, line, leads[n % len(leads)],
                                     objective_id=objective_id))
        return actions

    def carry_forward(self, partnership_id: int, ids: Sequence[int],
                      actions: Sequence[NewAction]) -> list[int]:
        """Carry the unfinished actions of a past year into the next one."""
        carried = []
        for action_id, action in zip(ids, actions, strict=True):
            if action.line.status is not Status.IN_PROGRESS or action.year >= reporting_year(
                    self.today):
                continue
            year = action.year + 1
            mix = PAST_MIX[:1] if year < reporting_year(self.today) else CURRENT_MIX
            line = timeline(self._choose(mix), year, self.today, self.rng, every=MONTHLY)
            carried.append(NewAction(year, action.title, line, action.lead,
                                     objective_id=action.objective_id,
                                     carried_from_id=action_id))
        return self.add_actions(partnership_id, carried)

    def add_meetings(self, body_id: int, dates: Sequence[dt.date], agency_ids: Sequence[int],
                     partner_ids: Sequence[int] = ()) -> list[int]:
        """Insert a body's meetings with agendas, attendance, minutes and (where partners are
        given) decisions, every sixth by the partners' majority; return the held ones' ids."""
        rows = []
        for day in dates:
            held = day < self.today
            rows.append({"body_id": body_id, "held_on": day, "starts_at": dt.time(10, 0),
                         "location": "Online (video call)",
                         "status": MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
                         "minutes": "Minutes of the meeting." if held else "",
                         "minutes_status": MinutesStatus.DRAFT,
                         "minutes_approved_at_id": None, "version": 1})
        ids = list(db.session.scalars(
            sa.insert(Meeting).returning(Meeting.id, sort_by_parameter_order=True), rows))
        held_ids = [i for i, row in zip(ids, rows, strict=True)
                    if row["status"] is MeetingStatus.HELD]
        table = Meeting.__table__
        approvals = [{"meeting": earlier, "approved_at": later}
                     for earlier, later in itertools.pairwise(held_ids)]
        if approvals:
            db.session.execute(
                table.update().where(table.c.id == sa.bindparam("meeting")).values(
                    minutes_status=MinutesStatus.APPROVED.value,
                    minutes_approved_at_id=sa.bindparam("approved_at")), approvals)
        agenda = [{"meeting_id": meeting_id, "position": p, "title": title, "presenter": "",
                   "notes": "", "version": 1}
                  for meeting_id in ids
                  for p, title in enumerate(("Welcome and apologies", "Minutes and actions",
                                             f"{self.rng.choice(TOPICS).capitalize()} update",
                                             "Any other business"), start=1)]
        db.session.execute(sa.insert(AgendaItem), agenda)
        presences = [Presence.PRESENT] * 16 + [Presence.DEPUTY] * 2 + [
            Presence.APOLOGIES, Presence.ABSENT]
        attendance = [{"meeting_id": meeting_id, "agency_id": agency_id,
                       "presence": self.rng.choice(presences), "attendee": "", "version": 1}
                      for meeting_id in held_ids for agency_id in agency_ids]
        if attendance:
            db.session.execute(sa.insert(Attendance), attendance)
        self.counts["meetings"] += len(ids)
        self.counts["attendance records"] += len(attendance)
        self.counts["agenda items"] += len(agenda)
        if partner_ids:
            self._decisions(held_ids, partner_ids)
        return held_ids

    def _decisions(self, meeting_ids: Sequence[int], partner_ids: Sequence[int]) -> None:
        rows = [{"meeting_id": meeting_id, "agenda_item_id": None, "position": 1,
                 "text": f"Agreed the {self.rng.choice(TOPICS)} paper's recommendations.",
                 "method": DecisionMethod.PARTNER_MAJORITY if n % 6 == 5
                 else DecisionMethod.CONSENSUS, "version": 1}
                for n, meeting_id in enumerate(meeting_ids)]
        if not rows:
            return
        ids = list(db.session.scalars(
            sa.insert(Decision).returning(Decision.id, sort_by_parameter_order=True), rows))
        votes = [{"decision_id": decision_id, "partner_id": partner_id,
                  "choice": VoteChoice.AGAINST if k == 2 and n % 4 == 0 else VoteChoice.FOR,
                  "confirmed_by_id": None, "confirmed_at": None, "version": 1}
                 for n, (decision_id, row) in enumerate(zip(ids, rows, strict=True))
                 if row["method"] is DecisionMethod.PARTNER_MAJORITY
                 for k, partner_id in enumerate(partner_ids)]
        if votes:
            db.session.execute(sa.insert(Vote), votes)
        self.counts["decisions"] += len(ids)
        self.counts["votes"] += len(votes)

    def arising_actions(self, held: Sequence[tuple[int, dt.date]], leads: Sequence[Lead],
                        every: int = 3) -> list[NewAction]:
        """An action arising from every ``every``-th held meeting."""
        return [NewAction(reporting_year(day), f"Action arising no. {n + 1}",
                          arising(day, self.today, self.rng, stuck=n % 9 == 4),
                          leads[n % len(leads)], meeting_id=meeting_id)
                for n, (meeting_id, day) in enumerate(held) if n % every == 0]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


@dataclass(frozen=True)
class Sizes:
    """How much one synthetic partnership gets."""

    strategic: int = 8        # Part A objectives
    activities: int = 3       # Part B activities (this year)
    per_year: int = 30        # actions per objective for each past and the current year
    next_year: int = 8        # actions per objective already set for next year
    per_activity: int = 16


@dataclass(frozen=True)
class Synthetic:
    """What :func:`synthetic_partnership` made, for tests that add more of the same."""

    plan_id: int
    objective_ids: list[int]
    body_ids: list[int]
    lead_body: dict[int, int]  # objective -> its lead body
    held: dict[int, list[int]]  # body -> its held meetings, oldest first
    members: dict[int, list[int]]  # body -> its member agencies
    partner_ids: list[int]
    leads: dict[int, list[Lead]]  # body -> leads for its actions


def load_synthetic_tracker(today: dt.date | None = None) -> dict[str, int]:
    """Give every synthetic partnership a four-year plan with ~900 actions and ~5,000
    progress updates, and monthly meetings of each body over the plan's years to date
    (run after the synthetic register)."""
    today = today or clock.today()
    bulk = BulkTracker(today, random.Random(DEMO_SEED))  # noqa: S311 - synthetic data
    partnerships = db.session.scalars(sa.select(Partnership).where(
        Partnership.slug.like("synthetic-%")).order_by(Partnership.id)).all()
    late = BulkTracker(today, random.Random(DEMO_SEED + 1))  # noqa: S311 - synthetic data
    for partnership in partnerships:
        made = synthetic_partnership(bulk, partnership.id)
        add_late_work(late, partnership.id, made)
        bulk.counts["actions with evidence of impact"] += add_evidence_of_impact(partnership.id)
    return {f"synthetic {what}": n for what, n in (bulk.counts + late.counts).items()}


LATE_WORK = 3  # actions of one objective, due in the last complete year, finished after it


def add_late_work(bulk: BulkTracker, partnership_id: int, made: Synthetic) -> list[int]:
    """Add a few actions of the last complete year to one Part A objective that ran past
    their targets and were finished only after the year ended, so that the year's report
    has work that made little progress to explain (the past years' mix has none); return
    their ids."""
    year = reporting_year(bulk.today) - 1
    year_end = year_span(year)[1]
    objective_id = made.objective_ids[min(3, len(made.objective_ids) - 1)]
    leads = made.leads[made.lead_body[objective_id]]
    first = Sizes().per_year
    actions = []
    for n in range(LATE_WORK):
        line = timeline(Scenario.DONE_LATE, year, bulk.today, bulk.rng, every=MONTHLY)
        if line.completed_on is not None and line.completed_on <= year_end:
            # Loaded on the new year's first day: not finished yet, rather than on time.
            line = dataclasses.replace(line, status=Status.IN_PROGRESS, percent=90,
                                       completed_on=None, updates=line.updates[:-1])
        actions.append(NewAction(year, f"{bulk.rng.choice(VERBS)} {bulk.rng.choice(TOPICS)} "
                                       f"({year_label(year)}, no. {first + n + 1})",
                                 line, leads[n % len(leads)], objective_id=objective_id))
    return bulk.add_actions(partnership_id, actions)


# What changed, as action leads write it (fictional; nobody identifiable).
EVIDENCE_OF_IMPACT = (
    "Practitioners asked three months later said they now use the guidance in their "
    "assessments, and a dip sample found it on file in most of the cases checked.",
    "Referrals from the agencies involved now say what the worry is for the child, and fewer "
    "are sent back for more information.",
    "Parents told the lead agency that they were asked for their views before their plan was "
    "agreed.",
    "Fewer cases were discussed at the multi-agency meeting without the right agencies present.",
    "Schools say they know whom to call, and the front door receives fewer contacts that need "
    "no action.",
    "A dip sample found the child's own words recorded in most of the assessments checked, "
    "where before they were rarely recorded.",
    "Managers say the protocol is used in supervision, and drift in long-running plans is "
    "picked up sooner.",
    "Health colleagues now join strategy discussions more often, so decisions are made with "
    "their information.",
)
EVIDENCE_EVERY = 6  # one completed business-plan action in six records its evidence of impact


def add_evidence_of_impact(partnership_id: int) -> int:
    """Record evidence of impact on one in six of the partnership's completed business-plan
    actions (one UPDATE); return how many."""
    done = db.session.scalars(
        sa.select(Action.id).where(Action.partnership_id == partnership_id,
                                   Action.objective_id.is_not(None),
                                   Action.status == Status.COMPLETE)
        .order_by(Action.id)).all()
    rows = [{"action": action_id, "evidence": EVIDENCE_OF_IMPACT[n % len(EVIDENCE_OF_IMPACT)]}
            for n, action_id in enumerate(done[::EVIDENCE_EVERY])]
    if rows:
        table = Action.__table__
        db.session.execute(table.update().where(table.c.id == sa.bindparam("action"))
                           .values(impact=sa.bindparam("evidence")), rows)
    return len(rows)


def synthetic_partnership(bulk: BulkTracker, partnership_id: int,
                          sizes: Sizes = Sizes()) -> Synthetic:
    """Fill one partnership's plan, actions, updates and meetings in bulk."""
    today = bulk.today
    current = reporting_year(today)
    bodies = db.session.scalars(sa.select(Body).where(Body.partnership_id == partnership_id)
                                .order_by(Body.position, Body.id)).all()
    members: dict[int, list[int]] = {body.id: [] for body in bodies}
    for body_id, agency_id in db.session.execute(
            sa.select(BodyMember.body_id, BodyMember.agency_id).join(Body)
            .where(Body.partnership_id == partnership_id, BodyMember.agency_id.is_not(None))
            .order_by(BodyMember.id)):
        if agency_id not in members[body_id]:
            members[body_id].append(agency_id)
    people = list(db.session.scalars(
        sa.select(Person.id).join(Agency, Person.agency_id == Agency.id)
        .where(Agency.partnership_id == partnership_id).order_by(Person.id))) or [None]
    partner_ids = list(db.session.scalars(
        sa.select(StatutoryPartner.id).where(StatutoryPartner.partnership_id == partnership_id)
        .order_by(StatutoryPartner.id)))
    groups = [b for b in bodies if b.kind not in (BodyKind.BOARD, BodyKind.EXECUTIVE)] or bodies
    leads = {body.id: [Lead(body.id, (members[body.id] or [None])[k % max(1, len(
        members[body.id]))], people[(k + body.id) % len(people)]) for k in range(5)]
        for body in bodies}

    first, last = current - 2, current + 1
    plan_id = bulk.add_plan(partnership_id, first, last,
                            f"Business Plan {plan_period(first, last)}")
    strategic_bodies = [groups[n % len(groups)].id for n in range(sizes.strategic)]
    activity_bodies = [groups[(n + 1) % len(groups)].id for n in range(sizes.activities)]
    strategic = bulk.add_objectives(plan_id, [
        {"part": Part.STRATEGIC, "position": n + 1, "title": f"Strategic objective {n + 1}",
         "outcome": "Children are safer.", "lead_body_id": body_id}
        for n, body_id in enumerate(strategic_bodies)])
    activities = bulk.add_objectives(plan_id, [
        {"part": Part.ACTIVITY, "position": n + 1, "title": f"One-year activity {n + 1}",
         "outcome": "Children are safer.", "year": current, "lead_body_id": body_id}
        for n, body_id in enumerate(activity_bodies)])
    lead_body = dict(zip(strategic + activities, strategic_bodies + activity_bodies,
                         strict=True))
    for year in range(first, last + 1):
        per = sizes.next_year if year > current else sizes.per_year
        batch = [a for objective_id in strategic for a in bulk.plan_actions(
            year, objective_id, per, leads[lead_body[objective_id]])]
        ids = bulk.add_actions(partnership_id, batch)
        if year < current:
            bulk.carry_forward(partnership_id, ids, batch)
    bulk.add_actions(partnership_id, [a for objective_id in activities for a in bulk.plan_actions(
        current, objective_id, sizes.per_activity, leads[lead_body[objective_id]])])

    window = (year_span(first)[0], year_span(current)[1])  # the plan's years to date
    held: dict[int, list[int]] = {}
    for index, body in enumerate(bodies):
        dates = meeting_dates(Frequency.MONTHLY, index, *window, today,
                              starts_on=body.starts_on, ends_on=body.ends_on)
        deciding = body.kind is BodyKind.EXECUTIVE
        held[body.id] = bulk.add_meetings(body.id, dates, members[body.id],
                                          partner_ids if deciding else ())
        if body.kind in (BodyKind.BOARD, BodyKind.EXECUTIVE):
            days = [d for d in dates if d < today]
            bulk.add_actions(partnership_id, bulk.arising_actions(
                list(zip(held[body.id], days, strict=True)), leads[body.id]))
    return Synthetic(plan_id, strategic + activities, [b.id for b in bodies], lead_body, held,
                     members, partner_ids, leads)
