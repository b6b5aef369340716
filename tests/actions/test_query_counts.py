"""Key pages use a fixed number of SQL statements, whatever the size of the data.

Each test loads a small synthetic partnership (a plan, actions with progress updates, a
few years of monthly meetings with attendance and decisions), counts the statements one
request sends, then adds ten times as much of everything the page shows (actions, updates,
objectives, meetings, agenda items, decisions with votes, actions arising) and counts again.
The two counts must be equal: a count that grows means a query per row somewhere.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.audit.services import acting_as
from partnership.demo.register import load_synthetic_register
from partnership.demo.tracker import BulkTracker, Lead, NewAction, Sizes, synthetic_partnership
from partnership.extensions import db
from partnership.kernel.dates import reporting_year
from partnership.meetings.models import (
    AgendaItem,
    Decision,
    DecisionMethod,
    Meeting,
    Vote,
    VoteChoice,
)
from partnership.plans.models import Part
from partnership.policy import Role
from partnership.register.models import Body, BodyKind, Partnership, Person
from tests.support.client import BrowserLikeClient
from tests.support.queries import sql_statements

TODAY = clock.today()
SMALL = Sizes(strategic=2, activities=1, per_year=2, next_year=1, per_activity=2)
GROWTH = 10


@dataclass
class Data:
    """The small data set, and what the pages under test look at."""

    partnership_id: int
    plan_id: int
    objective_ids: list[int]
    body_ids: list[int]
    executive_id: int
    meeting_id: int
    mine: Lead
    lead_body: dict[int, int]
    members: dict[int, list[int]]
    partner_ids: list[int]
    leads: dict[int, list[Lead]]


@pytest.fixture
def team(signed_in: Callable[[Role], BrowserLikeClient]) -> BrowserLikeClient:
    return signed_in(Role.TEAM)


@pytest.fixture
def data(app: Flask, team: BrowserLikeClient) -> Data:
    """A small synthetic partnership; the signed-in officer is one of its people."""
    with app.app_context(), acting_as("tests"):
        load_synthetic_register(1)
        partnership_id = db.session.scalars(sa.select(Partnership.id).where(
            Partnership.slug == "synthetic-1")).one()
        made = synthetic_partnership(BulkTracker(TODAY, random.Random(1)),  # noqa: S311
                                     partnership_id, SMALL)
        person = db.session.scalars(sa.select(Person).where(
            Person.name == "Synthetic Person 1-01")).one()
        person.user_id = team.user.id  # type: ignore[attr-defined]
        executive_id = db.session.scalars(sa.select(Body.id).where(
            Body.partnership_id == partnership_id, Body.kind == BodyKind.EXECUTIVE)).one()
        group_id = made.lead_body[made.objective_ids[0]]
        mine = Lead(group_id, person.agency_id, person.id)
        data = Data(partnership_id, made.plan_id, made.objective_ids, made.body_ids,
                    executive_id, made.held[executive_id][-1], mine, made.lead_body,
                    made.members, made.partner_ids, made.leads)
        bulk = BulkTracker(TODAY, random.Random(2))  # noqa: S311 - test data
        bulk.add_actions(partnership_id, bulk.plan_actions(
            reporting_year(TODAY), made.objective_ids[0], 3, [mine]))
        add_to_meeting(bulk, data, 1)  # one of everything the meeting page shows, to start
        db.session.commit()
    return data


def add_to_meeting(bulk: BulkTracker, data: Data, n: int) -> None:
    """Add ``n`` agenda items, majority decisions (with votes) and actions arising."""
    meeting = data.meeting_id
    db.session.execute(sa.insert(AgendaItem), [
        {"meeting_id": meeting, "position": 20 + k, "title": f"Extra item {k}",
         "presenter": "", "notes": "", "version": 1} for k in range(n)])
    decisions = list(db.session.scalars(sa.insert(Decision).returning(
        Decision.id, sort_by_parameter_order=True), [
        {"meeting_id": meeting, "agenda_item_id": None, "position": 10 + k,
         "text": f"Extra decision {k}", "method": DecisionMethod.PARTNER_MAJORITY,
         "version": 1} for k in range(n)]))
    db.session.execute(sa.insert(Vote), [
        {"decision_id": decision_id, "partner_id": partner_id, "choice": VoteChoice.FOR,
         "confirmed_by_id": None, "confirmed_at": None, "version": 1}
        for decision_id in decisions for partner_id in data.partner_ids])
    held_on = db.session.scalar(sa.select(Meeting.held_on).where(Meeting.id == meeting))
    leads = data.leads[data.executive_id]
    bulk.add_actions(data.partnership_id, [
        NewAction(reporting_year(held_on), f"Arising {k}", arising.line, leads[k % len(leads)],
                  meeting_id=meeting)
        for k, arising in enumerate(bulk.arising_actions([(meeting, held_on)] * n, leads,
                                                         every=1))])


def grow(app: Flask, data: Data) -> None:
    """Add ten times as much of everything the pages show."""
    with app.app_context():
        bulk = BulkTracker(TODAY, random.Random(3))  # noqa: S311 - test data
        year = reporting_year(TODAY)
        pid = data.partnership_id
        for objective_id in data.objective_ids:  # more actions (and their updates) per objective
            leads = [*data.leads[data.lead_body[objective_id]], data.mine]
            for each in (year - 1, year, year + 1):
                batch = bulk.plan_actions(each, objective_id, 2 * GROWTH, leads)
                ids = bulk.add_actions(pid, batch)
                if each < year:
                    bulk.carry_forward(pid, ids, batch)
        group = data.mine.body_id
        more = bulk.add_objectives(data.plan_id, [  # more objectives in the plan
            {"part": part, "position": 10 + n, "title": f"Added objective {n}",
             "year": year if part is Part.ACTIVITY else None, "lead_body_id": group}
            for n in range(3 * GROWTH // 2) for part in (Part.STRATEGIC, Part.ACTIVITY)])
        for objective_id in more:
            bulk.add_actions(pid, bulk.plan_actions(year, objective_id, 5, [data.mine]))
        for body_id in data.body_ids:  # more meetings for every body, this year and last
            days = [TODAY - dt.timedelta(days=3 + 9 * n) for n in range(3 * GROWTH)]
            bulk.add_meetings(body_id, days, data.members[body_id],
                              data.partner_ids if body_id == data.executive_id else ())
        add_to_meeting(bulk, data, 2 * GROWTH)  # more on the meeting that is looked at
        db.session.commit()


def statements(app: Flask, client: BrowserLikeClient, url: str) -> int:
    """Count the SQL statements one GET of ``url`` sends (after a warm-up request)."""
    warm = client.get(url)
    assert warm.status_code == 200, f"GET {url} answered {warm.status_code}"
    with sql_statements(app) as sent:
        response = client.get(url)
    assert response.status_code == 200, f"GET {url} answered {response.status_code}"
    return len(sent)


PAGES: dict[str, Callable[[Data], str]] = {
    "action list": lambda d: "/actions",
    "actions needing attention, worst first": lambda d: "/actions?attention=1&sort=rating",
    "my actions": lambda d: "/actions/mine",
    "plan": lambda d: f"/plans/{d.plan_id}",
    "objective": lambda d: f"/objectives/{d.objective_ids[0]}",
    "team home page": lambda d: "/",
    "meeting": lambda d: f"/meetings/{d.meeting_id}",
    "attendance by agency": lambda d: f"/meetings/body/{d.executive_id}/attendance",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_the_page_sends_the_same_statements_with_ten_times_the_data(app, team, data, name):
    url = PAGES[name](data)
    small = statements(app, team, url)

    grow(app, data)
    large = statements(app, team, url)

    assert large == small, f"{name} ({url}): {small} statements, then {large} with more data"


def test_growing_really_adds_ten_times_the_data(app, data):
    tables = ("action", "progress_update", "objective", "meeting", "decision", "agenda_item")

    def totals() -> dict[str, int]:
        with app.app_context():
            return {table: db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))  # noqa: S608
                    for table in tables}

    before = totals()
    grow(app, data)
    after = totals()

    for table in ("action", "progress_update", "objective"):
        assert after[table] >= GROWTH * before[table] * 0.8, (table, before, after)
    for table in ("meeting", "decision", "agenda_item"):
        assert after[table] > before[table], (table, before, after)
