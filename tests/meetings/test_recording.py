"""Recording a meeting: scheduling, the meeting's page, editing without losing edits,
attendance in one form, and who may record (the team and the body's chair only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Action
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.meetings.models import Attendance, Meeting, MeetingStatus, Presence, VoteChoice
from partnership.policy import Role
from partnership.register.models import BodyKind, PartnerKind
from tests.meetings import (
    TODAY,
    add_agenda_item,
    add_decision,
    add_meeting,
    add_member,
    chair_of,
    counting_queries,
    meeting_dates_of,
    meeting_state,
    record_attendance,
    sign_in,
    status_of,
    table_after,
)
from tests.register.builders import date_parts, field_error
from tests.register.records import add_agency, add_area, add_body
from tests.support.client import BrowserLikeClient, csrf_token_from, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    """A partnership with a board (three member agencies) and a second group, and a meeting."""
    ids = {"partnership": add_area(app, "northshire", "Northshire Partnership")}
    ids["police"] = add_agency(app, "northshire", "Northshire Police")
    ids["council"] = add_agency(app, "northshire", "Northshire Council")
    ids["health"] = add_agency(app, "northshire", "Northshire Health Trust")
    ids["board"] = add_body(app, "Safeguarding Board", slug="northshire", kind=BodyKind.BOARD)
    ids["group"] = add_body(app, "Learning Group", slug="northshire")
    for agency in ("police", "council", "health"):
        add_member(app, ids["board"], ids[agency])
    ids["meeting"] = add_meeting(app, ids["board"], TODAY - dt.timedelta(days=10),
                                 location="County Hall")
    return ids


def meeting_form(day: dt.date, **changes: Any) -> dict[str, Any]:
    return {**date_parts("held_on", day), "starts_at": "14:00", "location": "County Hall",
            "status": "scheduled", **changes}


def test_the_team_adds_a_meeting_and_sees_its_page(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    day = TODAY + dt.timedelta(days=30)
    response = team.submit(f"/meetings/body/{world['board']}/new", meeting_form(day),
                           follow_redirects=True)
    text = page(response).get_text(" ", strip=True)
    assert f"Meeting on {day:%A} {day.day} {day:%B %Y}" in text
    assert "14:00" in text and "Scheduled" in text
    assert day in meeting_dates_of(app, world["board"])

    again = team.submit(f"/meetings/body/{world['board']}/new", meeting_form(day))
    assert field_error(page(again), "held_on") == (
        f"Safeguarding Board already has a meeting on {day.day} {day:%B %Y}")
    bad_time = team.submit(f"/meetings/body/{world['board']}/new",
                           meeting_form(day + dt.timedelta(days=1), starts_at="2pm"))
    assert field_error(page(bad_time), "starts_at") == (
        "Start time must be a time in 24-hour hours and minutes, like 14:00")
    assert meeting_dates_of(app, world["board"]).count(day) == 1


def test_the_attendance_form_lists_every_member_agency_and_saves_in_one_go(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    url = f"/meetings/{world['meeting']}/attendance"
    legends = [legend.get_text(strip=True) for legend in page(team.get(url)).select("legend")]
    assert legends == ["Northshire Council", "Northshire Health Trust", "Northshire Police"]

    police, council, health = world["police"], world["council"], world["health"]
    saved = team.submit(url, {
        f"presence_{police}": "present", f"attendee_{police}": "Chief Superintendent",
        f"presence_{council}": "deputy", f"attendee_{council}": "Deputy Director",
        f"presence_{health}": "apologies", f"reason_{health}": "Annual leave"},
        follow_redirects=True)
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("th, td")]
            for row in table_after(page(saved), "attendance").select("tbody tr")[:3]]
    assert rows == [["Northshire Council", "Sent a deputy", "Deputy Director", ""],
                    ["Northshire Health Trust", "Apologies given", "Not recorded",
                     "Annual leave"],
                    ["Northshire Police", "Present", "Chief Superintendent", ""]]
    # The date has passed, so marking attendance marks the scheduled meeting held.
    assert status_of(app, world["meeting"]) is MeetingStatus.HELD

    # Saving again replaces the lot, in place.
    team.submit(url, {f"presence_{police}": "absent", f"reason_{police}": "No reply",
                      f"presence_{council}": "present", f"presence_{health}": "present"})
    assert meeting_state(app, world["meeting"])["attendance"] == sorted([
        (police, Presence.ABSENT, ""), (council, Presence.PRESENT, ""),
        (health, Presence.PRESENT, "")])


def test_an_agency_recorded_before_it_left_the_body_is_still_listed(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    former = add_agency(app, "northshire", "Former Agency")
    record_attendance(app, world["meeting"], {former: Presence.ABSENT})
    html = page(signed_in(Role.TEAM).get(f"/meetings/{world['meeting']}/attendance"))
    assert "Former Agency" in [legend.get_text(strip=True) for legend in html.select("legend")]
    assert html.select_one(f"input[name=presence_{former}][value=absent]").has_attr("checked")


def test_a_stale_edit_gets_the_conflict_page_and_loses_nothing(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    first, second = signed_in(Role.TEAM), signed_in(Role.TEAM)
    url = f"/meetings/{world['meeting']}/edit"
    day = TODAY - dt.timedelta(days=10)
    stale = page(first.get(url))
    token, version = csrf_token_from(first.get(url)), stale.select_one("[name=version]")["value"]

    saved = second.submit(url, {**meeting_form(day, location="Civic Centre"),
                                "minutes": "Theirs", "version": version})
    assert saved.status_code == 302

    conflict = first.post(url, data={**meeting_form(day, location="Police HQ"),
                                     "minutes": "## Present\n\nMine", "version": version,
                                     "csrf_token": token})
    assert conflict.status_code == 409
    html = page(conflict)
    cells = {row.select_one("th").get_text(" ", strip=True).removesuffix(" Different"):
             [td.get_text(strip=True) for td in row.select("td")]
             for row in html.select("tbody tr")}
    assert cells["Where (optional)"] == ["Police HQ", "Civic Centre"]
    assert cells["Minutes (draft)"] == ["## Present\n\nMine", "Theirs"]
    assert meeting_state(app, world["meeting"])["meeting"][2] == "Civic Centre"

    # Re-applying from the conflict page saves the first editor's values.
    hidden = {field["name"]: [] for field in html.select("form input[type=hidden]")}
    for field in html.select("form input[type=hidden]"):
        hidden[field["name"]].append(field["value"])
    resolved = first.post(url, data=hidden)
    assert resolved.status_code == 302
    state = meeting_state(app, world["meeting"])["meeting"]
    assert state[2] == "Police HQ" and state[4] == "## Present\n\nMine"


def test_the_meeting_page_renders_the_minutes_and_lists_actions_arising(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    with app.app_context(), acting_as("tests"):
        meeting = db.session.get_one(Meeting, world["meeting"])
        meeting.minutes = "## Welcome\n\nThe chair <script>x</script> welcomed everyone."
        db.session.add(Action(partnership_id=world["partnership"], year=2025,
                              title="Write to schools", meeting_id=meeting.id,
                              body_id=world["board"], lead_agency_id=world["council"],
                              target_date=TODAY - dt.timedelta(days=1)))
        db.session.commit()
    team = signed_in(Role.TEAM)
    html = page(team.get(f"/meetings/{world['meeting']}"))
    minutes = html.select_one("#minutes ~ div.app-narrative")
    assert minutes.select_one("h3").get_text() == "Welcome"
    assert minutes.find("script") is None
    row = table_after(html, "actions").select_one("tbody tr")
    cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
    assert cells[0] == "Write to schools" and cells[1].startswith("Red")
    assert cells[3] == "Northshire Council"
    assert row.select_one("a")["href"].startswith("/actions/")
    add = html.find("a", string=lambda s: s and "Add an action arising" in s)
    assert add is not None and add["href"] == f"/actions/new?meeting_id={world['meeting']}"
    listing = page(team.get(f"/meetings/body/{world['board']}"))
    counts = [c.get_text(strip=True) for c in listing.select("tbody tr td")[-2:]]
    assert counts == ["0", "1"]  # no decisions, one action arising


def test_the_meeting_page_uses_the_same_number_of_queries_however_much_it_holds(
    app: Flask, world: dict[str, int], make_user: Callable[..., User],
) -> None:
    from tests.meetings import representative_of

    partner = representative_of(app, make_user, world["partnership"], PartnerKind.POLICE,
                                "Police Rep")
    client = sign_in(app, partner)
    small = add_meeting(app, world["board"], TODAY - dt.timedelta(days=40))
    add_decision(app, small, "One", {kind: VoteChoice.FOR for kind in PartnerKind})
    add_agenda_item(app, small, "Only item")
    record_attendance(app, small, {world["police"]: Presence.PRESENT})
    big = world["meeting"]
    for n in range(5):
        add_agenda_item(app, big, f"Item {n}", n)
        add_decision(app, big, f"Decision {n}", {kind: VoteChoice.AGAINST
                                                 for kind in PartnerKind})
    record_attendance(app, big, {world["police"]: Presence.PRESENT,
                                 world["council"]: Presence.DEPUTY,
                                 world["health"]: Presence.ABSENT})
    counts = []
    for meeting_id in (small, big):
        client.get(f"/meetings/{meeting_id}")  # warm the caches
        with counting_queries(app) as statements:
            assert client.get(f"/meetings/{meeting_id}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_the_upcoming_page_groups_by_date_and_filters_by_partnership(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_area(app, "southshire", "Southshire Partnership")
    south = add_body(app, "Southshire Board", slug="southshire")
    soon = TODAY + dt.timedelta(days=7)
    add_meeting(app, world["board"], soon)
    add_meeting(app, world["group"], soon)
    add_meeting(app, south, soon)
    add_meeting(app, world["group"], TODAY + dt.timedelta(weeks=20))  # too far off
    reader = signed_in(Role.SCRUTINEER)
    html = page(reader.get("/meetings"))
    assert [h.get_text(strip=True) for h in html.select("main h3")] == [
        f"{soon:%A} {soon.day} {soon:%B %Y}",
        f"{world_day(TODAY - dt.timedelta(days=10))}"]  # the draft-minutes list
    names = [a.get_text(" ", strip=True).split(",")[0].strip()
             for a in html.select("main ul.govuk-list")[0].select("a")]
    assert sorted(names) == ["Learning Group", "Safeguarding Board", "Southshire Board"]
    filtered = page(reader.get("/meetings?partnership=southshire"))
    assert [a.get_text(" ", strip=True).split(",")[0].strip()
            for a in filtered.select("main ul.govuk-list a")] == ["Southshire Board"]


def world_day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


# --- who may record --------------------------------------------------------------------------


def test_the_chair_of_another_body_is_refused_and_nothing_changes(
    app: Flask, world: dict[str, int], make_user: Callable[..., User],
) -> None:
    other_chair = sign_in(app, chair_of(app, make_user, world["group"], "Group Chair"))
    item = add_agenda_item(app, world["meeting"], "Welcome")
    decision = add_decision(app, world["meeting"], "Agreed the plan")
    meeting = world["meeting"]
    before = meeting_state(app, meeting)
    dates_before = meeting_dates_of(app, world["board"])
    token = csrf_token_from(other_chair.get("/account"))
    urls = [f"/meetings/body/{world['board']}/new", f"/meetings/body/{world['board']}/generate",
            f"/meetings/{meeting}/edit", f"/meetings/{meeting}/agenda/new",
            f"/meetings/agenda/{item}/edit", f"/meetings/{meeting}/attendance",
            f"/meetings/{meeting}/decisions/new", f"/meetings/decisions/{decision}/edit",
            f"/meetings/{meeting}/minutes/approve"]
    for url in urls:
        assert other_chair.get(url).status_code == 403, url
        posted = other_chair.post(url, data={
            "csrf_token": token, **meeting_form(TODAY), "title": "Hijack", "text": "Hijack",
            "method": "consensus", f"presence_{world['police']}": "absent", "minutes": "x",
            "year": "2025", "weekday": "1", "week": "2", "create": "Create"})
        assert posted.status_code == 403, url
    assert meeting_state(app, meeting) == before
    assert meeting_dates_of(app, world["board"]) == dates_before
    html = page(other_chair.get(f"/meetings/{meeting}"))
    assert html.select("main form[method=post]") == []
    assert not [a for a in html.select("main a") if a.get_text().startswith("Change")]
    # Their own body's meetings they may record.
    assert other_chair.get(f"/meetings/body/{world['group']}/new").status_code == 200


def test_the_chair_of_this_body_records_its_meeting(
    app: Flask, world: dict[str, int], make_user: Callable[..., User],
) -> None:
    chair = sign_in(app, chair_of(app, make_user, world["board"], "Board Chair"))
    meeting = world["meeting"]
    added = chair.submit(f"/meetings/{meeting}/agenda/new",
                         {"title": "Annual report", "presenter": "Business manager",
                          "notes": "", "position": ""}, follow_redirects=True)
    assert "“Annual report” added to the agenda" in page(added).get_text(" ")
    chair.submit(f"/meetings/{meeting}/attendance",
                 {f"presence_{world['police']}": "present",
                  f"presence_{world['council']}": "present",
                  f"presence_{world['health']}": "absent",
                  f"reason_{world['health']}": "Unwell"})
    assert len(meeting_state(app, meeting)["attendance"]) == 3
    item = meeting_state(app, meeting)["agenda"][0]
    assert item[:3] == ("Annual report", "Business manager", 1)


def test_a_scrutineer_reads_everything_and_sees_no_forms(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_agenda_item(app, world["meeting"], "Welcome")
    add_decision(app, world["meeting"], "Agreed", {kind: VoteChoice.FOR for kind in PartnerKind})
    reader = signed_in(Role.SCRUTINEER)
    for url in (f"/meetings/{world['meeting']}", f"/meetings/body/{world['board']}",
                f"/meetings/body/{world['board']}/attendance", "/meetings"):
        html = page(reader.get(url))
        assert html.select("main form[method=post]") == [], url
        links = [a["href"] for a in html.select("main a")]
        assert not [href for href in links if href.endswith(("/edit", "/new", "/generate",
                                                              "/attendance", "/approve"))], url
    assert reader.get(f"/meetings/{world['meeting']}/edit").status_code == 403


def test_recorded_attendance_rows_keep_their_ids_when_saved_again(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    record_attendance(app, world["meeting"], {world["police"]: Presence.PRESENT})
    with app.app_context():
        first = db.session.scalars(sa.select(Attendance.id)).one()
    signed_in(Role.TEAM).submit(f"/meetings/{world['meeting']}/attendance", {
        f"presence_{world['police']}": "deputy", f"presence_{world['council']}": "present",
        f"presence_{world['health']}": "present"})
    with app.app_context():
        row = db.session.get_one(Attendance, first)
        assert row.presence is Presence.DEPUTY
