"""Requests to agencies for information and key practice episodes of a Rapid Review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from partnership.accounts.models import User
from partnership.policy import Role
from partnership.reviews.models import Case, InformationRequest, PracticeEpisode, RapidReview
from tests.register.builders import field_error
from tests.register.records import add_agency, add_area
from tests.reviews.records_reviews import (
    add_case,
    add_episode,
    add_rapid,
    add_request,
    add_world,
    count,
    date_fields,
    flashes,
    goes_to_case,
    load,
)
from tests.reviews.test_rapid import on
from tests.support.client import BrowserLikeClient, page

# Pages, forms, imports and rules in Python: the queries under them run on PostgreSQL
# in their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> dict[str, Any]:
    ids = add_world(app, make_user)
    ids["case"] = add_case(app, ids["partnership"], ids["group"], agency_ids=[ids["police"]])
    return ids


def request_form(agency_id: int, **changes: Any) -> dict[str, Any]:
    return {"version": "", "agency": str(agency_id), "asked_for": "Chronology and summary",
            **date_fields(requested_on=dt.date(2025, 4, 17), due_on=None, received_on=None),
            **changes}


def test_the_agencies_involved_are_offered_first_and_the_due_date_defaults_to_5_working_days(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_area(app, "southshire")
    add_agency(app, "southshire", "Another Area's Police")
    on(monkeypatch, dt.date(2025, 4, 17))
    team = signed_in(Role.TEAM)
    url = f"/cases/{world['case']}/rapid-review/requests/new"
    html = page(team.get(url))
    options = [o.get_text(strip=True) for o in html.select("select[name=agency] option")]
    assert options == ["Choose an agency", "Northshire Police", "Abbey School"]
    assert html.select_one("select[name=agency] option[selected]").get_text() == (
        "Northshire Police")  # the only agency involved
    # Proposed: requested today, due 5 working days later, over Easter.
    assert [i["value"] for i in html.select("input[name=due_on]")] == ["28", "04", "2025"]

    response = team.submit(url, request_form(world["school"]))
    assert goes_to_case(response, world["case"], "information-requests")
    assert flashes(team) == ["Request to Abbey School added"]
    case = load(app, Case, world["case"], "rapid_review")
    assert case.rapid_review is not None and case.rapid_review.started_on == case.aware_on
    saved = load(app, InformationRequest, 1)
    # 17 April + 5 working days: not Good Friday nor Easter Monday.
    assert (saved.requested_on, saved.due_on, saved.received_on) == (
        dt.date(2025, 4, 17), dt.date(2025, 4, 28), None)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"agency": ""}, "agency", "Select the agency the information was asked of"),
    (date_fields(requested_on=None), "requested_on", "Enter date requested"),
    (date_fields(due_on=dt.date(2025, 4, 16)), "due_on",
     "Date due must be on or after 17 April 2025, the date requested"),
    (date_fields(received_on=dt.date(2025, 4, 16)), "received_on",
     "Date received must be on or after 17 April 2025, the date requested"),
    (date_fields(received_on=dt.date(2025, 5, 2)), "received_on",
     "Date received must be today or in the past"),
    (date_fields(requested_on=dt.date(2025, 5, 2)), "requested_on",
     "Date requested must be today or in the past"),
    ({"asked_for": ""}, "asked_for", "Enter what was asked for"),
    ({"asked_for": "Records for LS1 4AP"}, "asked_for",
     "Remove the postcode. Case records hold a pseudonymous reference only, never a child's or "
     "family member's details."),
])
def test_a_request_breaking_a_rule_is_not_saved(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch, changes: dict[str, Any], field: str, message: str,
) -> None:
    on(monkeypatch, dt.date(2025, 4, 30))
    team = signed_in(Role.TEAM)
    response = team.submit(f"/cases/{world['case']}/rapid-review/requests/new",
                           request_form(world["police"], **changes))
    assert response.status_code == 200
    assert field_error(page(response), field) == message
    assert (count(app, InformationRequest), count(app, RapidReview)) == (0, 0)


def test_an_agency_of_another_partnership_cannot_be_asked(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_area(app, "southshire")
    elsewhere = add_agency(app, "southshire", "Southshire Police")
    team = signed_in(Role.TEAM)
    response = team.submit(f"/cases/{world['case']}/rapid-review/requests/new",
                           request_form(elsewhere))
    assert field_error(page(response), "agency") == "Not a valid choice."
    assert count(app, InformationRequest) == 0


def test_recording_the_information_received_and_saying_what_is_overdue(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rapid = add_rapid(app, world["case"])
    request = add_request(app, rapid, world["police"], dt.date(2025, 4, 17), dt.date(2025, 4, 24))
    team = signed_in(Role.TEAM)
    url = f"/cases/rapid-review/requests/{request}/edit"
    on(monkeypatch, dt.date(2025, 4, 24))
    assert "Waiting: due 24 April 2025" in page(team.get(url)).get_text(" ", strip=True)
    on(monkeypatch, dt.date(2025, 4, 25))
    assert "Overdue: due 24 April 2025, not received" in page(team.get(url)).get_text(
        " ", strip=True)

    response = team.submit(url, request_form(world["police"], version="1", **date_fields(
        due_on=dt.date(2025, 4, 24), received_on=dt.date(2025, 4, 25))))
    assert goes_to_case(response, world["case"], "information-requests")
    assert flashes(team) == ["Request to Northshire Police updated"]
    assert load(app, InformationRequest, request).received_on == dt.date(2025, 4, 25)
    assert "Received 25 April 2025" in page(team.get(url)).get_text(" ", strip=True)


def test_episodes_are_added_last_unless_placed_and_keep_their_place_when_changed(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    rapid = add_rapid(app, world["case"])
    add_episode(app, rapid, "Hospital attendance", position=4)
    team = signed_in(Role.TEAM)
    url = f"/cases/{world['case']}/rapid-review/episodes/new"
    response = team.submit(url, {"title": "School raises a concern",
                                 "description": "Bruising noticed at PE.", "position": ""})
    assert goes_to_case(response, world["case"], "practice-episodes")
    assert flashes(team) == ["Episode “School raises a concern” added"]
    team.submit(url, {"title": "Home visit", "description": "", "position": "2"})
    rows = load(app, RapidReview, rapid, "episodes").episodes
    assert [(e.title, e.position) for e in rows] == [
        ("Home visit", 2), ("Hospital attendance", 4), ("School raises a concern", 5)]

    edit = f"/cases/rapid-review/episodes/{rows[2].id}/edit"
    team.submit(edit, {"version": "1", "title": "School raises a concern",
                       "description": "Bruising noticed at PE; not referred.", "position": ""})
    changed = load(app, PracticeEpisode, rows[2].id)
    assert (changed.position, changed.description) == (5, "Bruising noticed at PE; not referred.")


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"title": "", "description": ""}, "title", "Enter the episode's title"),
    ({"title": "Visit", "description": "Seen at home, DOB 03/03/2019."}, "description",
     "Remove the date of birth."),
    ({"title": "Visit to SW1A 1AA", "description": ""}, "title", "Remove the postcode."),
    ({"title": "Visit", "description": "", "position": "first"}, "position",
     "Position must be a whole number, like 3"),
])
def test_an_episode_breaking_a_rule_is_not_saved(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    form: dict[str, str], field: str, message: str,
) -> None:
    team = signed_in(Role.TEAM)
    response = team.submit(f"/cases/{world['case']}/rapid-review/episodes/new", form)
    error = field_error(page(response), field)
    assert error is not None and error.startswith(message)
    assert count(app, PracticeEpisode) == 0
