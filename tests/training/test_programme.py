"""The programme: the team adds courses and sessions; bad input is named next to its field;
attendance is counted by agency and role, an agency lead recording only their own agency's;
two people editing at once never overwrite each other; evaluations and follow-ups are
summed on the session page; everyone reads; the pages cost the same at any size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.extensions import db
from partnership.policy import Role
from partnership.training.models import (
    Course,
    PracticeChange,
    SessionAttendance,
    SessionFormat,
    TrainingSession,
)
from tests.register.builders import date_parts, field_error
from tests.support.client import BrowserLikeClient, page
from tests.support.queries import sql_statements
from tests.training.world import (
    BASE,
    World,
    add_follow_up,
    add_line,
    agency_lead,
    set_settings,
    world,
)

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")


@pytest.fixture
def ids(app: Flask) -> World:
    return world(app)


def text_of(client: BrowserLikeClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return page(response).get_text(" ", strip=True)


def test_the_team_adds_a_course_and_a_session_and_everyone_reads_the_programme(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    response = team.submit(f"{BASE}/courses/new", {
        "title": "Child exploitation: spotting the signs", "topic": "Child exploitation",
        "level": "introductory", "objective": str(ids.objective),
        "audience": "Anyone working with adolescents", "description": "County lines."},
        follow_redirects=True)
    assert "Added: Child exploitation: spotting the signs" in page(response).get_text()
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.topic == "Child exploitation"))
        assert course is not None and course.objective_id == ids.objective
        course_id = course.id
    day = clock.today() + dt.timedelta(days=10)
    response = team.submit(f"{BASE}/courses/{course_id}/sessions/new", {
        **date_parts("starts_on", day), "trainer": "Youth Justice Service",
        "format": "online", "venue": "", "places": "40"}, follow_redirects=True)
    assert response.status_code == 200

    for role in (Role.SCRUTINEER, Role.PARTNER, Role.CHAIR, Role.AGENCY):
        reader = signed_in(role)
        listing = text_of(reader, BASE)
        assert "Child exploitation: spotting the signs" in listing
        assert "A1 Responding to neglect" in listing
        assert "0 of 40 places booked" in listing
        assert "Add a course" not in listing
        assert reader.get(f"{BASE}/courses/new").status_code == 403


def test_bad_input_is_named_next_to_its_field(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    response = team.submit(f"{BASE}/courses/{ids.course}/sessions/new", {
        **date_parts("starts_on", None), "trainer": "", "format": "online", "places": "lots"})
    html = page(response)
    assert html.title is not None and html.title.get_text().startswith("Error:")
    assert field_error(html, "starts_on") == "Enter date"
    assert field_error(html, "trainer") == "Enter the trainer"
    assert field_error(html, "places") == "Places must be a whole number, like 24"
    response = team.submit(f"{BASE}/courses/{ids.course}/sessions/new", {
        **date_parts("starts_on", clock.today()), "trainer": "T", "format": "online",
        "places": "0"})
    assert field_error(page(response), "places") == "Places must be between 1 and 10,000"
    response = team.submit(f"{BASE}/sessions/{ids.coming}/attendance/new", {
        "agency": str(ids.police), "role": "Response officer", "booked": "4",
        "attended": "3"})
    assert field_error(page(response), "attended") == (
        "The session has not taken place yet: record who attended once it has")
    response = team.submit(f"{BASE}/sessions/{ids.held}/attendance/new", {
        "agency": str(ids.police), "role": "Officer SW1A 1AA", "booked": "4"})
    assert field_error(page(response), "role") is not None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionAttendance)) == 0


def test_an_agency_lead_records_only_their_own_agency_s_attendance(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    lead = agency_lead(app, signed_in, ids.police)
    form = page(lead.get(f"{BASE}/sessions/{ids.held}/attendance/new"))
    offered = [o.get_text(strip=True) for o in form.select("select[name=agency] option")]
    assert offered == ["Select an agency", "Eastvale Police"]
    response = lead.submit(f"{BASE}/sessions/{ids.held}/attendance/new", {
        "agency": str(ids.school), "role": "Teacher", "booked": "2", "attended": "2"})
    assert field_error(page(response), "agency") == "Not a valid choice."
    lead.submit(f"{BASE}/sessions/{ids.held}/attendance/new", {
        "agency": str(ids.police), "role": "Response officer", "booked": "6",
        "attended": "5"})
    school_line = add_line(app, ids.held, ids.school, "Designated safeguarding lead", 4, 4)
    assert lead.get(f"{BASE}/attendance/{school_line}/edit").status_code == 403
    text = text_of(lead, f"{BASE}/sessions/{ids.held}")
    assert "Eastvale Police Response officer 6 5" in text
    assert "Booked 10" in text and "Attended 9 (1 booked but did not attend)" in text


def test_two_people_correcting_one_line_never_overwrite_each_other(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    line = add_line(app, ids.held, ids.police, "Response officer", 6, 5)
    first, second = signed_in(Role.TEAM), signed_in(Role.TEAM)
    url = f"{BASE}/attendance/{line}/edit"
    opened = page(second.get(url)).find("input", attrs={"name": "version"})["value"]
    first.submit(url, {"agency": str(ids.police), "role": "Response officer", "booked": "6",
                       "attended": "6", "version": "1"})
    response = second.submit(url, {"agency": str(ids.police), "role": "Response officer",
                                   "booked": "7", "attended": "4", "version": opened})
    assert response.status_code == 409
    with app.app_context():
        saved = db.session.get(SessionAttendance, line)
        assert saved is not None and (saved.booked, saved.attended) == (6, 6)


def test_evaluations_and_follow_ups_are_summed_on_the_session_page(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    set_settings(app, ids.partnership, 3, True)
    add_line(app, ids.held, ids.council, "Social worker", 10, 8)
    team = signed_in(Role.TEAM)
    for before, after, useful in ((2, 4, 5), (3, 4, 4), (1, 3, 3)):
        team.submit(f"{BASE}/sessions/{ids.held}/evaluations/new", {
            "confidence_before": str(before), "confidence_after": str(after),
            "usefulness": str(useful), "comment": "Clear and practical."})
    response = team.submit(f"{BASE}/sessions/{ids.held}/follow-ups/new", {
        "agency": str(ids.council), "role": "Social worker", "practice_changed": "yes",
        "example": "", **date_parts("answered_on", clock.today())})
    assert field_error(page(response), "example") == (
        "Give an example of what they now do differently")
    team.submit(f"{BASE}/sessions/{ids.held}/follow-ups/new", {
        "agency": str(ids.council), "role": "Social worker", "practice_changed": "partly",
        "example": "I use the neglect tool at the first visit.", "manager_confirmed": "y",
        **date_parts("answered_on", clock.today())})
    scrutineer = signed_in(Role.SCRUTINEER)
    text = text_of(scrutineer, f"{BASE}/sessions/{ids.held}")
    assert "Evaluations returned 3 of 8 who attended" in text
    assert "Confidence before 2.0 out of 5" in text and "Confidence after 3.7 out of 5" in text
    assert "Found it useful 2 of 3 (rated 4 or 5 out of 5)" in text
    assert "1 of 1 answers say practice changed" in text
    assert "I use the neglect tool at the first visit." in text
    assert "Record a follow-up answer" not in text and "Enter evaluations" not in text


def test_a_session_with_people_who_attended_cannot_be_cancelled(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_line(app, ids.held, ids.council, "Social worker", 10, 8)
    team = signed_in(Role.TEAM)
    day = clock.today() - dt.timedelta(days=120)
    response = team.submit(f"{BASE}/sessions/{ids.held}/edit", {
        **date_parts("starts_on", day), "trainer": "A Trainer", "format": "in_person",
        "venue": "Town hall", "places": "30", "cancelled": "y", "version": "1"})
    assert field_error(page(response), "cancelled") == (
        "People attended this session: remove its attendance before cancelling it")


def _grow(app: Flask, ids: World, courses: int) -> None:
    with app.app_context():
        for n in range(courses):
            course = Course(partnership_id=ids.partnership, title=f"Course {n}", topic="Topic",
                            level="core", objective_id=ids.objective)
            db.session.add(course)
            for days in (-200, -100, 20, 40):
                session = TrainingSession(course=course, format=SessionFormat.ONLINE,
                                          starts_on=clock.today() + dt.timedelta(days=days),
                                          trainer="T", places=20)
                db.session.add(session)
                for agency in (ids.police, ids.school, ids.council):
                    db.session.add(SessionAttendance(training_session=session,
                                                     agency_id=agency, role="Role",
                                                     booked=3, attended=2 if days < 0 else 0))
        db.session.commit()


def statements(app: Flask, client: BrowserLikeClient, url: str) -> int:
    assert client.get(url).status_code == 200, url
    with sql_statements(app) as sent:
        assert client.get(url).status_code == 200, url
    return len(sent)


def test_the_lists_cost_the_same_number_of_statements_at_any_size(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    add_follow_up(app, ids.held, ids.police, PracticeChange.YES, "Example.", clock.today())
    urls = [BASE, f"{BASE}/courses/{ids.course}", f"{BASE}/uptake", f"{BASE}/follow-ups",
            f"{BASE}/sessions/{ids.held}"]
    _grow(app, ids, 2)
    small = [statements(app, team, url) for url in urls]
    _grow(app, ids, 12)
    assert [statements(app, team, url) for url in urls] == small
