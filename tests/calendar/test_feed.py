"""The private calendar feed: made on "Your calendar feed", read by a calendar program with
no sign-in, holding the user's meetings, the actions they lead and the deadlines of the
cases they may see (need-to-know holds: a case is named by its reference only), and gone
once replaced or stopped. A meeting's .ics file opens in any calendar.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from icalendar import Calendar

from partnership import clock
from partnership.accounts.models import User
from partnership.actions.models import Action, Status
from partnership.audit.models import AuditEvent
from partnership.audit.services import acting_as
from partnership.calendar.models import CalendarFeed
from partnership.extensions import db
from partnership.meetings.models import MeetingStatus
from partnership.policy import Role
from partnership.register.models import Person
from partnership.reviews.models import Case, MilestoneKind, Stage
from tests.meetings import add_meeting, sign_in
from tests.reviews.records_cases import (
    World,
    add_case,
    add_local_review,
    add_review_action,
    build_world,
)
from tests.support.client import BrowserLikeClient, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

TODAY = clock.today()
CHILD_NAME = "Zara Quinn"  # written in the case's summary: it must never reach a feed


def person_of(app: Flask, user: User) -> int:
    """The id of the register's person for an account."""
    with app.app_context():
        return db.session.scalars(sa.select(Person.id).where(Person.user_id == user.id)).one()


def lead(app: Flask, action_id: int, person_id: int) -> None:
    """Make a person the action's lead officer."""
    with app.app_context(), acting_as("tests"):
        db.session.get_one(Action, action_id).lead_person_id = person_id
        db.session.commit()


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> World:
    """The case world, with a meeting of each body, a case and actions led by members."""
    world = build_world(app, make_user)
    add_meeting(app, world.group_id, TODAY + dt.timedelta(days=10),
                starts_at=dt.time(14, 0), location="Room 4, County Hall")
    add_meeting(app, world.board_id, TODAY + dt.timedelta(days=20))
    add_meeting(app, world.board_id, TODAY + dt.timedelta(days=30),
                status=MeetingStatus.CANCELLED)
    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q",
                       aware_on=TODAY - dt.timedelta(days=1),
                       summary=f"{CHILD_NAME}, aged 4, admitted to hospital")
    # An action from the case's review, led by someone outside the case: not in their feed.
    hidden = add_review_action(app, case_id, f"Share {CHILD_NAME}'s records",
                               target_date=TODAY + dt.timedelta(days=40))
    lead(app, hidden, person_of(app, world.other_member))
    # One the member leads and may see: named by the case's reference, not its title.
    seen = add_review_action(app, case_id, f"Visit {CHILD_NAME}'s school",
                             target_date=TODAY + dt.timedelta(days=45))
    lead(app, seen, person_of(app, world.member))
    with app.app_context(), acting_as("tests"):
        db.session.add(Action(partnership_id=world.partnership_id, year=TODAY.year,
                              title="Refresh the neglect toolkit", status=Status.IN_PROGRESS,
                              target_date=TODAY + dt.timedelta(days=25),
                              lead_person_id=person_of(app, world.member)))
        db.session.commit()
    return world


def make_feed(client: BrowserLikeClient) -> str:
    """Create (or replace) the signed-in user's feed on its page; return the address."""
    response = client.submit("/account/calendar", {})
    assert response.status_code == 200
    address = page(response).select_one("#feed-address")["value"]
    assert address.startswith("http://localhost/calendar/feed.ics?key=")
    return str(address)


def read_feed(app: Flask, address: str) -> tuple[int, Calendar | None, str]:
    """Open a feed address as a calendar program does (signed in as nobody)."""
    parts = urlsplit(address)
    response = app.test_client().get(f"{parts.path}?{parts.query}")
    if response.status_code != 200:
        return response.status_code, None, ""
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    return 200, Calendar.from_ical(response.get_data()), text


def summaries(calendar: Calendar) -> list[str]:
    return sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


def test_a_member_s_feed_holds_their_meetings_actions_and_case_deadlines(
    app: Flask, world: World,
) -> None:
    address = make_feed(sign_in(app, world.member))
    status, calendar, text = read_feed(app, address)
    assert status == 200 and calendar is not None
    assert summaries(calendar) == [
        "Action due: Refresh the neglect toolkit",
        "Child Q: Rapid Review due",
        "Child Q: action due",
        "Child Q: serious incident notification due",
        "Learning and Inquiry Group",
    ]
    meeting = next(e for e in calendar.walk("VEVENT")
                   if e["SUMMARY"] == "Learning and Inquiry Group")
    start = meeting.decoded("DTSTART")
    assert (start.date(), start.hour, start.minute) == (TODAY + dt.timedelta(days=10), 14, 0)
    assert str(start.tzinfo) == "Europe/London"
    assert str(meeting["LOCATION"]) == "Room 4, County Hall"
    assert "/meetings/" in str(meeting["URL"])
    notification = next(e for e in calendar.walk("VEVENT")
                        if "notification" in str(e["SUMMARY"]))
    assert isinstance(notification.decoded("DTSTART"), dt.date)
    assert "/cases/" in str(notification["URL"])
    # Nothing about the child: neither the summary's name nor the review action's title.
    assert CHILD_NAME not in text and "Zara" not in text


