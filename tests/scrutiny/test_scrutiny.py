"""The scrutiny programme end to end: the team and the scrutineer plan a year by the five
functions; the scrutineer writes findings and recommendations nobody else can change; the
team responds and turns recommendations into tracked actions, whose origin shows both ways."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Action
from partnership.extensions import db
from partnership.policy import Role
from partnership.scrutiny import services
from partnership.scrutiny.models import ActivityStatus, ScrutinyActivity, ScrutinyFunction
from tests.conftest import PASSWORD
from tests.meetings import counting_queries
from tests.register.builders import date_parts, field_error
from tests.register.records import add_agency, add_area
from tests.scrutiny import (
    TODAY,
    YEAR,
    actions_of,
    activity_state,
    add_activity,
    add_plan,
    make_scrutineer,
    recommendation_id,
    reported,
)
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import clock_at

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

fixed_today = clock_at(TODAY)

BASE = "/partnerships/northshire/scrutiny"


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    """Northshire with two agencies and this year's plan; Southshire beside it."""
    ids = {"partnership": add_area(app, "northshire", "Northshire Partnership"),
           "south": add_area(app, "southshire", "Southshire Partnership")}
    ids["police"] = add_agency(app, "northshire", "Northshire Police")
    ids["council"] = add_agency(app, "northshire", "Northshire Council")
    ids["plan"] = add_plan(app, "northshire")
    return ids


def text_of(response: Any) -> str:
    return page(response).get_text(" ", strip=True)


def activity_form(**changes: Any) -> dict[str, Any]:
    return {"function": "assurance", "kind": "deep_dive",
            "title": "Deep dive: the front door and early help",
            "scope": "How referrals are handled at the front door.",
            "method": "Twenty case files read; practitioners met.",
            **date_parts("planned_start", dt.date(2026, 6, 1)),
            **date_parts("planned_end", dt.date(2026, 7, 31)), **changes}


