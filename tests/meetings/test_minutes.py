"""Minutes: drafted, approved at a later meeting, then locked with everything they record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.meetings import services
from partnership.meetings.models import (
    AgendaItem,
    Decision,
    DecisionMethod,
    Meeting,
    MeetingStatus,
    MinutesStatus,
    Presence,
    VoteChoice,
)
from partnership.policy import Role
from partnership.register.models import BodyKind, PartnerKind
from tests.meetings import (
    TODAY,
    add_agenda_item,
    add_decision,
    add_meeting,
    add_member,
    meeting_state,
    record_attendance,
    status_of,
)
from tests.register.builders import date_parts, field_error
from tests.register.records import add_agency, add_area, add_body
from tests.support.client import BrowserLikeClient, csrf_token_from, page

LOCKED = "can no longer be changed"


def long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    """A board's meeting with everything recorded, the next meeting, and one to come."""
    ids: dict[str, Any] = {"partnership": add_area(app, "northshire")}
    ids["police"] = add_agency(app, "northshire", "Northshire Police")
    ids["board"] = add_body(app, "Safeguarding Board", slug="northshire", kind=BodyKind.BOARD)
    add_member(app, ids["board"], ids["police"])
    ids["day"] = TODAY - dt.timedelta(days=60)
    ids["meeting"] = add_meeting(app, ids["board"], ids["day"], status=MeetingStatus.HELD,
                                 minutes="## Present\n\nEveryone.")
    ids["item"] = add_agenda_item(app, ids["meeting"], "Budget")
    ids["decision"] = add_decision(app, ids["meeting"], "Agreed the budget",
                                   {kind: VoteChoice.FOR for kind in PartnerKind})
    record_attendance(app, ids["meeting"], {ids["police"]: Presence.PRESENT})
    ids["next_day"] = TODAY - dt.timedelta(days=2)
    ids["next"] = add_meeting(app, ids["board"], ids["next_day"])
    ids["future"] = add_meeting(app, ids["board"], TODAY + dt.timedelta(days=60))
    return ids


def test_minutes_are_approved_at_the_next_meeting_and_then_everything_is_locked(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    meeting = world["meeting"]
    url = f"/meetings/{meeting}/minutes/approve"
    form = page(team.get(url))
    options = {radio["value"]: radio.has_attr("checked")
               for radio in form.select("input[name=approved_at]")}
    assert options == {str(world["next"]): True, str(world["future"]): False}

    future = team.submit(url, {"approved_at": str(world["future"])})
    assert "has not happened yet" in field_error(page(future), "approved_at")
    assert meeting_state(app, meeting)["meeting"][5] is MinutesStatus.DRAFT

    approved = team.submit(url, {"approved_at": str(world["next"])}, follow_redirects=True)
    html = page(approved)
    assert f"Approved at the meeting on {long(world['next_day'])}" in html.get_text(" ")
    assert status_of(app, world["next"]) is MeetingStatus.HELD  # its day has come

    # The controls are gone...
    assert html.select("main form[method=post]") == []
    labels = [a.get_text(" ", strip=True) for a in html.select("main a")]
    for hidden in ("Change the meeting or its minutes", "Add an agenda item",
                   "Record attendance", "Record a decision", "Approve the minutes"):
        assert hidden not in labels
    assert not [label for label in labels if label.startswith("Change")]

    # ...and every change is refused with a message, changing nothing.
    before = meeting_state(app, meeting)
    token = csrf_token_from(team.get("/account"))
    for target in (f"/meetings/{meeting}/edit", f"/meetings/{meeting}/agenda/new",
                   f"/meetings/agenda/{world['item']}/edit", f"/meetings/{meeting}/attendance",
                   f"/meetings/{meeting}/decisions/new",
                   f"/meetings/decisions/{world['decision']}/edit", url):
        shown = team.get(target, follow_redirects=True)
        assert LOCKED in page(shown).get_text(" "), target
        posted = team.post(target, data={
            "csrf_token": token, **date_parts("held_on", TODAY), "status": "held",
            "minutes": "Rewritten", "title": "Added late", "text": "Changed",
            "method": "consensus", f"presence_{world['police']}": "absent",
            "approved_at": str(world["future"]), "version": "1"}, follow_redirects=True)
        assert LOCKED in page(posted).get_text(" "), target
    assert meeting_state(app, meeting) == before


def test_the_services_refuse_changes_to_a_locked_meeting(app: Flask,
                                                         world: dict[str, Any]) -> None:
    with app.app_context(), acting_as("tests"):
        meeting = db.session.get_one(Meeting, world["meeting"])
        later = db.session.get_one(Meeting, world["next"])
        services.approve_minutes(meeting, later, TODAY)
        db.session.commit()
        item = db.session.get_one(AgendaItem, world["item"])
        decision = db.session.get_one(Decision, world["decision"])
        consensus = {"text": "x", "method": DecisionMethod.CONSENSUS, "votes": {}}
        attempts = [
            lambda: services.update_meeting(meeting, meeting.version, {"minutes": "New"}),
            lambda: services.add_agenda_item(meeting, {"title": "Late"}),
            lambda: services.update_agenda_item(item, item.version, {"title": "Late"}),
            lambda: services.save_attendance(
                meeting, {world["police"]: (Presence.ABSENT, "")}, TODAY),
            lambda: services.add_decision(meeting, consensus),
            lambda: services.update_decision(decision, decision.version, consensus),
            lambda: services.approve_minutes(meeting, later, TODAY),
        ]
        for attempt in attempts:
            with pytest.raises(services.MeetingLocked, match=LOCKED):
                attempt()
        db.session.rollback()
    assert meeting_state(app, world["meeting"])["meeting"][4] == "## Present\n\nEveryone."


def test_minutes_need_writing_and_a_later_meeting_of_the_same_body(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    other = add_meeting(app, add_body(app, "Other Group", slug="northshire"),
                        TODAY - dt.timedelta(days=1))
    with app.app_context(), acting_as("tests"):
        meeting = db.session.get_one(Meeting, world["meeting"])
        for wrong in (other, world["meeting"]):
            with pytest.raises(services.MeetingError, match="later meeting of Safeguarding"):
                services.approve_minutes(meeting, db.session.get_one(Meeting, wrong), TODAY)
        blank = db.session.get_one(Meeting, world["next"])
        with pytest.raises(services.MeetingError, match="Write the minutes"):
            services.approve_minutes(blank, db.session.get_one(Meeting, world["future"]),
                                     TODAY + dt.timedelta(days=90))
        db.session.rollback()
    team = signed_in(Role.TEAM)
    shown = page(team.get(f"/meetings/{world['next']}/minutes/approve"))
    assert "have not been written yet" in shown.get_text(" ")
    refused = team.submit(f"/meetings/{world['next']}/minutes/approve",
                          {"approved_at": str(world["future"])})
    assert page(refused).select_one(".govuk-error-summary li").get_text(strip=True) == (
        "Write the minutes before they can be approved")
    assert meeting_state(app, world["next"])["meeting"][5] is MinutesStatus.DRAFT
