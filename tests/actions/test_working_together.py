"""Working on actions together, as the people doing it see the pages: My actions keeping its
order while cards are saved and offering your last rating, comments, requests for a new
target date and their decisions, and changing several actions in one step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.actions import services
from partnership.actions.models import Action, DateRequestStatus, Rating, Status
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.kernel.dates import long_date
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
from tests.register.builders import date_parts
from tests.support.client import BrowserLikeClient, page


@pytest.fixture
def area(app: Flask) -> Area:
    return add_area(app)


def text_of(response: Any) -> str:
    return " ".join(page(response).get_text(" ", strip=True).split())


def field_error(response: Any, name: str) -> str:
    message = page(response).find(id=f"{name}-error")
    assert message is not None, f"no error next to {name}"
    return " ".join(message.get_text(" ", strip=True).split())


def card_order(response: Any) -> list[tuple[str, str]]:
    """Each card on My actions as (its section, its title), in order."""
    order, section = [], ""
    for element in page(response).select("main h2, main .govuk-summary-card__title"):
        if element.name == "h2":
            section = element.get_text(" ", strip=True).split(" (")[0]
        else:
            order.append((section, element.get_text(" ", strip=True)))
    return order


def card_form(response: Any, action_id: int) -> dict[str, str]:
    form = page(response).select_one(f"#action-{action_id} form")
    assert form is not None
    fields = {field["name"]: field.get("value", "") for field in form.select("input")}
    for select in form.select("select"):
        chosen = select.select_one("option[selected]")
        fields[select["name"]] = chosen["value"] if chosen else ""
    return fields


# --- My actions ---------------------------------------------------------------------------------


def test_my_actions_keeps_its_order_while_a_card_is_saved(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    """A card that no longer needs attention once saved stays where it was (it used to move
    to the other section, and the next update went on the wrong action)."""
    lead = signed_in(Role.AGENCY)
    link_person(app, lead.user, agency_id=area.police_id)  # type: ignore[attr-defined]
    stale = add_action(app, area.partnership_id, "Waiting for an update",
                       lead_agency_id=area.police_id, status=Status.IN_PROGRESS,
                       target_date=TODAY + 300 * DAY, created_at=ago(90))
    add_action(app, area.partnership_id, "Late", lead_agency_id=area.police_id,
               status=Status.IN_PROGRESS, target_date=TODAY - DAY)
    add_action(app, area.partnership_id, "On track", lead_agency_id=area.police_id,
               status=Status.IN_PROGRESS, target_date=TODAY + 200 * DAY)
    shown = lead.get("/actions/mine")
    before = card_order(shown)
    assert before == [("Needing attention", "Late"),
                      ("Needing attention", "Waiting for an update"),
                      ("Other open actions", "On track")]

    posted = card_form(shown, stale)
    posted.update(narrative="Met the schools' leads", percent_complete="40")
    response = lead.post(f"/actions/{stale}/update", data=posted, follow_redirects=True)

    assert card_order(response) == before
    saved = page(response).select_one(f"#action-{stale}")
    assert "Saved" in saved.get_text(" ", strip=True)
    assert "40% complete" in saved.get_text(" ", strip=True)
    # A fresh visit lays the page out by the rule again: the card no longer needs attention.
    assert ("Other open actions", "Waiting for an update") in card_order(
        lead.get("/actions/mine"))


def test_your_rating_is_filled_in_with_your_last_one(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    lead = signed_in(Role.AGENCY)
    user = lead.user  # type: ignore[attr-defined]
    link_person(app, user, agency_id=area.police_id)
    action_id = add_action(app, area.partnership_id, "Rated before",
                           lead_agency_id=area.police_id, status=Status.IN_PROGRESS,
                           target_date=TODAY + 200 * DAY)
    add_update(app, action_id, TODAY - 3 * DAY, author_id=user.id,
               proposed_rating=Rating.AMBER)
    add_update(app, action_id, TODAY - DAY, narrative="Someone else's view",
               proposed_rating=Rating.GREEN)  # not theirs: their own rating is offered

    assert card_form(lead.get("/actions/mine"), action_id)["proposed_rating"] == "amber"
    form = page(lead.get(f"/actions/{action_id}/update"))
    assert form.select_one("select[name=proposed_rating] option[selected]")["value"] == "amber"


# --- comments -----------------------------------------------------------------------------------


def test_comments_are_added_and_shown_on_the_action(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    action_id = add_action(app, area.partnership_id, "Talked about", body_id=area.board_id)
    partner = signed_in(Role.PARTNER)
    url = f"/actions/{action_id}"
    refused = partner.submit(url, {"body": "  "}, action=f"{url}/comments")
    assert refused.status_code == 200
    assert field_error(refused, "body") == "Error: Enter your comment"
    response = partner.submit(url, {"body": "The health visitors can help here"},
                              action=f"{url}/comments", follow_redirects=True)
    words = text_of(response)
    assert "Comment added" in words
    assert "Test Partner commented" in words and "The health visitors can help here" in words

    reader = signed_in(Role.SCRUTINEER)
    html = page(reader.get(url))
    assert "The health visitors can help here" in html.get_text(" ")
    assert not html.select("main form[method=post]")
    assert reader.post_with_token(f"{url}/comments", {"body": "No"},
                                  token_from=url).status_code == 403


# --- a new target date --------------------------------------------------------------------------


def test_an_agency_lead_asks_and_the_chair_approves_a_new_target_date(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    due, wanted = TODAY + 30 * DAY, TODAY + 120 * DAY
    action_id = add_action(app, area.partnership_id, "Train the front door staff",
                           body_id=area.group_id, lead_agency_id=area.police_id,
                           status=Status.IN_PROGRESS, target_date=due)
    lead = signed_in(Role.AGENCY)
    link_person(app, lead.user, agency_id=area.police_id)  # type: ignore[attr-defined]
    url = f"/actions/{action_id}"

    # Where a change used to be refused (403), the lead is offered the request.
    offered = lead.get(f"{url}/edit")
    assert offered.status_code == 200
    assert page(offered).select_one(f"form[action='{url}/target-date']") is not None
    assert "Ask for a new target date" in text_of(lead.get(url))

    parts = date_parts("requested_due", wanted)
    refused = lead.submit(f"{url}/target-date", {**parts, "reason": ""})
    assert field_error(refused, "reason") == "Error: Say why the target date should change"
    asked = lead.submit(f"{url}/target-date",
                        {**parts, "reason": "The trainer is away until spring"},
                        follow_redirects=True)
    assert f"a new target date of {long_date(wanted)}" in text_of(asked)
    again = lead.submit(f"{url}/target-date", {**parts, "reason": "Again"})
    assert "already waiting for a decision" in text_of(again)

    chair = signed_in(Role.CHAIR)
    make_chair(app, chair.user, area.group_id)  # type: ignore[attr-defined]
    other_chair = signed_in(Role.CHAIR)
    make_chair(app, other_chair.user, area.board_id)  # type: ignore[attr-defined]
    with app.test_request_context():
        for user, expected in ((chair.user, ["Train the front door staff"]),  # type: ignore[attr-defined]
                               (other_chair.user, []),  # type: ignore[attr-defined]
                               (lead.user, [])):  # type: ignore[attr-defined]
            fresh = db.session.get(type(user), user.id)
            assert [r.action.title for r in services.date_requests_to_decide(fresh)] == expected
    assert other_chair.post_with_token(f"{url}/target-date/decide", {"decision": "approve"},
                                       token_from=url).status_code == 403

    shown = chair.get(url)
    form = page(shown).select_one(f"form[action='{url}/target-date/decide']")
    request_id = form.select_one("input[name=request]")["value"]
    missing = chair.submit(url, {"request": request_id, "decision": "approve",
                                 "decision_reason": ""}, action=f"{url}/target-date/decide")
    assert field_error(missing, "decision_reason") == (
        "Error: Say why you approve or decline the request")
    assert load(app, Action, action_id).target_date == due

    decided = chair.submit(url, {"request": request_id, "decision": "approve",
                                 "decision_reason": "Agreed at the group"},
                           action=f"{url}/target-date/decide", follow_redirects=True)

    assert load(app, Action, action_id).target_date == wanted
    words = text_of(decided)
    assert "Request approved" in words
    assert (f"asked to move the target date from {long_date(due)} to {long_date(wanted)}"
            in words)
    assert (f"approved the request: the target date moved from {long_date(due)} to "
            f"{long_date(wanted)}") in words
    assert "Agreed at the group" in words and "The trainer is away until spring" in words
    with app.app_context():
        change = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.record_type == "action", AuditEvent.record_id == str(action_id),
            AuditEvent.action == "update")).one()
        assert change.changes["target_date"] == [due.isoformat(), wanted.isoformat()]
        assert change.user_id == chair.user.id  # type: ignore[attr-defined]


def test_a_declined_request_leaves_the_date_and_says_why(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    due = TODAY + 30 * DAY
    action_id = add_action(app, area.partnership_id, "Audit neglect cases",
                           lead_person_id=area.officer_id, target_date=due)
    officer = signed_in(Role.PARTNER)
    link_person(app, officer.user, area.officer_id)  # type: ignore[attr-defined]
    url = f"/actions/{action_id}"
    wanted = TODAY + 90 * DAY
    officer.submit(f"{url}/target-date", {**date_parts("requested_due", wanted),
                                          "reason": "Waiting for the data"})
    team = signed_in(Role.TEAM)  # no owning body: the team decides
    request_id = page(team.get(url)).select_one("input[name=request]")["value"]
    response = team.submit(url, {"request": request_id, "decision": "decline",
                                 "decision_reason": "The board needs it by then"},
                           action=f"{url}/target-date/decide", follow_redirects=True)
    assert load(app, Action, action_id).target_date == due
    assert (f"declined the request to move the target date to {long_date(wanted)}"
            in text_of(response))
    with app.app_context():
        assert [r.status for r in db.session.scalars(
            sa.select(services.TargetDateRequest))] == [DateRequestStatus.DECLINED]


# --- changing several actions at once -----------------------------------------------------------


def bulk_page(client: BrowserLikeClient, ids: list[int]) -> Any:
    return client.get("/actions/bulk?" + "&".join(f"action={i}" for i in ids))


def bulk_post(client: BrowserLikeClient, ids: list[int], changes: dict[str, str]) -> Any:
    shown = bulk_page(client, ids)
    html = page(shown)
    data: dict[str, Any] = {field["name"]: field.get("value", "")
                            for field in html.select("main form input[type=hidden]")}
    data["action"] = [str(i) for i in ids]
    data.update(changes)
    return client.post("/actions/bulk", data=data)


def test_the_team_changes_several_actions_in_one_step_each_audited(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    first = add_action(app, area.partnership_id, "First", status=Status.IN_PROGRESS)
    second = add_action(app, area.partnership_id, "Second", status=Status.NOT_STARTED,
                        body_id=area.board_id)
    team = signed_in(Role.TEAM)
    listed = page(team.get("/actions"))
    boxes = listed.select("main form[action='/actions/bulk'] input[name=action]")
    assert sorted(int(b["value"]) for b in boxes) == [first, second]

    target = dt.date(TODAY.year + 1, 3, 31)
    response = bulk_post(team, [first, second], {
        "body": str(area.group_id), "lead_agency": "", "lead_person": "",
        **date_parts("target_date", target), "status": "in_progress"})

    assert response.status_code == 302
    for action_id in (first, second):
        saved = load(app, Action, action_id)
        assert (saved.body_id, saved.target_date, saved.status) == (
            area.group_id, target, Status.IN_PROGRESS)
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.record_type == "action", AuditEvent.action == "update")
            .order_by(AuditEvent.record_id)).all()
        assert [e.record_id for e in events] == [str(first), str(second)]
    assert "2 actions changed" in text_of(team.get("/actions"))


def test_a_change_to_several_actions_is_refused_as_a_whole_naming_the_rows(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    chair = signed_in(Role.CHAIR)
    make_chair(app, chair.user, area.group_id)  # type: ignore[attr-defined]
    ours = add_action(app, area.partnership_id, "Our group's", body_id=area.group_id)
    started = add_action(app, area.partnership_id, "Starts next year", body_id=area.group_id,
                         start_date=TODAY + 400 * DAY)
    theirs = add_action(app, area.partnership_id, "The board's", body_id=area.board_id)
    target = TODAY + 200 * DAY
    response = bulk_post(chair, [ours, started, theirs], date_parts("target_date", target))

    assert response.status_code == 200
    html = page(response)
    assert html.title.get_text(strip=True).startswith("Error:")
    refused = [li.get_text(" ", strip=True) for li in html.select(".app-bulk-refusals li")]
    assert refused == [
        "Starts next year: The target date must be the same as or after the start date",
        "The board's: you may not change this action"]
    for action_id in (ours, started, theirs):
        assert load(app, Action, action_id).target_date is None  # nothing changed

    # Someone else's save in the meantime is caught as in a single edit.
    shown = bulk_page(chair, [ours])
    with app.app_context():
        db.session.get_one(Action, ours).title = "Renamed meanwhile"
        db.session.commit()
    data: dict[str, Any] = {field["name"]: field.get("value", "")
                            for field in page(shown).select("main form input[type=hidden]")}
    data.update(action=[str(ours)], status="complete")
    stale = chair.post("/actions/bulk", data=data)
    assert [li.get_text(" ", strip=True) for li in page(stale).select(".app-bulk-refusals li")
            ] == ["Renamed meanwhile: someone changed it since you selected it"]
    assert load(app, Action, ours).status is Status.NOT_STARTED


def test_only_those_who_change_actions_are_offered_the_bulk_change(
    app: Flask, area: Area, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_action(app, area.partnership_id, "Anyone's")
    lead = signed_in(Role.AGENCY)
    assert not page(lead.get("/actions")).select("input[name=action]")
    assert lead.get("/actions/bulk").status_code == 403