def test_a_plan_is_started_for_the_year_and_shows_each_function_and_its_gaps(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_area(app, "northshire", "Northshire Partnership")
    team = signed_in(Role.TEAM)
    form = page(team.get(f"{BASE}/new"))
    assert form.find("input", attrs={"name": "title"})["value"] == (
        "Independent scrutiny plan 2026 to 2027")
    assert form.find("input", attrs={"name": "year", "value": str(YEAR)}).has_attr("checked")

    saved = team.submit(f"{BASE}/new", {
        "year": str(YEAR), "title": "Independent scrutiny plan 2026 to 2027",
        "introduction": "My approach this year.", **date_parts("agreed_on", TODAY)},
        follow_redirects=True)
    text = text_of(saved)
    assert "Independent scrutiny plan 2026 to 2027 started" in text
    assert "My approach this year." in text and "7 December 2026" in text
    headings = [h.get_text(strip=True) for h in page(saved).select("h2.govuk-heading-m")]
    assert headings == ["Introduction", *(f.label for f in ScrutinyFunction)]
    assert text.count("No activity is planned for this function") == 5

    again = team.submit(f"{BASE}/new", {"year": str(YEAR), "title": "A second plan"})
    assert field_error(page(again), "year") == (
        "Northshire Partnership already has a plan for 2026 to 2027")

    listing = text_of(team.get(BASE))
    assert "Independent scrutiny plan 2026 to 2027" in listing and "This year" in listing


def test_the_scrutineer_plans_an_activity_with_the_agencies_involved(
    app: Flask, world: dict[str, int], make_user: Callable[..., User],
) -> None:
    scrutineer = make_scrutineer(app, make_user, "northshire")
    url = f"{BASE}/{world['plan']}/activities/new"
    saved = scrutineer.submit(url, activity_form(agencies=[str(world["police"])]),
                              follow_redirects=True)
    text = text_of(saved)
    assert "Deep dive: the front door and early help added to the plan" in text
    assert "June to July 2026" in text and "Northshire Police" in text
    assert "Northshire Council" not in text

    plan = page(scrutineer.get(f"{BASE}/{world['plan']}"))
    assert plan.get_text(" ", strip=True).count("No activity is planned for this function") == 4
    cells = plan.select("#function-assurance ~ .app-table-scroll table td")
    row = [td.get_text(" ", strip=True) for td in cells][:5]
    assert row == ["Deep dive: the front door and early help", "Deep dive", "June to July 2026",
                   "Planned", "Northshire Police"]


def test_the_scrutineer_writes_findings_and_recommendations(
    app: Flask, world: dict[str, int], make_user: Callable[..., User],
) -> None:
    scrutineer = make_scrutineer(app, make_user, "northshire")
    activity = add_activity(app, world["plan"])
    findings = f"{BASE}/activities/{activity}/findings"
    saved = scrutineer.submit(findings, {
        "findings": "Thresholds are applied consistently.",
        "good_practice": "Daily multi-agency huddles.", **date_parts("reported_on", TODAY)},
        follow_redirects=True)
    assert "Findings saved" in text_of(saved)
    state = activity_state(app, activity)
    assert state["status"] is ActivityStatus.REPORTED
    assert state["reported_by_id"] == scrutineer.user.id  # type: ignore[attr-defined]
    assert state["reported_on"] == TODAY

    new = f"{BASE}/activities/{activity}/recommendations"
    assert page(scrutineer.get(new)).find("input", attrs={"name": "number"})["value"] == "1"
    scrutineer.submit(new, {"number": "1", "text": "Publish the threshold guidance."})
    scrutineer.submit(new, {"number": "2", "text": "Train call handlers."})
    clash = scrutineer.submit(new, {"number": "2", "text": "Another."})
    assert field_error(page(clash), "number") == (
        "Recommendation 2 already exists: choose another number")
    second = recommendation_id(app, activity, 2)
    scrutineer.submit(f"{BASE}/recommendations/{second}/edit",
                      {"number": "2", "text": "Train every call handler by March."})
    assert activity_state(app, activity)["recommendations"] == [
        (1, "Publish the threshold guidance."), (2, "Train every call handler by March.")]
    scrutineer.submit(f"{BASE}/recommendations/{second}/remove")
    shown = text_of(scrutineer.get(f"{BASE}/activities/{activity}"))
    assert "Publish the threshold guidance." in shown and "Train every" not in shown
    assert "Written by Scrutineer of northshire, reported on 7 December 2026" in shown


def test_the_team_cannot_change_what_the_scrutineer_wrote(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
    make_user: Callable[..., User],
) -> None:
    activity = add_activity(app, world["plan"], recommendations=["Publish the guidance."],
                            **reported())
    team = signed_in(Role.TEAM)
    before = activity_state(app, activity)
    # The team's own form has no place for the scrutineer's words.
    edit = f"{BASE}/activities/{activity}/edit"
    names = {field["name"] for field in page(team.get(edit)).select("[name]")}
    assert not names & {"findings", "good_practice", "reported_on", "response"}
    team.submit(edit, activity_form(title="Renamed by the team", findings="Rewritten",
                                    good_practice="Rewritten", status="responded",
                                    version=str(before["version"])))
    after = activity_state(app, activity)
    assert after["title"] == "Renamed by the team"
    assert {k: after[k] for k in ("findings", "good_practice", "status", "recommendations")} == {
        k: before[k] for k in ("findings", "good_practice", "status", "recommendations")}
    # The scrutineer's own pages refuse the team.
    number = recommendation_id(app, activity, 1)
    for url in (f"{BASE}/activities/{activity}/findings",
                f"{BASE}/activities/{activity}/recommendations",
                f"{BASE}/recommendations/{number}/edit", f"{BASE}/recommendations/{number}/remove"):
        assert team.get(url).status_code == 403, url
        answer = team.post_with_token(url, {"findings": "Rewritten", "number": "1",
                                            "text": "Rewritten"}, token_from=BASE)
        assert answer.status_code == 403, url
    assert activity_state(app, activity)["findings"] == before["findings"]
    assert activity_state(app, activity)["recommendations"] == before["recommendations"]
    # The service asks the policy too, whatever reached it.
    with app.test_request_context():
        record = db.session.get_one(ScrutinyActivity, activity)
        team_user = db.session.get_one(User, team.user.id)  # type: ignore[attr-defined]
        with pytest.raises(services.ScrutinyError, match="Only the independent scrutineer"):
            services.record_findings(record, team_user, record.version,
                                     {"findings": "Rewritten"})


def test_the_team_responds_and_turns_a_recommendation_into_an_action(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
    make_user: Callable[..., User],
) -> None:
    activity = add_activity(app, world["plan"], recommendations=[
        "Publish the threshold guidance for schools by the end of the spring term."],
        **reported())
    scrutineer = make_scrutineer(app, make_user, "northshire")
    team = signed_in(Role.TEAM)
    number = recommendation_id(app, activity, 1)

    url = f"{BASE}/recommendations/{number}/action"
    form = page(team.get(url))
    assert form.find("input", attrs={"name": "title"})["value"] == (
        "Publish the threshold guidance for schools by the end of the spring term.")
    added = team.submit(url, {
        "title": "Publish the threshold guidance for schools", "year": str(YEAR),
        "lead_agency": str(world["council"]), **date_parts("target_date", dt.date(2027, 3, 31))},
        follow_redirects=True)
    text = text_of(added)
    assert "Action added: Publish the threshold guidance for schools" in text
    assert actions_of(app, activity) == [
        ("Publish the threshold guidance for schools", 1, world["council"])]
    table = page(added).select_one("#recommendation-1 table")
    cells = [td.get_text(" ", strip=True) for td in table.select("tbody td")]
    assert cells[:4] == ["Publish the threshold guidance for schools", "Northshire Council",
                         "31 Mar 2027", "Not started"]

    # The action's page names its origin and links back to the activity.
    action_link = table.select_one("a")["href"]
    origin = page(team.get(action_link))
    link = next(a for a in origin.select("a") if "Independent scrutiny:" in a.get_text())
    assert link["href"] == f"{BASE}/activities/{activity}#recommendation-1"
    assert "Deep dive: the front door, recommendation 1" in link.get_text()

    responded = team.submit(f"{BASE}/activities/{activity}/response",
                            {"response": "The partners accept both findings."},
                            follow_redirects=True)
    assert "The partners accept both findings." in text_of(responded)
    state = activity_state(app, activity)
    assert state["status"] is ActivityStatus.RESPONDED
    assert state["responded_by_id"] == team.user.id  # type: ignore[attr-defined]

    # Once responded to, the findings and recommendations are settled, for the scrutineer too.
    settled = scrutineer.get(f"{BASE}/activities/{activity}/findings", follow_redirects=True)
    assert "The partnership has responded to these findings" in text_of(settled)
    scrutineer.post_with_token(f"{BASE}/activities/{activity}/findings",
                               {"findings": "Rewritten", "version": str(state["version"])},
                               token_from=BASE)
    assert activity_state(app, activity)["findings"] == state["findings"]


def test_a_scrutineer_of_another_partnership_is_refused(
    app: Flask, world: dict[str, int], make_user: Callable[..., User],
) -> None:
    activity = add_activity(app, world["plan"], **reported())
    other = make_scrutineer(app, make_user, "southshire")
    assert other.get(f"{BASE}/activities/{activity}").status_code == 200  # everyone reads
    for url in (f"{BASE}/activities/{activity}/findings", f"{BASE}/activities/{activity}/edit",
                f"{BASE}/{world['plan']}/activities/new", f"{BASE}/new"):
        assert other.get(url).status_code == 403, url
    before = activity_state(app, activity)
    answer = other.post_with_token(f"{BASE}/activities/{activity}/findings",
                                   {"findings": "Mine now", "version": str(before["version"])},
                                   token_from=BASE)
    assert answer.status_code == 403
    assert activity_state(app, activity) == before

    # Someone who does not serve Northshire is not told its records exist.
    outsider = make_user(Role.TEAM, partnerships=[world["south"]])
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    client.sign_in(outsider.email, PASSWORD)
    assert client.get(f"{BASE}/activities/{activity}").status_code == 404
    assert client.get("/partnerships/southshire/scrutiny/activities/"
                      f"{activity}").status_code == 404


def test_bad_input_is_shown_next_to_each_field(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
    make_user: Callable[..., User],
) -> None:
    team = signed_in(Role.TEAM)
    url = f"{BASE}/{world['plan']}/activities/new"
    bad = page(team.submit(url, activity_form(
        function="", title="", **date_parts("planned_end", dt.date(2026, 5, 1)))))
    assert bad.title.get_text().startswith("Error:")
    assert field_error(bad, "function") == "Select the function it serves"
    assert field_error(bad, "title") == "Enter the activity's title"
    ends_early = page(team.submit(url, activity_form(
        **date_parts("planned_end", dt.date(2026, 5, 1)))))
    assert field_error(ends_early, "planned_end") == (
        "The planned end must be the same as or after the planned start")
    assert field_error(page(team.submit(url, activity_form(planned_start=["31", "2", "2026"]))),
                       "planned_start") == "Planned start (optional) must be a real date"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ScrutinyActivity.id))) == 0

    plan_edit = page(team.submit(f"{BASE}/{world['plan']}/edit", {
        "title": "Plan", **date_parts("agreed_on", TODAY + dt.timedelta(days=1))}))
    assert field_error(plan_edit, "agreed_on") == (
        "The date the partners agreed the plan must be today or in the past")

    activity = add_activity(app, world["plan"])
    scrutineer = make_scrutineer(app, make_user, "northshire")
    findings = page(scrutineer.submit(f"{BASE}/activities/{activity}/findings",
                                      {"findings": "", "good_practice": "Seen: NHS number "
                                                                        "943 476 5919"}))
    assert field_error(findings, "findings") == "Enter what you found"
    assert "NHS number" in (field_error(findings, "good_practice") or "")
    assert activity_state(app, activity)["status"] is ActivityStatus.PLANNED


