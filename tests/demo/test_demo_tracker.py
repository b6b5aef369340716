"""The demo tracker: a business plan, actions, hub priorities and meetings dated from today.

Whenever the demo is loaded it must show what a partnership's week looks like: last year's
actions mostly done and the rest carried forward; this year's with some red, some amber, some
waiting too long for an update, some deferred or ongoing; the officer with a dozen actions to
chase; meetings with attendance, decisions (three by the partners' majority) and minutes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections import Counter
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Action, ProgressUpdate, Status
from partnership.actions.queries import (
    ActionFilter,
    SortOrder,
    Source,
    TrackedAction,
    tracked,
)
from partnership.actions.rag import Rag
from partnership.bench.__main__ import parse_args
from partnership.extensions import db
from partnership.kernel.dates import reporting_year, year_span
from partnership.meetings.models import (
    Attendance,
    Decision,
    DecisionMethod,
    Meeting,
    MeetingStatus,
    MinutesStatus,
    Presence,
    VoteChoice,
)
from partnership.plans.models import Objective, Part, Phase, Plan
from partnership.register.models import (
    Agency,
    Body,
    BodyKind,
    DecisionRule,
    Partnership,
    Person,
)
from tests.support.demo import on_days

# The demo as loaded today unless a test names another day or scale.
pytestmark = pytest.mark.demo
BENCH_SCALE = parse_args([]).scale  # what `make bench` loads

PHASE_NAMES = ["Scoping", "Auditing", "Feedback", "Recommendations"]


@pytest.fixture
def today(app: Flask, session_day: dt.date) -> Iterator[dt.date]:
    """The demo as loaded today, with an app context to query it in (tests are marked demo)."""
    with app.app_context():
        yield session_day


def partnership(slug: str) -> Partnership:
    return db.session.scalars(sa.select(Partnership).where(Partnership.slug == slug)).one()


def plan_of(slug: str) -> Plan:
    return db.session.scalars(sa.select(Plan).join(Partnership)
                              .where(Partnership.slug == slug)).one()


def person_of(email: str) -> Person:
    return db.session.scalars(sa.select(Person).join(User, Person.user_id == User.id)
                              .where(User.email == email)).one()


def actions_of(slug: str, day: dt.date, year: int) -> list[TrackedAction]:
    return tracked(ActionFilter(partnership_id=partnership(slug).id, year=year), day)


def led_by(email: str, day: dt.date) -> list[TrackedAction]:
    return [a for a in tracked(ActionFilter(person_id=person_of(email).id), day) if a.is_open]


def assert_live_mix(day: dt.date) -> None:
    """This year's county actions show every state a team officer chases."""
    year = reporting_year(day)
    current = actions_of("wscp", day, year=year)
    ratings = Counter(a.rag for a in current)
    assert ratings[Rag.RED] >= 2, ratings
    assert ratings[Rag.AMBER] >= 2, ratings
    assert ratings[Rag.GREEN] >= 3, ratings
    assert ratings[Rag.COMPLETE] >= 1, ratings
    assert sum(a.judgement.update_overdue for a in current) >= 3
    assert {Status.DEFERRED, Status.ONGOING} <= {a.status for a in current}
    carried = db.session.scalars(sa.select(Action).where(
        Action.carried_from_id.is_not(None), Action.year == year)).all()
    assert len(carried) >= 2
    assert all(a.carried_from.year == year - 1 for a in carried)
    last_year = {a.id: a for a in actions_of("wscp", day, year=year - 1)}
    assert all(last_year[a.carried_from_id].rag is Rag.CLOSED for a in carried)
    assert len(led_by("officer@demo.example", day)) >= 10


