"""Little or no progress: each reason, the period's first and last days, what is left out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask

from partnership.actions.models import Rating, Status
from partnership.extensions import db
from partnership.plans.models import Plan
from partnership.plans.services import (
    NO_ACTIONS,
    NO_UPDATE,
    ONLY_RED_AMBER,
    ObjectiveGap,
    little_or_no_progress,
)
from partnership.policy import Role
from tests.plans.records import TODAY, Built, add_action, add_update, build_plan
from tests.register.builders import field_error
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import clock_at

# Pages, forms, imports and rules in Python: the queries under them run on PostgreSQL
# in their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

START, END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
NOTHING_DONE = "No action completed between 1 April 2025 and 31 March 2026"
IN_PERIOD = dt.date(2025, 9, 1)


fixed_today = clock_at(TODAY)


@pytest.fixture
def built(app: Flask) -> Built:
    return build_plan(app)


def gaps(app: Flask, built: Built, start: dt.date = START, end: dt.date = END,
         today: dt.date = TODAY) -> dict[str, ObjectiveGap]:
    with app.app_context():
        plan = db.session.get_one(Plan, built.plan_id)
        return {gap.reference: gap for gap in little_or_no_progress(plan, start, end, today)}


def test_an_objective_with_no_actions_is_listed_for_that_alone(app: Flask, built: Built) -> None:
    found = gaps(app, built)

    assert list(found) == ["A1", "A2", "B1", "P1"]  # plan order: A, B, priorities
    assert found["A2"].reasons == (NO_ACTIONS,)
    assert found["A2"].actions == ()
    assert found["A2"].listed


@pytest.mark.parametrize(("completed_on", "listed"), [
    (START, False), (END, False), (START - dt.timedelta(days=1), True),
    (END + dt.timedelta(days=1), True),
], ids=["first day", "last day", "day before", "day after"])
def test_only_a_completion_inside_the_period_counts(app: Flask, built: Built,
                                                    completed_on: dt.date, listed: bool) -> None:
    done = add_action(app, built.adolescents_id, "Publish the strategy", status=Status.COMPLETE,
                      completed_on=completed_on)
    add_update(app, done, IN_PERIOD)

    a1 = gaps(app, built, today=dt.date(2026, 6, 1)).get("A1")

    assert (a1 is not None and a1.reasons == (NOTHING_DONE,)) is listed


@pytest.mark.parametrize(("recorded_on", "updated"), [
    (START, True), (END, True), (START - dt.timedelta(days=1), False),
    (END + dt.timedelta(days=1), False),
], ids=["first day", "last day", "day before", "day after"])
def test_only_an_update_dated_inside_the_period_counts(app: Flask, built: Built,
                                                       recorded_on: dt.date,
                                                       updated: bool) -> None:
    action = add_action(app, built.adolescents_id, "Train school staff",
                        target_date=dt.date(2026, 12, 1))
    add_update(app, action, recorded_on)

    a1 = gaps(app, built, today=dt.date(2026, 4, 2))["A1"]

    assert (NO_UPDATE in a1.reasons) is not updated
    action_reasons = [gap.reasons for gap in a1.actions]
    assert action_reasons == ([] if updated else [(NO_UPDATE,)])


def test_an_objective_whose_rated_actions_are_all_red_or_amber(app: Flask,
                                                                built: Built) -> None:
    red = add_action(app, built.adolescents_id, "Publish the strategy",
                     target_date=dt.date(2025, 10, 1))
    amber = add_action(app, built.adolescents_id, "Train school staff",
                       target_date=dt.date(2026, 3, 1))
    deferred = add_action(app, built.adolescents_id, "Buy a system", status=Status.DEFERRED)
    for action in (red, amber, deferred):
        add_update(app, action, dt.date(2025, 11, 1),
                   rating=Rating.AMBER if action == amber else None)

    a1 = gaps(app, built)["A1"]

    assert a1.reasons == (NOTHING_DONE, ONLY_RED_AMBER)
    listed = {gap.action.title: gap.reasons for gap in a1.actions}
    assert listed == {
        "Publish the strategy": ("Rated red: Target date 1 October 2025 has passed",),
        "Train school staff": ("Rated amber: Its lead rated it amber in the latest update",),
    }  # the deferred action is not listed in its own right

    green = add_action(app, built.adolescents_id, "Hear from young people",
                       target_date=dt.date(2026, 3, 1))
    add_update(app, green, dt.date(2025, 11, 1))
    assert ONLY_RED_AMBER not in gaps(app, built)["A1"].reasons


def test_cancelled_and_carried_forward_actions_are_left_out(app: Flask, built: Built) -> None:
    old = add_action(app, built.adolescents_id, "Publish the strategy", year=2024)
    add_action(app, built.adolescents_id, "Publish the strategy", year=2025, carried_from_id=old)
    add_action(app, built.neglect_id, "Buy a system", status=Status.CANCELLED)

    found = gaps(app, built, start=dt.date(2024, 4, 1), end=dt.date(2025, 3, 31))

    assert found["A2"].reasons == (NO_ACTIONS,)
    # In 2024-25 the carried action is left out: A1 had no actions that count.
    assert found["A1"].reasons == (NO_ACTIONS,)
    assert gaps(app, built)["A1"].actions[0].action.year == 2025


def test_activities_and_priorities_of_other_years_are_left_out(app: Flask, built: Built) -> None:
    found = gaps(app, built, start=dt.date(2024, 4, 1), end=dt.date(2025, 3, 31))

    assert list(found) == ["A1", "A2"]


def test_an_action_not_due_to_start_or_finished_by_the_end_is_not_listed(
        app: Flask, built: Built) -> None:
    add_action(app, built.adolescents_id, "Later work", start_date=dt.date(2026, 4, 2),
               target_date=dt.date(2026, 6, 1), year=2025)
    add_action(app, built.adolescents_id, "Done early", status=Status.COMPLETE,
               completed_on=dt.date(2025, 5, 1))

    a1 = gaps(app, built)["A1"]

    assert a1.reasons == (NO_UPDATE,)
    assert a1.actions == ()


def test_the_page_defaults_to_the_current_year_and_says_why(
        app: Flask, built: Built, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    action = add_action(app, built.adolescents_id, "Publish the strategy",
                        target_date=dt.date(2025, 10, 1))
    add_update(app, action, dt.date(2025, 3, 1))
    client = signed_in(Role.SCRUTINEER)

    html = page(client.get(f"/plans/{built.plan_id}/little-progress"))

    text = html.get_text(" ", strip=True)
    assert "Between 1 April 2025 and 31 March 2026" in text
    section = html.find(id=f"gap-{built.adolescents_id}").find_parent("section")
    reasons = [li.get_text(strip=True) for li in section.select("ul.app-gap-reasons li")]
    assert reasons == [NOTHING_DONE, NO_UPDATE, ONLY_RED_AMBER]
    row = [cell.get_text(" ", strip=True) for cell in section.select("tbody tr td")]
    assert row[0] == "Publish the strategy" and row[2] == "Red"
    assert "No progress update in the period" in row[3]
    assert "Rated red: Target date 1 October 2025 has passed" in row[3]

    chosen = page(client.get(f"/plans/{built.plan_id}/little-progress"
                             "?from=2024-04-01&to=2025-03-31")).get_text(" ", strip=True)
    assert "Between 1 April 2024 and 31 March 2025" in chosen
    assert "B1 Evaluate" not in chosen


@pytest.mark.parametrize(("query", "field", "message"), [
    ("from=2025-02-30&to=2026-03-31", "from", "From must be a real date, like 2025-04-01"),
    ("from=2025-06-01&to=2025-05-01", "to", "To must be the same as or after From"),
], ids=["not a date", "backwards"])
def test_a_bad_period_is_explained_and_the_current_year_shown(
        app: Flask, built: Built, signed_in: Callable[[Role], BrowserLikeClient], query: str,
        field: str, message: str) -> None:
    html = page(signed_in(Role.TEAM).get(f"/plans/{built.plan_id}/little-progress?{query}"))

    assert field_error(html, field) == message
    assert "Between 1 April 2025 and 31 March 2026" in html.get_text(" ", strip=True)