def test_two_people_editing_an_activity_get_the_conflict_page(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
    make_user: Callable[..., User],
) -> None:
    activity = add_activity(app, world["plan"])
    team = signed_in(Role.TEAM)
    scrutineer = make_scrutineer(app, make_user, "northshire")
    url = f"{BASE}/activities/{activity}/edit"
    opened = activity_state(app, activity)["version"]
    team.submit(url, activity_form(title="The team's title", version=str(opened)))
    clash = scrutineer.submit(url, activity_form(title="The scrutineer's title",
                                                 version=str(opened)))
    assert clash.status_code == 409
    text = text_of(clash)
    assert "This activity was changed while you were editing" in text
    assert "The team's title" in text and "The scrutineer's title" in text
    assert "Assurance to the whole system through a range of methods" in text  # in words
    assert activity_state(app, activity)["title"] == "The team's title"


def test_status_moves_by_hand_stop_at_the_findings(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    activity = add_activity(app, world["plan"])
    team = signed_in(Role.TEAM)
    url = f"{BASE}/activities/{activity}/status"
    detail = f"{BASE}/activities/{activity}"
    team.post_with_token(url, {"status": "under_way"}, token_from=detail)
    assert activity_state(app, activity)["status"] is ActivityStatus.UNDER_WAY
    refused = team.post_with_token(url, {"status": "reported"}, token_from=detail,
                                   follow_redirects=True)
    assert "cannot be moved to that status" in text_of(refused)
    team.post_with_token(url, {"status": "cancelled"}, token_from=detail)
    assert activity_state(app, activity)["status"] is ActivityStatus.CANCELLED
    plan = text_of(team.get(f"{BASE}/{world['plan']}"))
    assert "its only activity was cancelled" in plan


def test_the_yearly_report_gets_the_activities_reported_in_its_period(
    app: Flask, world: dict[str, int],
) -> None:
    first = add_activity(app, world["plan"], "Observing the board",
                         recommendations=["Record dissent in the minutes."],
                         **reported(reported_on=dt.date(2026, 9, 1),
                                    status=ActivityStatus.RESPONDED, response="Agreed."))
    add_activity(app, world["plan"], "Reported last year", **reported(
        reported_on=dt.date(2026, 3, 1)))
    add_activity(app, world["plan"], "Still planned")
    with app.test_request_context():
        number = db.session.get_one(ScrutinyActivity, first).recommendations[0]
        db.session.add(Action(partnership_id=world["partnership"], year=YEAR,
                              title="Minute dissent", scrutiny_recommendation=number))
        db.session.commit()
        rows = services.activities_for_report(world["partnership"], dt.date(2026, 4, 1),
                                              dt.date(2027, 3, 31))
    assert [r.title for r in rows] == ["Observing the board"]
    row = rows[0]
    assert (row.kind, row.function, row.status, row.response) == (
        "Deep dive", "Assurance to the whole system through a range of methods",
        "Partnership has responded", "Agreed.")
    assert row.recommendations == ((1, "Record dissent in the minutes.", ("Minute dissent",)),)
    assert row.link == f"{BASE}/activities/{first}"
    assert row.reported_on == "2026-09-01"


def test_the_scrutineer_s_home_page_shows_their_plan_and_its_gaps(
    app: Flask, world: dict[str, int], make_user: Callable[..., User],
) -> None:
    add_activity(app, world["plan"], **reported())
    add_activity(app, world["plan"], "Practitioner survey",
                 function=ScrutinyFunction.VOICE)
    scrutineer = make_scrutineer(app, make_user, "northshire")
    panel = page(scrutineer.get("/")).select_one("#scrutiny-plan-panel")
    assert panel is not None
    text = panel.get_text(" ", strip=True)
    assert "Independent scrutiny plan 2026 to 2027" in text
    assert "2 activities, 1 with findings reported" in text
    assert "Acting as a critical friend" in text  # a function with no activity yet


def test_the_scrutineer_attaches_files_with_the_findings(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
    make_user: Callable[..., User],
) -> None:
    activity = add_activity(app, world["plan"])
    scrutineer = make_scrutineer(app, make_user, "northshire")
    url = f"{BASE}/activities/{activity}/findings"
    saved = scrutineer.submit(url, {
        "findings": "Thresholds are applied consistently.",
        "evidence": (io.BytesIO(b"%PDF-1.7\n% the scrutineer's notes\n"), "Front door notes.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    files = page(saved).select(".app-evidence-files a")
    assert [a.get_text(strip=True) for a in files] == ["Front door notes.pdf"]
    assert scrutineer.get(files[0]["href"]).status_code == 200
    # A file that is not what its name says is refused next to the field, and nothing saves.
    version = activity_state(app, activity)["version"]
    refused = scrutineer.submit(url, {
        "findings": "Changed", "version": str(version),
        "evidence": (io.BytesIO(b"<html>not a pdf</html>"), "notes.pdf")},
        content_type="multipart/form-data")
    assert field_error(page(refused), "evidence")
    assert activity_state(app, activity)["findings"] == "Thresholds are applied consistently."

    # The team reads the file but has no button to remove it.
    team = signed_in(Role.TEAM)
    shown = page(team.get(f"{BASE}/activities/{activity}"))
    assert [a.get_text(strip=True) for a in shown.select(".app-evidence-files a")] == [
        "Front door notes.pdf"]
    assert not shown.select(".app-evidence-files form")


def test_the_home_panel_costs_one_query_however_many_partnerships(
    app: Flask, world: dict[str, int],
) -> None:
    add_plan(app, "southshire")
    for n in range(4):
        add_activity(app, world["plan"], f"Activity {n}")
    with app.app_context():
        ids = frozenset({world["partnership"], world["south"]})
        with counting_queries(app) as statements:
            plans = services.plans_for_scrutineer(ids)
    assert len(statements) == 1
    assert [(p.partnership, p.activities) for p in plans] == [
        ("Northshire Partnership", 4), ("Southshire Partnership", 0)]