def test_the_county_plan_has_the_familiar_shape_over_three_years(today):
    plan = plan_of("wscp")
    year = reporting_year(today)
    part_a = [o for o in plan.objectives if o.part is Part.STRATEGIC]
    part_b = [o for o in plan.objectives if o.part is Part.ACTIVITY]

    assert list(plan.years) == [year - 1, year, year + 1]
    assert plan.title.startswith("Business Plan ") and plan.introduction
    assert 4 <= len(part_a) <= 5
    assert [o.reference for o in part_a] == [f"A{n}" for n in range(1, len(part_a) + 1)]
    assert any(o.joint_with == partnership("imscp") for o in part_a)
    for objective in part_a:
        assert objective.outcome and objective.year is None
        assert objective.lead_body.kind in (BodyKind.SUBGROUP, BodyKind.TASK_AND_FINISH)
        planned = Counter(a.year for a in db.session.scalars(sa.select(Action).where(
            Action.objective_id == objective.id, Action.carried_from_id.is_(None))))
        assert set(planned) == set(plan.years), objective.title
        assert all(3 <= n <= 4 for n in planned.values()), (objective.title, planned)
    assert len(part_b) >= 2
    for activity in part_b:
        actions = db.session.scalars(sa.select(Action).where(
            Action.objective_id == activity.id)).all()
        assert activity.year == year and activity.outcome and len(actions) >= 2
        assert {a.year for a in actions} == {year}
    leads = db.session.scalars(sa.select(Action).join(Objective)
                               .where(Objective.plan_id == plan.id)).all()
    assert all(a.lead_agency is not None and a.body is not None for a in leads)
    assert sum(a.lead_person is not None for a in leads) >= len(leads) - 2


def test_last_year_is_mostly_done_and_the_rest_carried_forward_or_cancelled(today):
    year = reporting_year(today) - 1
    plan_actions = [a for a in actions_of("wscp", today, year=year) if a.objective_id]
    carried_into = {a.carried_from_id: a for a in db.session.scalars(
        sa.select(Action).where(Action.carried_from_id.is_not(None)))}

    done = [a for a in plan_actions if a.rag is Rag.COMPLETE]
    assert len(done) >= 0.6 * len(plan_actions)
    for action in plan_actions:
        if action.rag is not Rag.COMPLETE:
            assert action.rag is Rag.CLOSED, action.title
            assert action.id in carried_into or action.status is Status.CANCELLED
    for old_id, new in carried_into.items():
        old = db.session.get(Action, old_id)
        assert (new.title, new.year, new.objective_id) == (old.title, old.year + 1,
                                                          old.objective_id)
        assert new.detail.startswith("Carried forward from ")


def test_this_year_shows_a_live_mix_of_ratings(today):
    assert_live_mix(today)
    attention = tracked(ActionFilter(attention=True, sort=SortOrder.RATING), today)
    assert attention and attention[0].rag is Rag.RED


def test_progress_updates_read_like_a_log_kept_every_six_weeks(today):
    updates = db.session.scalars(sa.select(ProgressUpdate)).all()
    by_action: dict[int, list[dt.date]] = {}
    for update in updates:
        by_action.setdefault(update.action_id, []).append(update.recorded_on)
    gaps = [(b - a).days for days in by_action.values()
            for a, b in zip(sorted(days), sorted(days)[1:], strict=False)]

    assert all(u.recorded_on <= today for u in updates)
    assert 30 <= statistics.median(gaps) <= 50
    assert len({u.narrative for u in updates}) >= 0.5 * len(updates)
    assert sum(u.children_and_families for u in updates) >= 5
    assert sum(bool(u.impact) for u in updates) >= 3
    complete = db.session.scalars(sa.select(Action).where(Action.status == Status.COMPLETE)).all()
    assert sum(bool(a.impact) for a in complete) >= 5
    assert all(a.completed_on and a.outcome for a in complete)
    stale = [a for a in actions_of("wscp", today, year=reporting_year(today))
             if a.judgement.update_overdue]
    assert all(a.last_update_on is None or (today - a.last_update_on).days > 42 for a in stale)


def test_every_demo_account_has_work_waiting(today):
    officer = led_by("officer@demo.example", today)
    chair = person_of("chair@demo.example")
    fire = person_of("agency@demo.example")
    chaired = [b.id for b in db.session.scalars(sa.select(Body).where(Body.chair_id == chair.id))]

    assert 10 <= len(officer) <= 16
    assert any(a.judgement.needs_attention for a in officer)
    owned = [a for b in chaired for a in tracked(ActionFilter(body_id=b), today) if a.is_open]
    assert len(owned) >= 4
    agency_work = [a for a in tracked(ActionFilter(agency_id=fire.agency_id), today) if a.is_open]
    assert len(agency_work) >= 3
    assert any(a.lead_person_id == fire.id for a in agency_work)
    for email in ("partner@demo.example", "health.partner@demo.example",
                  "police.partner@demo.example"):
        person = person_of(email)
        waiting = [v for d in db.session.scalars(sa.select(Decision).where(
            Decision.method == DecisionMethod.PARTNER_MAJORITY))
            for v in d.votes if v.confirmed_by_id is None
            and not d.meeting.locked
            and any(r.person_id == person.id for r in v.partner.representatives_on(today))]
        assert len(waiting) >= 2, email