def test_need_to_know_holds_for_someone_outside_the_case(app: Flask, world: World) -> None:
    address = make_feed(sign_in(app, world.other_member))
    _, calendar, text = read_feed(app, address)
    assert calendar is not None
    # Their board's meetings (the cancelled one marked so), and no trace of the case, not
    # even the case review's action they were named to lead.
    assert summaries(calendar) == ["Safeguarding Board", "Safeguarding Board (cancelled)"]
    cancelled = next(e for e in calendar.walk("VEVENT") if "cancelled" in str(e["SUMMARY"]))
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert "Child Q" not in text and "Zara" not in text


def test_the_team_sees_every_meeting_and_every_case_deadline(
    app: Flask, world: World, make_user: Callable[..., User],
) -> None:
    with app.app_context():
        case_id = db.session.scalars(sa.select(Case.id)).one()
    address = make_feed(sign_in(app, make_user(Role.TEAM)))
    _, calendar, text = read_feed(app, address)
    assert calendar is not None
    assert summaries(calendar) == [
        "Child Q: Rapid Review due", "Child Q: serious incident notification due",
        "Learning and Inquiry Group", "Safeguarding Board", "Safeguarding Board (cancelled)"]
    # In its local review, the case's deadlines are that stage's (the Rapid Review's is left
    # behind; the notification, never made, is still due).
    add_local_review(app, case_id, TODAY, TODAY + dt.timedelta(days=180), {
        MilestoneKind.PRESENTED_TO_BOARD: (TODAY + dt.timedelta(days=90), None)})
    with app.app_context(), acting_as("tests"):
        db.session.get_one(Case, case_id).stage = Stage.LOCAL_REVIEW
        db.session.commit()
    _, calendar, text = read_feed(app, address)
    assert calendar is not None
    assert summaries(calendar) == [
        "Child Q: local review milestone due: presented to the board",
        "Child Q: local review to be completed and published",
        "Child Q: serious incident notification due",
        "Learning and Inquiry Group", "Safeguarding Board", "Safeguarding Board (cancelled)"]
    assert "Zara" not in text


def test_a_replaced_or_stopped_address_answers_not_found(app: Flask, world: World) -> None:
    client = sign_in(app, world.member)
    first = make_feed(client)
    second = make_feed(client)  # "Replace the address"
    assert read_feed(app, first)[0] == 404
    assert read_feed(app, second)[0] == 200
    settings = page(client.get("/account/calendar")).get_text(" ", strip=True)
    assert "Your feed address was made on" in settings and "Stop the feed" in settings
    assert second not in settings  # shown once, when it was made

    stopped = client.submit("/account/calendar", {}, action="/account/calendar/stop",
                            follow_redirects=True)
    assert "Your calendar feed has stopped" in page(stopped).get_text(" ", strip=True)
    assert read_feed(app, second)[0] == 404
    assert read_feed(app, "http://localhost/calendar/feed.ics?key=guessed")[0] == 404
    assert read_feed(app, "http://localhost/calendar/feed.ics")[0] == 404


def test_only_a_hash_of_the_secret_is_kept_and_a_disabled_account_s_feed_stops(
    app: Flask, world: World,
) -> None:
    address = make_feed(sign_in(app, world.member))
    secret = address.split("key=", 1)[1]
    with app.app_context():
        feed = db.session.scalars(sa.select(CalendarFeed)).one()
        assert feed.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        trail = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.record_type == "calendar_feed")).all()
        assert trail, "making a feed is audited"
        assert all(feed.secret_hash not in str(event.changes) for event in trail)
        assert all(secret not in str(event.changes) for event in trail)
    with app.app_context(), acting_as("tests"):
        db.session.get_one(User, world.member.id).disabled = True
        db.session.commit()
    assert read_feed(app, address)[0] == 404


def test_a_meeting_s_ics_file_opens_in_a_calendar(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    reader = signed_in(Role.SCRUTINEER)
    with app.app_context():
        from partnership.meetings.models import Meeting

        meeting_id = db.session.scalars(sa.select(Meeting.id).where(
            Meeting.body_id == world.group_id)).one()
    detail = page(reader.get(f"/meetings/{meeting_id}"))
    link = next(a for a in detail.select("main a")
                if "Add this meeting to your calendar" in a.get_text())
    assert link["href"] == f"/meetings/{meeting_id}/calendar.ics"
    response = reader.get(link["href"])
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    calendar = Calendar.from_ical(response.get_data())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Learning and Inquiry Group"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(hours=2)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert reader.get("/meetings/999999/calendar.ics").status_code == 404
