"""My actions: everything a person leads, their agency leads or their group owns, what needs
attention first, each updated from the page itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.actions.models import Action, ProgressUpdate, Rating, Status
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Body
from tests.actions import DAY, TODAY, Area, add_action, add_area, ago, link_person, make_chair
from tests.support.client import BrowserLikeClient, csrf_token_from, page


@pytest.fixture
def area(app: Flask) -> Area:
    """A partnership with one action for each way of owning or leading one."""
    area = add_area(app)
    add_action(app, area.partnership_id, "Led by the officer", lead_person_id=area.officer_id,
               lead_agency_id=area.council_id, status=Status.IN_PROGRESS,
               target_date=TODAY + 200 * DAY)
    add_action(app, area.partnership_id, "Led by the police", lead_agency_id=area.police_id,
               status=Status.IN_PROGRESS, target_date=TODAY - DAY)
    add_action(app, area.partnership_id, "Owned by the board", body_id=area.board_id,
               status=Status.IN_PROGRESS, target_date=TODAY + 100 * DAY, created_at=ago(90))
    add_action(app, area.partnership_id, "Owned by the group", body_id=area.group_id,
               status=Status.COMPLETE, completed_on=TODAY - DAY)
    add_action(app, area.partnership_id, "Nobody's", status=Status.IN_PROGRESS)
    return area


def cards(client: BrowserLikeClient) -> dict[str, list[str]]:
    """Each section of My actions: its heading and the titles of its cards, in order."""
    html = page(client.get("/actions/mine"))
    sections: dict[str, list[str]] = {}
    current = ""
    for element in html.select("main h2, main .govuk-summary-card__title, main details td a"):
        if element.name == "h2":
            current = element.get_text(" ", strip=True).split(" (")[0]
            sections[current] = []
        elif element.name == "a" and element.find_parent("details"):
            sections.setdefault("Closed", []).append(element.get_text(" ", strip=True))
        else:
            sections[current].append(element.get_text(" ", strip=True))
    return sections


def test_a_lead_officer_sees_the_actions_naming_them(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    officer = signed_in(Role.TEAM)
    link_person(app, officer.user, area.officer_id)  # type: ignore[attr-defined]
    assert cards(officer) == {"Needing attention": [],
                              "Other open actions": ["Led by the officer"]}


def test_an_agency_lead_sees_their_agencys_and_their_own(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    lead = signed_in(Role.AGENCY)
    link_person(app, lead.user, area.officer_id)  # type: ignore[attr-defined] (police)
    assert cards(lead) == {"Needing attention": ["Led by the police"],
                           "Other open actions": ["Led by the officer"]}
    html = page(lead.get("/actions/mine"))
    red = html.select_one(".govuk-summary-card").get_text(" ", strip=True)
    assert "Red" in red and "has passed" in red  # the rating, in words, with its reason


def test_a_chair_sees_their_bodies_actions_worst_first(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    chair = signed_in(Role.CHAIR)
    make_chair(app, chair.user, area.board_id)  # type: ignore[attr-defined]
    with app.app_context():
        db.session.get_one(Action, 4).body_id = area.board_id  # the complete one, too
        db.session.get_one(Action, 2).body_id = area.board_id  # red: past its target
        db.session.commit()
    assert cards(chair) == {"Needing attention": ["Led by the police", "Owned by the board"],
                            "Other open actions": [], "Closed": ["Owned by the group"]}
    html = page(chair.get("/actions/mine"))
    stale = html.select(".govuk-summary-card")[1].get_text(" ", strip=True)
    assert "Update overdue" in stale and "No update yet" in stale
    assert html.select_one("details").select("form") == []  # closed ones carry no form


def test_a_scrutineer_is_told_why_nothing_is_listed(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    reader = signed_in(Role.SCRUTINEER)
    html = page(reader.get("/actions/mine"))
    assert "No actions are yours to lead" in html.get_text(" ", strip=True)
    assert html.select("main form") == []
    link_person(app, reader.user)  # type: ignore[attr-defined] (in the register, leading nothing)
    html = page(reader.get("/actions/mine"))
    assert "No actions name you" in html.get_text(" ", strip=True)


def test_actions_are_updated_from_the_page_in_a_few_keystrokes(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    lead = signed_in(Role.AGENCY)
    link_person(app, lead.user, area.officer_id)  # type: ignore[attr-defined]
    html = page(lead.get("/actions/mine"))
    forms = html.select("main form[method=post]")
    assert len(forms) == 2  # one per open action they may update
    form = html.select_one("#action-2 form")
    assert form["action"] == "/actions/2/update"
    posted: dict[str, Any] = {field["name"]: field.get("value", "")
                              for field in form.select("input")}
    # Saving comes back to the page as it was loaded: the cards in the same order.
    assert posted["next"] == "/actions/mine?keep=2-1&saved=2#action-2"
    assert form.select_one("select[name=status] option[selected]")["value"] == "in_progress"
    posted.update(status="complete", percent_complete="", proposed_rating="green",
                  narrative="Finished early")
    response = lead.post("/actions/2/update", data=posted)
    assert response.status_code == 302
    assert response.headers["Location"] == "/actions/mine?keep=2-1&saved=2#action-2"
    html = page(lead.get("/actions/mine"))
    assert "Progress recorded: Led by the police" in html.get_text(" ", strip=True)
    assert cards(lead) == {"Needing attention": [], "Other open actions": ["Led by the officer"],
                           "Closed": ["Led by the police"]}
    with app.app_context():
        action = db.session.get_one(Action, 2)
        assert (action.status, action.percent_complete, action.completed_on) == (
            Status.COMPLETE, 100, TODAY)
        update = db.session.scalars(sa.select(ProgressUpdate)).one()
        assert (update.narrative, update.proposed_rating, update.recorded_on) == (
            "Finished early", Rating.GREEN, TODAY)

    # A quick update with no narrative opens the full form with the error; nothing saved.
    token = csrf_token_from(lead.get("/actions/mine"))
    response = lead.post("/actions/1/update", data={
        "csrf_token": token, "next": "/actions/mine#action-1", "status": "in_progress",
        "percent_complete": "60", "narrative": ""})
    assert response.status_code == 200
    html = page(response)
    assert "Enter the progress made" in html.select_one(".govuk-error-summary").get_text()
    assert html.select_one("input[name=next]")["value"] == "/actions/mine#action-1"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ProgressUpdate.id))) == 1
    # ``next`` never leads off the site.
    response = lead.post("/actions/1/update", data={
        "csrf_token": token, "next": "//evil.example/", "status": "in_progress",
        "narrative": "Half way"})
    assert response.headers["Location"] == "/actions/1#progress"


def test_only_actions_the_user_may_update_carry_a_form(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    partner = signed_in(Role.PARTNER)
    link_person(app, partner.user, area.officer_id)  # type: ignore[attr-defined]
    html = page(partner.get("/actions/mine"))
    assert [c.get_text(" ", strip=True) for c in html.select(".govuk-summary-card__title")] == [
        "Led by the officer"]
    assert len(html.select("main form[method=post]")) == 1  # a lead officer updates their own
    # The council's agency lead who also chairs the board sees the board's action too, but
    # only the council's own carries a form: chairing is not the chair role's right to update.
    lead = signed_in(Role.AGENCY)
    person = link_person(app, lead.user, area.colleague_id)  # type: ignore[attr-defined]
    with app.app_context():
        db.session.get(Body, area.board_id).chair_id = person  # type: ignore[union-attr]
        db.session.commit()
    html = page(lead.get("/actions/mine"))
    titles = [c.get_text(" ", strip=True) for c in html.select(".govuk-summary-card__title")]
    assert titles == ["Owned by the board", "Led by the officer"]
    assert [f["action"] for f in html.select("main form[method=post]")] == ["/actions/1/update"]
