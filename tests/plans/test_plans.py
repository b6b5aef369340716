"""Plans, objectives and phases: adding and changing them, errors next to the fields, conflicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.extensions import db
from partnership.plans.models import Objective, Part, Phase, Plan
from partnership.policy import Role
from tests.plans.records import TODAY, Built, add_partnership, build_plan
from tests.register.builders import date_parts, field_error
from tests.register.records import get
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import clock_at

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

fixed_today = clock_at(TODAY)


@pytest.fixture
def built(app: Flask) -> Built:
    return build_plan(app)


@pytest.fixture
def team(signed_in: Callable[[Role], BrowserLikeClient]) -> BrowserLikeClient:
    return signed_in(Role.TEAM)


def plan_form(**changes: Any) -> dict[str, Any]:
    """A valid plan form, as a browser posts it."""
    return {"title": "Business plan 2027 to 2030", "first_year": "2027", "last_year": "2029",
            "introduction": "", "update_interval_days": "42", "warning_days": "28",
            **changes}


def objective_form(**changes: Any) -> dict[str, Any]:
    """A valid objective form (a Part A objective with the next number)."""
    return {"part": "strategic", "position": "", "title": "Tackling exploitation",
            "outcome": "Children at risk are identified early.", "description": "",
            "year": "", "lead_body": "", "joint_with": "", **changes}


def phase_form(start: dt.date | None, end: dt.date | None, **changes: Any) -> dict[str, Any]:
    """A phase form with planned dates."""
    return {"name": "Feedback", "position": "", "notes": "",
            **date_parts("planned_start", start), **date_parts("planned_end", end),
            **date_parts("completed_on", None), **changes}


def plans_of(app: Flask, partnership_id: int) -> list[tuple[Any, ...]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(Plan.title, Plan.first_year, Plan.last_year)
            .where(Plan.partnership_id == partnership_id).order_by(Plan.first_year))]


def objectives_of(app: Flask, plan_id: int) -> list[tuple[Any, ...]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(Objective.part, Objective.position, Objective.title, Objective.year)
            .where(Objective.plan_id == plan_id).order_by(Objective.id))]


# --- plans -----------------------------------------------------------------------------------


def test_the_team_adds_a_plan_and_every_list_shows_it(app: Flask, built: Built,
                                                      team: BrowserLikeClient) -> None:
    response = team.submit(f"/partnerships/{built.slug}/plans/new", plan_form())

    assert response.status_code == 302
    plan_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert plans_of(app, built.partnership_id)[-1] == ("Business plan 2027 to 2030", 2027, 2029)
    rows = [[cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            for row in page(team.get("/plans")).select("main table tbody tr")]
    assert ["Westshire Safeguarding Children Partnership", "2027\u201330",
            "Business plan 2027 to 2030", "0"] in rows
    assert ["Westshire Safeguarding Children Partnership", "2024\u201327", "Business plan",
            "4"] in rows
    index = page(team.get(f"/partnerships/{built.slug}/plans")).get_text(" ", strip=True)
    assert "Business plan 2027 to 2030" in index and "2027\u201330" in index
    detail = page(team.get(f"/plans/{plan_id}")).get_text(" ", strip=True)
    assert "Business plan 2027 to 2030: 2027\u201328" in detail  # opens at its first year


def test_the_years_offered_are_the_partnerships_reporting_years(
        app: Flask, team: BrowserLikeClient) -> None:
    add_partnership(app, "aprilshire")
    add_partnership(app, "januaryshire", short_name="JSCP")
    with app.app_context():
        from partnership.register.models import Partnership
        db.session.scalars(sa.select(Partnership).where(
            Partnership.slug == "januaryshire")).one().year_start_month = 1
        db.session.commit()

    def offered(slug: str) -> list[str]:
        html = page(team.get(f"/partnerships/{slug}/plans/new"))
        return [o.get_text(strip=True) for o in html.select("select[name=first_year] option")]

    assert "2025\u201326" in offered("aprilshire")
    assert "2025" in offered("januaryshire") and "2025\u201326" not in offered("januaryshire")


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": "  "}, "title", "Enter the plan's title"),
    ({"first_year": "2029", "last_year": "2027"}, "last_year",
     "The last reporting year must be the same as or after the first"),
    ({"update_interval_days": "six weeks"}, "update_interval_days",
     "Days between updates must be a whole number, like 42"),
    ({"warning_days": "400"}, "warning_days", "Days of warning must be between 0 and 366"),
    ({"first_year": "2026", "last_year": "2028"}, "first_year",
     "Business plan already covers 2024\u201327. A partnership's plans cannot overlap: choose "
     "years outside it, or change that plan first"),
], ids=["no title", "years backwards", "interval not a number", "warning too long", "overlap"])
def test_a_bad_plan_is_refused_next_to_its_field_and_nothing_is_saved(
        app: Flask, built: Built, team: BrowserLikeClient, changes: dict[str, str], field: str,
        message: str) -> None:
    response = team.submit(f"/partnerships/{built.slug}/plans/new", plan_form(**changes))

    assert response.status_code == 200
    html = page(response)
    assert field_error(html, field) == message
    assert message in html.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert plans_of(app, built.partnership_id) == [("Business plan", 2024, 2026)]


def test_a_plan_cannot_shrink_past_its_activities(app: Flask, built: Built,
                                                  team: BrowserLikeClient) -> None:
    url = f"/plans/{built.plan_id}/edit"
    response = team.submit(url, plan_form(title="Business plan", first_year="2024",
                                          last_year="2024", version="1"))

    assert field_error(page(response), "last_year") == (
        "The plan has activities or actions for 2025\u201326, so its last year cannot be "
        "earlier than that")
    assert plans_of(app, built.partnership_id) == [("Business plan", 2024, 2026)]


def test_a_stale_plan_edit_gets_the_conflict_page(
        app: Flask, built: Built, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    alice, bob = signed_in(Role.TEAM), signed_in(Role.TEAM)
    url = f"/plans/{built.plan_id}/edit"
    version = page(alice.get(url)).find("input", attrs={"name": "version"})["value"]
    assert alice.submit(url, plan_form(title="Alice's plan", first_year="2024",
                                       last_year="2026", version=version)).status_code == 302

    conflict = bob.submit(url, plan_form(title="Bob's plan", first_year="2024",
                                         last_year="2026", version=version))

    assert conflict.status_code == 409
    text = page(conflict).get_text(" ", strip=True)
    assert "Alice's plan" in text and "Bob's plan" in text
    assert get(app, Plan, built.plan_id).title == "Alice's plan"


def test_only_the_team_may_add_or_change_a_plan(
        app: Flask, built: Built, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    chair = signed_in(Role.CHAIR)
    assert chair.get(f"/plans/{built.plan_id}").status_code == 200
    assert chair.get(f"/plans/{built.plan_id}/edit").status_code == 403
    refused = chair.post_with_token(f"/partnerships/{built.slug}/plans/new", plan_form(),
                                    token_from="/account")
    assert refused.status_code == 403
    assert plans_of(app, built.partnership_id) == [("Business plan", 2024, 2026)]
    html = page(chair.get(f"/plans/{built.plan_id}"))
    assert not html.find("a", string="Change the plan")


# --- objectives ------------------------------------------------------------------------------


def test_a_new_objective_takes_the_next_number_in_its_part(app: Flask, built: Built,
                                                           team: BrowserLikeClient) -> None:
    response = team.submit(f"/plans/{built.plan_id}/objectives/new",
                           objective_form(lead_body=str(built.board_id)))

    assert response.status_code == 302
    html = page(team.get(response.headers["Location"]))
    assert html.h1.get_text(strip=True) == "A3 Tackling exploitation"
    assert "Safeguarding Board" in html.get_text(" ", strip=True)
    activity = team.submit(f"/plans/{built.plan_id}/objectives/new",
                           objective_form(part="activity", title="Audit neglect cases",
                                          year="2026"))
    assert activity.status_code == 302
    assert objectives_of(app, built.plan_id)[-2:] == [
        (Part.STRATEGIC, 3, "Tackling exploitation", None),
        (Part.ACTIVITY, 2, "Audit neglect cases", 2026)]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": ""}, "title", "Enter the title"),
    ({"part": "activity"}, "year", "Select the reporting year of the activity"),
    ({"part": "priority"}, "year", "Select the reporting year of the priority"),
    ({"year": "2025"}, "year",
     "A Part A objective runs for the whole plan: leave the year as \u201cThe whole plan\u201d"),
    ({"position": "1"}, "position",
     "A1 is already \u201cSafeguarding adolescents\u201d. Choose another number"),
    ({"position": "first"}, "position", "Number must be a whole number, like 3"),
    ({"year": "2031", "part": "activity"}, "year", "Not a valid choice."),
], ids=["no title", "activity without year", "priority without year", "Part A with year",
        "number taken", "number not a number", "year outside the plan"])
def test_a_bad_objective_is_refused_next_to_its_field_and_nothing_is_saved(
        app: Flask, built: Built, team: BrowserLikeClient, changes: dict[str, str], field: str,
        message: str) -> None:
    before = objectives_of(app, built.plan_id)
    response = team.submit(f"/plans/{built.plan_id}/objectives/new", objective_form(**changes))

    assert response.status_code == 200
    assert field_error(page(response), field) == message
    assert objectives_of(app, built.plan_id) == before


def test_changing_an_objective_and_a_stale_edit(
        app: Flask, built: Built, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    alice, bob = signed_in(Role.TEAM), signed_in(Role.TEAM)
    url = f"/objectives/{built.neglect_id}/edit"
    form = page(alice.get(url))
    assert form.find("input", attrs={"name": "title"})["value"] == "Responding to neglect"
    version = form.find("input", attrs={"name": "version"})["value"]
    taken = alice.submit(url, objective_form(title="Neglect", position="1", version=version))
    assert field_error(page(taken), "position") == (
        "A1 is already \u201cSafeguarding adolescents\u201d. Choose another number")
    saved = alice.submit(url, objective_form(title="Neglect", position="", version=version))
    assert saved.status_code == 302
    assert get(app, Objective, built.neglect_id).position == 2  # a blank number keeps A2

    conflict = bob.submit(url, objective_form(title="Tackling neglect", version=version))

    assert conflict.status_code == 409
    assert get(app, Objective, built.neglect_id).title == "Neglect"


# --- phases ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end", "changes", "field", "message"), [
    (dt.date(2025, 9, 1), dt.date(2025, 8, 1), {}, "planned_end",
     "The planned end must be the same as or after the planned start"),
    (dt.date(2026, 5, 1), dt.date(2026, 6, 1), {}, "planned_start",
     "The planned start must be within 2025\u201326: between 1 April 2025 and 31 March 2026"),
    (dt.date(2025, 9, 1), None, {}, "planned_end", "Enter planned end"),
    (dt.date(2025, 9, 1), None, {"planned_end": ["31", "9", "2025"]}, "planned_end",
     "Planned end must be a real date"),
    (dt.date(2025, 9, 1), dt.date(2025, 10, 1), date_parts("completed_on", TODAY.replace(day=16)),
     "completed_on", "The date it was completed must be today or in the past"),
    (dt.date(2025, 9, 1), dt.date(2025, 10, 1), {"name": ""}, "name", "Enter the phase's name"),
], ids=["end before start", "outside the year", "no end", "not a date", "completed tomorrow",
        "no name"])
def test_a_bad_phase_is_refused_next_to_its_field_and_nothing_is_saved(
        app: Flask, built: Built, team: BrowserLikeClient, start: dt.date,
        end: dt.date | None, changes: dict[str, Any], field: str, message: str) -> None:
    data = {**phase_form(start, end), **changes}
    response = team.submit(f"/objectives/{built.exploitation_id}/phases/new", data)

    assert response.status_code == 200
    assert field_error(page(response), field) == message
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Phase.id))) == 2


def test_phases_show_their_months_and_where_they_stand(app: Flask, built: Built,
                                                       team: BrowserLikeClient) -> None:
    added = team.submit(f"/objectives/{built.exploitation_id}/phases/new",
                        phase_form(dt.date(2026, 1, 5), dt.date(2026, 3, 20)))
    assert added.status_code == 302

    def phases() -> list[list[str]]:
        html = page(team.get(f"/objectives/{built.exploitation_id}"))
        table = html.find(id="phases").find_next("table")
        return [[cell.get_text(" ", strip=True) for cell in row.find_all("td")[:3]]
                for row in table.select("tbody tr")]

    assert phases() == [
        ["Scoping", "April to June 2025",
         "Past its planned end Planned to end on 30 June 2025; no completion date recorded"],
        ["Auditing", "July to December 2025", "Under way Planned to end on 31 December 2025"],
        ["Feedback", "January to March 2026",
         "Not due to start Planned to start on 5 January 2026"],
    ]
    url = f"/phases/{built.scoping_id}/edit"
    done = team.submit(url, phase_form(dt.date(2025, 4, 1), dt.date(2025, 6, 30), name="Scoping",
                                       version="1",
                                       **date_parts("completed_on", dt.date(2025, 7, 2))))
    assert done.status_code == 302
    assert phases()[0][2] == "Complete Completed on 2 July 2025"
    stale = team.submit(url, phase_form(dt.date(2025, 4, 1), dt.date(2025, 6, 30), version="1"))
    assert stale.status_code == 409
