"""The action tracker's pages: the list, an action's page, adding and changing actions,
recording progress, and who may do which."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Action, ProgressUpdate, Rating, Status
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.meetings.models import Meeting
from partnership.policy import Role
from tests.actions import (
    DAY,
    TODAY,
    Area,
    add_action,
    add_area,
    add_update,
    ago,
    link_person,
    load,
    make_chair,
)
from tests.conftest import PASSWORD
from tests.register.builders import date_parts, field_error
from tests.support.client import BrowserLikeClient, page


@pytest.fixture
def area(app: Flask) -> Area:
    return add_area(app)


@pytest.fixture
def team(signed_in: Callable[[Role], BrowserLikeClient], area: Area) -> BrowserLikeClient:
    return signed_in(Role.TEAM)


def titles(client: BrowserLikeClient, query: str = "") -> list[str]:
    """The action titles listed, in order, on one page of the list."""
    html = page(client.get(f"/actions{query}"))
    return [row.select_one("td a").get_text(strip=True)
            for row in html.select("main table tbody tr")]


def link(html: Any, text: str) -> Any:
    """The first link whose words are ``text``, or None."""
    return next((a for a in html.select("a") if a.get_text(" ", strip=True) == text), None)


def action_form(**changes: Any) -> dict[str, Any]:
    """A valid action form, as a browser posts it."""
    values: dict[str, Any] = {
        "title": "Audit neglect cases", "detail": "", "source_note": "", "body": "",
        "lead_agency": "", "lead_person": "", "status": Status.NOT_STARTED.value,
        "percent_complete": "", "year": "",
        **date_parts("start_date", None), **date_parts("target_date", None)}
    values.update(changes)
    return values


def actions(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(Action.id, Action.title, Action.status, Action.percent_complete,
                      Action.body_id, Action.version).order_by(Action.id))]


def updates(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(ProgressUpdate.id, ProgressUpdate.action_id, ProgressUpdate.narrative,
                      ProgressUpdate.status, ProgressUpdate.corrects_id)
            .order_by(ProgressUpdate.id))]


# --- the list ---------------------------------------------------------------------------------


def test_the_list_filters_by_each_field_and_rating(app: Flask, area: Area,
                                                   team: BrowserLikeClient) -> None:
    other = add_area(app, "mercia", "Mercia Safeguarding Partnership")
    add_action(app, area.partnership_id, "Red by date", target_date=TODAY - DAY,
               body_id=area.board_id, lead_agency_id=area.police_id, status=Status.IN_PROGRESS)
    add_action(app, area.partnership_id, "Amber soon", target_date=TODAY + 10 * DAY,
               percent_complete=20, body_id=area.group_id, lead_person_id=area.officer_id,
               objective_id=area.objective_id, status=Status.IN_PROGRESS, detail="Neglect")
    add_action(app, area.partnership_id, "Green later", target_date=TODAY + 200 * DAY,
               lead_agency_id=area.council_id, status=Status.IN_PROGRESS,
               source_note="Section 11 audit", year=TODAY.year - 1)
    stale = add_action(app, area.partnership_id, "Green but stale",
                       target_date=TODAY + 200 * DAY, status=Status.IN_PROGRESS,
                       created_at=ago(100))
    add_action(app, area.partnership_id, "All done", status=Status.COMPLETE,
               completed_on=TODAY - DAY, percent_complete=100)
    add_action(app, other.partnership_id, "Mercian action", target_date=TODAY + 5 * DAY)
    add_update(app, stale, TODAY - 60 * DAY)

    everything = titles(team)
    assert set(everything) == {"Red by date", "Amber soon", "Green later", "Green but stale",
                               "All done", "Mercian action"}
    assert everything[-1] == "All done"  # the default order: open ones by target date first
    assert titles(team, "?rag=red") == ["Red by date"]
    assert titles(team, "?rag=amber") == ["Mercian action", "Amber soon"]  # soonest first
    assert titles(team, f"?rag=amber&partnership_id={area.partnership_id}") == ["Amber soon"]
    assert titles(team, "?rag=complete") == ["All done"]
    assert set(titles(team, "?attention=1")) == {"Red by date", "Amber soon", "Green but stale",
                                                 "Mercian action"}
    assert titles(team, "?update_overdue=1") == ["Green but stale"]
    assert titles(team, f"?body_id={area.board_id}") == ["Red by date"]
    assert titles(team, f"?agency_id={area.council_id}") == ["Green later"]
    assert titles(team, f"?person_id={area.officer_id}") == ["Amber soon"]
    assert titles(team, f"?plan_id={area.plan_id}") == ["Amber soon"]
    assert titles(team, "?status=complete") == ["All done"]
    assert titles(team, "?due=overdue") == ["Red by date"]
    assert titles(team, "?due=next_30") == ["Mercian action", "Amber soon"]
    assert titles(team, "?source=plan") == ["Amber soon"]
    assert set(titles(team, "?source=other")) == set(everything) - {"Amber soon"}
    assert titles(team, f"?year={TODAY.year - 1}") == ["Green later"]
    assert titles(team, "?search=NEGLECT") == ["Amber soon"]  # title or detail, any case
    assert titles(team, "?search=nothing+like+this") == []

    html = page(team.get(f"/actions?rag=amber&partnership_id={area.partnership_id}"))
    text = html.get_text(" ", strip=True)
    assert "1 action matches these filters" in text
    row = html.select_one("main table tbody tr").get_text(" ", strip=True)
    for shown in ("Amber soon", "A1 Hear the voice of the child", "Wessex Learning Group",
                  "Wessex Officer", "In progress", "20", "Amber"):
        assert shown in row
    # The filters keep their values, and the downloads carry the same filter.
    assert html.select_one("select[name=rag] option[selected]")["value"] == "amber"
    links = {a.get_text(" ", strip=True): a["href"] for a in html.select("main a")}
    assert links["Download CSV of these actions"] == (
        f"/actions/export.csv?partnership_id={area.partnership_id}&rag=amber")
    assert links["Download XLSX of these actions"].startswith("/actions/export.xlsx?")
    overdue = page(team.get("/actions?update_overdue=1")).select_one("main table tbody tr")
    assert "Update overdue" in overdue.get_text(" ", strip=True)


def test_the_list_sorts_and_pages(make_app: Callable[..., Flask],
                                  make_user: Callable[..., User]) -> None:
    small = make_app(PAGE_SIZE=2)  # on this test's database, like ``app``
    area = add_area(small)
    for n, days in enumerate((30, 10, 20, 40, 5)):
        add_action(small, area.partnership_id, f"Action {'EDCBA'[n]}",
                   target_date=TODAY + days * DAY, status=Status.IN_PROGRESS,
                   percent_complete=90)
    user = make_user(Role.TEAM)
    client: BrowserLikeClient = small.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302

    assert titles(client) == ["Action A", "Action D"]  # due soonest first: 5 and 10 days
    assert titles(client, "?page=2") == ["Action C", "Action E"]
    assert titles(client, "?page=3") == ["Action B"]
    assert titles(client, "?page=99") == ["Action B"]  # past the end: the last page
    assert titles(client, "?sort=title") == ["Action A", "Action B"]
    assert titles(client, "?sort=title&page=3") == ["Action E"]
    html = page(client.get("/actions?sort=title"))
    assert "5 actions" in html.get_text(" ", strip=True)
    nav = html.select_one("nav.govuk-pagination")
    hrefs = [a["href"] for a in nav.select("a")]
    assert "/actions?page=2&sort=title" in hrefs  # each page keeps the sort and filters


# --- an action's page -------------------------------------------------------------------------


def test_an_actions_page_shows_its_rating_source_progress_and_history(
    app: Flask, area: Area, team: BrowserLikeClient,
) -> None:
    earlier = add_action(app, area.partnership_id, "Last year's version", year=TODAY.year - 1,
                         status=Status.IN_PROGRESS)
    action_id = add_action(app, area.partnership_id, "Train staff on neglect",
                           objective_id=area.objective_id, body_id=area.group_id,
                           lead_agency_id=area.police_id, lead_person_id=area.officer_id,
                           target_date=TODAY - 3 * DAY, status=Status.IN_PROGRESS,
                           percent_complete=60, carried_from_id=earlier)
    first = add_update(app, action_id, TODAY - 20 * DAY, "Wrote the course",
                       proposed_rating=Rating.GREEN, author_name="Pat Lead")
    add_update(app, action_id, TODAY - 10 * DAY, "Ran two sessions; wrong count before",
               corrects_id=first, impact="Staff referrals rose", children_and_families=True)

    html = page(team.get(f"/actions/{action_id}"))
    text = html.get_text(" ", strip=True)
    assert "Red" in html.select_one("main .govuk-tag").get_text()
    assert f"Target date {(TODAY - 3 * DAY).day} {(TODAY - 3 * DAY):%B %Y} has passed" in text
    source = link(html, "A1 Hear the voice of the child")
    assert source["href"] == f"/objectives/{area.objective_id}"
    assert link(html, "Last year's version")["href"] == f"/actions/{earlier}"
    cards = html.select("#progress ~ .govuk-summary-card")
    assert [c.select_one("h3").get_text(" ", strip=True) for c in cards] == [
        f"{(TODAY - 10 * DAY).day} {(TODAY - 10 * DAY):%B %Y}",
        f"{(TODAY - 20 * DAY).day} {(TODAY - 20 * DAY):%B %Y}, by Pat Lead"]  # newest first
    newest, oldest = (c.get_text(" ", strip=True) for c in cards)
    assert "Correction" in newest and "Feedback from children and families" in newest
    assert cards[0].find("a", href=f"#update-{first}") is not None
    assert "Corrected" in oldest and "Rated green" in oldest
    assert "Staff referrals rose" in text  # the latest evidence of impact
    assert "History" in text
    assert link(html, "Record progress") is not None
    assert link(html, "Change the action") is not None

    previous = page(team.get(f"/actions/{earlier}"))
    assert link(previous, "Train staff on neglect")["href"] == f"/actions/{action_id}"
    assert "Carried forward to a later year" in previous.get_text(" ", strip=True)
    assert team.get("/actions/999999").status_code == 404


def test_an_action_arising_from_a_meeting_links_to_the_meeting(
    app: Flask, area: Area, team: BrowserLikeClient,
) -> None:
    with app.app_context(), acting_as("tests"):
        meeting = Meeting(body_id=area.board_id, held_on=TODAY - 7 * DAY)
        db.session.add(meeting)
        db.session.commit()
        meeting_id = meeting.id
    response = team.submit(f"/actions/new?meeting_id={meeting_id}",
                           action_form(title="Write to the schools", body=str(area.board_id)))
    assert response.status_code == 302
    with app.app_context():
        action = db.session.scalars(sa.select(Action)).one()
        assert (action.meeting_id, action.body_id, action.partnership_id) == (
            meeting_id, area.board_id, area.partnership_id)
    html = page(team.get(response.headers["Location"]))
    link = html.find("a", href=f"/meetings/{meeting_id}")
    assert link is not None and link.get_text().startswith("Action arising")


# --- adding and changing ----------------------------------------------------------------------


def test_adding_an_action_checks_every_rule_and_saves_nothing_until_all_pass(
    app: Flask, area: Area, team: BrowserLikeClient,
) -> None:
    url = f"/actions/new?partnership_id={area.partnership_id}"
    response = team.submit(url, action_form(
        title="", percent_complete="150",
        **date_parts("start_date", dt.date(2025, 5, 1)),
        **date_parts("target_date", dt.date(2025, 4, 1))))
    assert response.status_code == 200
    html = page(response)
    assert field_error(html, "title") == "Enter the action's title"
    assert field_error(html, "percent_complete") == "% complete must be between 0 and 100"
    assert actions(app) == []

    response = team.submit(url, action_form(
        **date_parts("start_date", dt.date(2025, 5, 1)),
        **date_parts("target_date", dt.date(2025, 4, 1))))
    assert field_error(page(response), "target_date") == (
        "The target date must be the same as or after the start date")
    response = team.submit(url, action_form(status="complete", percent_complete="50"))
    assert field_error(page(response), "percent_complete") == (
        "A complete action must be 100% complete: enter 100 or leave it blank")
    assert actions(app) == []

    response = team.submit(url, action_form(
        title="Audit neglect cases", body=str(area.board_id), lead_agency=str(area.police_id),
        lead_person=str(area.officer_id), status="in_progress", percent_complete="10",
        source_note="Section 11 audit", **date_parts("target_date", dt.date(2026, 2, 1))))
    assert response.status_code == 302
    with app.app_context():
        action = db.session.scalars(sa.select(Action)).one()
        assert (action.title, action.body_id, action.lead_agency_id, action.lead_person_id,
                action.status, action.percent_complete, action.source_note) == (
            "Audit neglect cases", area.board_id, area.police_id, area.officer_id,
            Status.IN_PROGRESS, 10, "Section 11 audit")
        assert action.year == 2025  # 1 February 2026 falls in the April 2025 year
    assert "Action added: Audit neglect cases" in page(
        team.get(response.headers["Location"])).get_text(" ", strip=True)


def test_choices_are_the_partnerships_own(app: Flask, area: Area,
                                          team: BrowserLikeClient) -> None:
    other = add_area(app, "mercia", "Mercia Safeguarding Partnership")
    url = f"/actions/new?partnership_id={area.partnership_id}"
    html = page(team.get(url))
    bodies = [o.get_text() for o in html.select("select[name=body] option")]
    assert bodies == ["No owning body", "Wessex Board", "Wessex Learning Group"]
    people = [o.get_text() for o in html.select("select[name=lead_person] option")]
    assert "Mercia Officer, Mercia Police" not in people
    assert "Wessex Officer, Wessex Police" in people
    response = team.submit(url, action_form(body=str(other.board_id),
                                            lead_agency=str(other.police_id)))
    assert field_error(page(response), "body") == "Not a valid choice."
    assert actions(app) == []


def test_an_action_from_an_objective_takes_its_plan_and_lead_body(
    app: Flask, area: Area, team: BrowserLikeClient,
) -> None:
    url = f"/actions/new?objective_id={area.objective_id}"
    html = page(team.get(url))
    assert "From A1 Hear the voice of the child" in html.get_text(" ", strip=True)
    assert html.select_one("select[name=body] option[selected]")["value"] == str(area.group_id)
    assert html.find(attrs={"name": "source_note"}) is None  # its source is the objective
    years = [o["value"] for o in html.select("select[name=year] option")]
    assert years == ["", "2024", "2025", "2026"]  # the plan's years
    response = team.submit(url, action_form(title="Run a survey", body=str(area.group_id),
                                            year="2026"))
    assert response.status_code == 302
    with app.app_context():
        action = db.session.scalars(sa.select(Action)).one()
        assert (action.objective_id, action.body_id, action.year) == (
            area.objective_id, area.group_id, 2026)
    assert team.get("/actions/new?objective_id=999999").status_code == 404


def test_changing_an_action_checks_the_rules_and_refuses_a_stale_version(
    app: Flask, area: Area, team: BrowserLikeClient,
) -> None:
    action_id = add_action(app, area.partnership_id, "Review the threshold document",
                           status=Status.IN_PROGRESS, percent_complete=40)
    url = f"/actions/{action_id}/edit"
    html = page(team.get(url))
    version = html.find("input", attrs={"name": "version"})["value"]
    fields = action_form(title="Review the threshold document", status="in_progress",
                         percent_complete="40", version=version,
                         **date_parts("completed_on", TODAY), outcome="", impact="")
    response = team.submit(url, fields)
    assert field_error(page(response), "completed_on") == (
        "Enter a completion date only when the status is complete")
    response = team.submit(url, {**fields, "status": "complete", "percent_complete": "100",
                                 **date_parts("completed_on", TODAY + DAY)})
    assert field_error(page(response), "completed_on") == (
        "The completion date must be today or in the past")
    assert actions(app)[0][2:4] == (Status.IN_PROGRESS, 40)

    response = team.submit(url, {**fields, "status": "complete", "percent_complete": "100",
                                 "outcome": "Published in March",
                                 **date_parts("completed_on", None)})  # blank: today
    assert response.status_code == 302
    with app.app_context():
        action = db.session.get_one(Action, action_id)
        assert (action.status, action.percent_complete, action.completed_on,
                action.outcome) == (Status.COMPLETE, 100, TODAY, "Published in March")

    # A form opened at the old version: the conflict page, and nothing is overwritten.
    response = team.submit(url, {**fields, "title": "A stale change",
                                 **date_parts("completed_on", None)})
    assert response.status_code == 409
    assert "was changed while you were editing" in page(response).get_text(" ", strip=True)
    assert load(app, Action, action_id).title == "Review the threshold document"


# --- recording progress -----------------------------------------------------------------------


def test_recording_progress_appends_an_update_and_moves_the_action_on(
    app: Flask, area: Area, team: BrowserLikeClient,
) -> None:
    action_id = add_action(app, area.partnership_id, "Publish the neglect toolkit",
                           status=Status.NOT_STARTED)
    url = f"/actions/{action_id}/update"
    response = team.submit(url, {"narrative": "", "status": "in_progress",
                                 "percent_complete": "120",
                                 **date_parts("recorded_on", TODAY + DAY)})
    html = page(response)
    assert field_error(html, "narrative") == "Enter the progress made"
    assert field_error(html, "percent_complete") == "% complete must be between 0 and 100"
    response = team.submit(url, {"narrative": "Drafted", "status": "in_progress",
                                 **date_parts("recorded_on", TODAY + DAY)})
    assert field_error(page(response), "recorded_on") == (
        "The date of the update must be today or in the past")
    assert updates(app) == []

    response = team.submit(url, {"narrative": "Drafted the toolkit", "status": "in_progress",
                                 "percent_complete": "30", "proposed_rating": "amber",
                                 "impact": "Two schools piloting it",
                                 "children_and_families": "y",
                                 **date_parts("recorded_on", TODAY - 2 * DAY)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/actions/{action_id}#progress")
    with app.app_context():
        action = db.session.get_one(Action, action_id)
        update = db.session.scalars(sa.select(ProgressUpdate)).one()
        assert (action.status, action.percent_complete) == (Status.IN_PROGRESS, 30)
        assert (update.recorded_on, update.narrative, update.proposed_rating, update.status,
                update.percent_complete, update.impact, update.children_and_families,
                update.author_name) == (
            TODAY - 2 * DAY, "Drafted the toolkit", Rating.AMBER, Status.IN_PROGRESS, 30,
            "Two schools piloting it", True, "Test Team")
        first = update.id

    # Complete: % must be 100 or blank; the completion date is the update's date.
    response = team.submit(url, {"narrative": "Done", "status": "complete",
                                 "percent_complete": "90"})
    assert field_error(page(response), "percent_complete") == (
        "A complete action must be 100% complete: enter 100 or leave it blank")
    response = team.submit(url, {"narrative": "Published; the earlier date was wrong",
                                 "status": "complete", "corrects": str(first)})
    assert response.status_code == 302
    with app.app_context():
        action = db.session.get_one(Action, action_id)
        assert (action.status, action.percent_complete, action.completed_on) == (
            Status.COMPLETE, 100, TODAY)
    assert [row[2:] for row in updates(app)] == [
        ("Drafted the toolkit", Status.IN_PROGRESS, None),
        ("Published; the earlier date was wrong", Status.COMPLETE, first)]
    text = page(team.get(f"/actions/{action_id}")).get_text(" ", strip=True)
    assert "Progress recorded: Publish the neglect toolkit" in text


def test_the_database_refuses_to_change_or_remove_a_progress_update(
    app: Flask, area: Area,
) -> None:
    action_id = add_action(app, area.partnership_id, "Keep the log honest")
    update_id = add_update(app, action_id, TODAY, "As it was")
    with app.app_context():
        for statement in (
            sa.update(ProgressUpdate).where(ProgressUpdate.id == update_id)
            .values(narrative="Rewritten"),
            sa.delete(ProgressUpdate).where(ProgressUpdate.id == update_id),
        ):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                db.session.execute(statement)
            db.session.rollback()
        assert db.session.get_one(ProgressUpdate, update_id).narrative == "As it was"


# --- who may do what --------------------------------------------------------------------------


def test_a_chair_works_only_on_their_own_bodies_actions(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    chair = signed_in(Role.CHAIR)
    make_chair(app, chair.user, area.group_id)  # type: ignore[attr-defined]
    theirs = add_action(app, area.partnership_id, "Board action", body_id=area.board_id)
    ours = add_action(app, area.partnership_id, "Group action", body_id=area.group_id)
    before = actions(app)

    for url in (f"/actions/{theirs}/edit", f"/actions/{theirs}/update"):
        assert chair.get(url).status_code == 403, url
        response = chair.post_with_token(url, {"title": "Taken over", "narrative": "Hijack",
                                               "status": "cancelled"}, token_from="/actions/mine")
        assert response.status_code == 403, url
    assert chair.get(f"/actions/new?body_id={area.board_id}").status_code == 403
    assert actions(app) == before and updates(app) == []
    html = page(chair.get(f"/actions/{theirs}"))
    assert link(html, "Change the action") is None
    assert link(html, "Record progress") is None

    # Their own group's: they may change it, record progress, and add actions only for it.
    assert chair.get(f"/actions/{ours}/edit").status_code == 200
    response = chair.submit(f"/actions/{ours}/update", {"narrative": "Met", "status":
                                                        "in_progress"})
    assert response.status_code == 302
    html = page(chair.get("/actions/new"))
    assert [o.get_text() for o in html.select("select[name=body] option")] == [
        "No owning body", "Wessex Learning Group"]
    response = chair.submit("/actions/new", action_form(title="Chair's own action"))
    assert field_error(page(response), "body") == "Select a body you chair"
    response = chair.submit("/actions/new", action_form(title="Chair's own action",
                                                        body=str(area.group_id)))
    assert response.status_code == 302
    assert [row[1] for row in actions(app)][-1] == "Chair's own action"


def test_an_agency_lead_updates_only_their_agencys_actions(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    lead = signed_in(Role.AGENCY)
    link_person(app, lead.user, agency_id=area.police_id)  # type: ignore[attr-defined]
    police = add_action(app, area.partnership_id, "Police action", lead_agency_id=area.police_id)
    council = add_action(app, area.partnership_id, "Council action",
                         lead_agency_id=area.council_id)
    assert lead.get(f"/actions/{council}/update").status_code == 403
    response = lead.post_with_token(f"/actions/{council}/update",
                                    {"narrative": "Not ours", "status": "complete"},
                                    token_from="/actions/mine")
    assert response.status_code == 403
    # Changing the action itself is for its body's chair and the team: the lead is offered a
    # request for a new target date instead of a refusal.
    offered = lead.get(f"/actions/{police}/edit")
    assert offered.status_code == 200
    assert page(offered).h1.get_text(strip=True) == "Ask for a new target date"
    assert lead.get(f"/actions/{council}/edit").status_code == 403
    assert lead.post_with_token(f"/actions/{police}/edit", {"title": "Renamed"},
                                token_from="/actions/mine").status_code == 403
    assert lead.get("/actions/new").status_code == 403
    assert updates(app) == []
    response = lead.submit(f"/actions/{police}/update", {"narrative": "Ours",
                                                         "status": "in_progress"})
    assert response.status_code == 302
    assert [row[1:3] for row in updates(app)] == [(police, "Ours")]


def test_a_scrutineer_reads_everything_and_changes_nothing(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    reader = signed_in(Role.SCRUTINEER)
    action_id = add_action(app, area.partnership_id, "Scrutinised action",
                           body_id=area.board_id)
    for url in ("/actions", f"/actions/{action_id}", "/actions/mine"):
        response = reader.get(url)
        assert response.status_code == 200, url
        assert not page(response).select("main form[method=post]"), url
    for url in (f"/actions/{action_id}/edit", f"/actions/{action_id}/update", "/actions/new"):
        assert reader.get(url).status_code == 403, url