def test_the_island_runs_three_priorities_a_year_through_four_phases(today):
    plan = plan_of("imscp")
    year = reporting_year(today)
    priorities = [o for o in plan.objectives if o.part is Part.PRIORITY and o.year == year]
    hub = next(b for b in partnership("imscp").bodies if b.kind is BodyKind.HUB)

    assert len(priorities) == 3
    assert [p.reference for p in priorities] == ["P1", "P2", "P3"]
    starts = []
    for priority in priorities:
        assert priority.lead_body == hub and priority.outcome
        assert [p.name for p in priority.phases] == PHASE_NAMES
        for phase, following in zip(priority.phases, priority.phases[1:], strict=False):
            assert following.planned_start == phase.planned_end + dt.timedelta(days=1)
            assert phase.planned_start.day == 1
        first, last = priority.phases[0], priority.phases[-1]
        assert (last.planned_end - first.planned_start).days in range(118, 124)
        starts.append(first.planned_start)
        for phase in priority.phases:
            [action] = db.session.scalars(sa.select(Action).where(Action.phase_id == phase.id))
            assert action.objective_id == priority.id
            if phase.planned_end < today - dt.timedelta(days=7):
                assert phase.completed_on and action.status is Status.COMPLETE
            if phase.planned_start > today:
                assert not phase.completed_on and action.status is Status.NOT_STARTED
    assert starts[0] == year_span(year)[0]
    done = db.session.scalars(sa.select(Phase).where(Phase.completed_on.is_not(None))).all()
    assert done and all(p.completed_on <= today for p in done)


def test_bodies_meet_at_their_frequency_for_two_years_and_the_rest_of_this_one(today):
    end = year_span(reporting_year(today))[1]
    counts = {}
    for slug in ("wscp", "imscp"):
        for body in partnership(slug).bodies:
            meetings = db.session.scalars(sa.select(Meeting).where(
                Meeting.body_id == body.id).order_by(Meeting.held_on)).all()
            counts[body.name] = len([m for m in meetings
                                     if m.held_on > today - dt.timedelta(days=365)
                                     and m.held_on <= today])
            for meeting in meetings:
                assert meeting.held_on <= end
                assert (meeting.status is MeetingStatus.SCHEDULED) == (meeting.held_on >= today)
            if meetings and body.ends_on is None:
                assert meetings[0].held_on < today - dt.timedelta(days=600), body.name

    assert 9 <= counts["Learning and Inquiry Group"] <= 12  # monthly, not in August
    assert 3 <= counts["Main Board"] <= 5  # quarterly
    assert 5 <= counts["Executive Group"] <= 7  # every two months
    assert 2 <= counts["Education Group"] <= 4  # termly
    assert counts["Rapid Review Panel"] >= 1  # as needed


def test_attendance_is_mostly_present_and_one_agency_never_comes(today):
    rows = db.session.scalars(sa.select(Attendance)).all()
    presence = Counter(a.presence for a in rows)
    cafcass = db.session.scalars(sa.select(Agency).where(Agency.name.like("%Cafcass%"))).one()
    board = next(b for b in partnership("wscp").bodies if b.name == "Main Board")
    held = [m for m in db.session.scalars(sa.select(Meeting).where(
        Meeting.body_id == board.id, Meeting.status == MeetingStatus.HELD))]

    assert presence[Presence.PRESENT] >= 0.7 * len(rows)
    assert presence[Presence.DEPUTY] and presence[Presence.APOLOGIES] and presence[
        Presence.ABSENT]
    assert all(m.attendance for m in held)
    at_board = [a for m in held for a in m.attendance if a.agency_id == cafcass.id]
    assert len(at_board) == len(held) and not any(a.presence.attended for a in at_board)
    assert all(a.attendee for a in rows if a.presence is Presence.DEPUTY)


