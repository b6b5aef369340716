"""Recording attendance as a person does it: everyone expected is present unless marked,
only the exceptions are touched, an absence needs a reason (shown beside its field), the
body's last meeting can be copied, and one save records the lot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.extensions import db
from partnership.meetings.models import Attendance, MeetingStatus, Presence
from partnership.policy import Role
from partnership.register.models import BodyKind
from tests.meetings import (
    TODAY,
    add_meeting,
    add_member,
    meeting_state,
    status_of,
    table_after,
)
from tests.register.builders import field_error
from tests.register.records import add_agency, add_area, add_body
from tests.support.client import BrowserLikeClient, page
from tests.support.queries import sql_statements

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

AGENCIES = ("Police", "Council", "Health Trust", "Schools", "Probation", "Fire", "Youth Justice")


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    """A board with seven member agencies (the Police with two seats) and two meetings."""
    ids = {"partnership": add_area(app, "northshire", "Northshire Partnership")}
    ids["board"] = add_body(app, "Safeguarding Board", slug="northshire", kind=BodyKind.BOARD)
    for name in AGENCIES:
        ids[name] = add_agency(app, "northshire", f"Northshire {name}")
        add_member(app, ids["board"], ids[name], "Director")
    add_member(app, ids["board"], ids["Police"], "Head of Public Protection")
    ids["earlier"] = add_meeting(app, ids["board"], TODAY - dt.timedelta(days=40),
                                 status=MeetingStatus.HELD)
    ids["meeting"] = add_meeting(app, ids["board"], TODAY - dt.timedelta(days=3))
    return ids


def url(world: dict[str, int], which: str = "meeting") -> str:
    return f"/meetings/{world[which]}/attendance"


def test_everyone_expected_is_present_until_marked_otherwise(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    html = page(team.get(url(world)))
    checked = {radio["name"]: radio["value"]
               for radio in html.select("input[type=radio][checked]")}
    assert checked == {f"presence_{world[name]}": "present" for name in AGENCIES}
    # Each agency says who holds its seats, so the recorder knows who was expected.
    police = html.select_one(f"#agency-{world['Police']}").get_text(" ", strip=True)
    assert "Director; Head of Public Protection" in police

    # Saving the form as it stands records everyone present, in one go.
    team.submit(url(world), {})
    assert meeting_state(app, world["meeting"])["attendance"] == sorted(
        (world[name], Presence.PRESENT, "") for name in AGENCIES)
    assert status_of(app, world["meeting"]) is MeetingStatus.HELD


def test_only_the_exceptions_are_sent_and_saved_with_their_reasons(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    health, fire, police = world["Health Trust"], world["Fire"], world["Police"]
    saved = team.submit(url(world), {
        f"presence_{health}": "apologies", f"reason_{health}": "Covering a court hearing",
        f"presence_{fire}": "deputy", f"attendee_{fire}": "Sam Lee, station manager",
        # A reason typed for someone who was there is not kept.
        f"reason_{police}": "typed by mistake",
    }, follow_redirects=True)
    assert "Attendance saved" in page(saved).get_text(" ", strip=True)
    rows = {cells[0]: cells[1:] for cells in (
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in table_after(page(saved), "attendance").select("tbody tr"))}
    assert rows["Northshire Health Trust"] == ["Apologies given", "Not recorded",
                                               "Covering a court hearing"]
    assert rows["Northshire Fire"] == ["Sent a deputy", "Sam Lee, station manager", ""]
    assert rows["Northshire Police"] == ["Present", "Not recorded", ""]
    assert sum(cells[0] == "Present" for cells in rows.values()) == 5
    with app.app_context():
        reasons = {row.agency_id: row.reason
                   for row in db.session.scalars(sa.select(Attendance))}
    assert reasons[police] == "" and reasons[health] == "Covering a court hearing"


def test_an_absence_without_a_reason_is_refused_beside_its_field(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    health, schools, fire = world["Health Trust"], world["Schools"], world["Fire"]
    refused = page(team.submit(url(world), {
        f"presence_{health}": "apologies", f"presence_{schools}": "absent",
        f"presence_{fire}": "deputy"}))  # a deputy needs no reason
    assert refused.title.get_text().startswith("Error:")
    assert field_error(refused, f"reason_{health}") == (
        "Enter why Northshire Health Trust was not there")
    assert field_error(refused, f"reason_{schools}") == (
        "Enter why Northshire Schools was not there")
    assert field_error(refused, f"reason_{fire}") is None
    assert field_error(refused, f"presence_{health}") is None
    summary = [a.get_text(strip=True) for a in refused.select(".govuk-error-summary a")]
    assert summary == ["Enter why Northshire Health Trust was not there",
                       "Enter why Northshire Schools was not there"]
    # What was chosen stays chosen; nothing is saved until the form is right.
    assert refused.select_one(f"input[name=presence_{health}][value=apologies]").has_attr(
        "checked")
    assert meeting_state(app, world["meeting"])["attendance"] == []
    too_long = page(team.submit(url(world), {f"presence_{health}": "absent",
                                             f"reason_{health}": "x" * 501}))
    assert field_error(too_long, f"reason_{health}") == (
        "Reason for absence must be 500 characters or fewer")


def test_the_last_meeting_s_attendance_is_copied_then_saved(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    health, fire = world["Health Trust"], world["Fire"]
    team.submit(url(world, "earlier"), {
        f"presence_{health}": "apologies", f"reason_{health}": "Long-term sickness",
        f"presence_{fire}": "deputy", f"attendee_{fire}": "Sam Lee"})
    before = meeting_state(app, world["meeting"])

    form = page(team.get(url(world)))
    earlier_day = TODAY - dt.timedelta(days=40)
    link = next(a for a in form.select("main a") if a.get_text(strip=True).startswith(
        "Copy the attendance of the meeting on"))
    assert link.get_text(strip=True) == (
        f"Copy the attendance of the meeting on {earlier_day.day} {earlier_day:%B %Y}")
    copied = page(team.get(link["href"]))
    assert meeting_state(app, world["meeting"]) == before  # reading the copy saves nothing
    assert "Filled in from the meeting on" in copied.get_text(" ", strip=True)
    assert copied.select_one(f"input[name=presence_{health}][value=apologies]").has_attr(
        "checked")
    assert copied.select_one(f"input[name=reason_{health}]")["value"] == "Long-term sickness"
    assert copied.select_one(f"input[name=attendee_{fire}]")["value"] == "Sam Lee"

    # The recorder changes one thing and saves once.
    values = {field["name"]: field.get("value", "")
              for field in copied.select("form input[type=text]")}
    values.update({radio["name"]: radio["value"]
                   for radio in copied.select("input[type=radio][checked]")})
    values[f"presence_{health}"] = "present"
    team.submit(url(world), values)
    state = {agency: (presence, attendee) for agency, presence, attendee
             in meeting_state(app, world["meeting"])["attendance"]}
    assert state[health] == (Presence.PRESENT, "")
    assert state[fire] == (Presence.DEPUTY, "Sam Lee")


def test_the_first_meeting_offers_nothing_to_copy(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    html = page(signed_in(Role.TEAM).get(url(world, "earlier") + "?copy=last"))
    text = html.get_text(" ", strip=True)
    assert "Copy the attendance" not in text and "Filled in from" not in text


def test_the_form_reads_a_fixed_number_of_statements(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    team.get(url(world))
    with sql_statements(app) as few:
        assert team.get(url(world)).status_code == 200
    for n in range(5):
        extra = add_agency(app, "northshire", f"Extra agency {n}")
        add_member(app, world["board"], extra)
    with sql_statements(app) as many:
        assert team.get(url(world)).status_code == 200
    assert len(many) == len(few)