def test_decisions_are_mostly_by_consensus_and_three_by_the_partners_majority(today):
    decisions = db.session.scalars(sa.select(Decision)).all()
    majority = [d for d in decisions if d.method is DecisionMethod.PARTNER_MAJORITY]

    assert len(decisions) >= 20
    assert len(majority) == 3
    for decision in majority:
        assert decision.meeting.body.decision_rule is (
            DecisionRule.CONSENSUS_THEN_PARTNER_MAJORITY)
        assert len(decision.votes) == 3
        assert len({v.partner.kind for v in decision.votes}) == 3
        assert decision.carried
        assert decision.meeting.body.partnership == partnership("wscp")
    assert sum(any(v.choice is VoteChoice.AGAINST for v in d.votes) for d in majority) == 1
    confirmed = [d for d in majority if all(v.confirmed_by_id for v in d.votes)]
    assert len(confirmed) == 1 and confirmed[0].meeting.locked
    assert all(d.meeting.status is MeetingStatus.HELD for d in decisions)


def test_minutes_are_approved_at_the_next_meeting_except_the_latest(today):
    bodies = [*partnership("wscp").bodies, *partnership("imscp").bodies]
    drafts = 0
    for body in bodies:
        held = db.session.scalars(sa.select(Meeting).where(
            Meeting.body_id == body.id, Meeting.status == MeetingStatus.HELD)
            .order_by(Meeting.held_on)).all()
        for meeting, following in itertools.pairwise(held):
            assert meeting.minutes_status is MinutesStatus.APPROVED
            assert meeting.minutes_approved_at == following
        if held:
            assert held[-1].minutes_status is MinutesStatus.DRAFT
            drafts += 1
        assert all(m.minutes and m.agenda for m in held)
        assert "1. **Welcome" in held[-1].minutes if held else True
    assert drafts >= 10
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id)).where(
        Meeting.status == MeetingStatus.CANCELLED))


def test_meetings_give_rise_to_actions_tracked_with_everything_else(today):
    arising = tracked(ActionFilter(source=Source.MEETING), today)
    old = [a for a in arising if a.meeting_held_on < today - dt.timedelta(days=90)]
    recent = [a for a in arising if a.meeting_held_on >= today - dt.timedelta(days=70)]

    assert len(arising) >= 20
    assert sum(a.rag is Rag.COMPLETE for a in old) >= 0.7 * len(old)
    assert any(a.is_open for a in recent)
    assert all(a.body_id is not None for a in arising)
    assert any(a.lead_person_name == "Sam Okafor" and a.is_open for a in arising)


@pytest.mark.parametrize("day", on_days([dt.date(2026, 4, 3), dt.date(2026, 7, 20),
                                         dt.date(2026, 12, 29), dt.date(2027, 3, 29),
                                         dt.date(2031, 1, 15)], until="meetings"))
def test_the_mix_holds_whenever_in_the_year_the_demo_is_loaded(app, day):
    with app.app_context():
        assert_live_mix(day)
        year = reporting_year(day)
        priorities = db.session.scalars(sa.select(Objective).where(
            Objective.part == Part.PRIORITY, Objective.year == year)).all()
        assert len(priorities) == 3 and all(len(p.phases) == 4 for p in priorities)
        assert db.session.scalar(sa.select(sa.func.count(Meeting.id)).where(
            Meeting.status == MeetingStatus.HELD, Meeting.held_on < day)) >= 100
        assert not db.session.scalar(sa.select(sa.func.count(ProgressUpdate.id)).where(
            ProgressUpdate.recorded_on > day))


@pytest.mark.demo(scale=BENCH_SCALE)
def test_the_scaled_load_meets_the_benchmark_minimums(app):
    scale = BENCH_SCALE
    with app.app_context():
        def count(model: type) -> int:
            return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0

        assert count(Action) >= 3000
        assert count(ProgressUpdate) >= 20000
        assert count(Body) >= 40
        assert count(Meeting) >= 1000
        assert count(Attendance) >= 5000
        synthetic = db.session.scalars(sa.select(Partnership).where(
            Partnership.slug.like("synthetic-%"))).all()
        assert len(synthetic) == scale
        for each in synthetic:
            [plan] = db.session.scalars(sa.select(Plan).where(Plan.partnership_id == each.id))
            assert len(plan.objectives) >= 8
            actions = tracked(ActionFilter(partnership_id=each.id))
            ratings = Counter(a.rag for a in actions)
            assert {Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE, Rag.CLOSED} <= set(ratings)
            assert len(actions) >= 3000 // scale
