"""A new team officer records a meeting's attendance in under a minute (issue 17, "Done
means"): every member agency is present unless marked, so two exceptions are two choices and
two reasons, and a forgotten reason is pointed out beside its field. Then they make their
private calendar feed and a calendar program reads it.

The meeting is made for the journey on a free day of the county's Executive Group, so the
journey runs in any order beside the others on the shared demo server.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from playwright.sync_api import BrowserContext, Page, expect

from partnership.accounts.services import create_user
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.meetings.models import Meeting, MeetingStatus
from partnership.policy import Role
from partnership.register.models import Body, Partnership
from tests.browser.support import (
    LiveServer,
    Watch,
    axe_violations,
    error_next_to,
    main_menu,
    page_problems,
    screenshot,
    sign_in,
    success,
    watched,
)

pytestmark = pytest.mark.browser

COUNTY = "Wessexshire Safeguarding Children Partnership"
EXECUTIVE = "Executive Group"
NEWCOMER = ("nadia.new@wessexshire.example", "Nadia New", "a long and memorable passphrase 17")
A_MINUTE = 60.0


@pytest.fixture(scope="module")
def newcomer(live_server: LiveServer) -> tuple[str, str]:
    """A team officer's account made today, serving the county only."""
    email, name, password = NEWCOMER
    with live_server.app.app_context(), acting_as("tests"):
        county = db.session.scalars(sa.select(Partnership.id).where(
            Partnership.name == COUNTY)).one()
        user = create_user(email, name, Role.TEAM, password)
        user.serve_only({county})
        db.session.commit()
        db.session.remove()
    return email, password


@pytest.fixture
def newcomer_page(live_server: LiveServer, newcomer: tuple[str, str],
                  new_context: Callable[..., BrowserContext]) -> Iterator[tuple[Page, Watch]]:
    """A page signed in as the new team officer, watched; clean when the test ends."""
    page, watch = watched(new_context(accept_downloads=True))
    sign_in(page, live_server, *newcomer)
    expect(page).to_have_url(live_server("/"))
    yield page, watch
    watch.assert_clean()


class Checks:
    """Accessibility checks on the journey's pages, timed apart from the person's work."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.seconds = 0.0

    def __call__(self, page: Page, label: str, *, error_state: bool = False) -> None:
        started = time.monotonic()
        self.problems += axe_violations(page, label)
        self.problems += page_problems(page, label, error_state=error_state)
        self.seconds += time.monotonic() - started

    def shot(self, page: Page, name: str) -> None:
        """Save a screenshot, off the clock."""
        started = time.monotonic()
        screenshot(page, name)
        self.seconds += time.monotonic() - started


def meeting_held_recently(live_server: LiveServer) -> dt.date:
    """Add a meeting of the county's Executive Group on a recent free day; return the day."""
    with live_server.app.app_context(), acting_as("tests"):
        body = db.session.scalars(
            sa.select(Body).join(Partnership, Body.partnership_id == Partnership.id)
            .where(Body.name == EXECUTIVE, Partnership.name == COUNTY)).one()
        taken = set(db.session.scalars(sa.select(Meeting.held_on).where(
            Meeting.body_id == body.id)))
        day = next(day for n in range(61, 170)
                   if (day := dt.date.today() - dt.timedelta(days=n)) not in taken
                   and day.weekday() < 5)
        db.session.add(Meeting(body=body, held_on=day, starts_at=dt.time(10, 0),
                               location="Room 2, County Hall",
                               status=MeetingStatus.SCHEDULED))
        db.session.commit()
        db.session.remove()
    return day


def test_a_new_user_records_attendance_with_two_exceptions_in_under_a_minute(
    live_server: LiveServer, newcomer_page: tuple[Page, Watch],
) -> None:
    page, _ = newcomer_page
    held_on = meeting_held_recently(live_server)
    check = Checks()
    started = time.monotonic()

    # Find the meeting: the meetings page lists recent meetings whose minutes are in draft.
    main_menu(page, "Meetings")
    # (the date is said to screen readers only, so the link's name may carry a space first)
    page.get_by_role("link", name=re.compile(
        rf"^{EXECUTIVE}\s?, {long_date(held_on)}$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(long_date(held_on))
    page.get_by_role("button", name="Record attendance").click()

    # Everyone is already present: mark the two who were not, with the reasons.
    legends = page.locator("form fieldset legend").all_inner_texts()
    agencies = [legend.strip() for legend in legends]
    assert len(agencies) >= 4, agencies
    expect(page.locator("input[type=radio][value=present]:checked")).to_have_count(
        len(agencies))
    check(page, "attendance form")
    check.shot(page, "attendance-form")
    sent_apologies, absent = agencies[1], agencies[3]
    page.get_by_role("group", name=sent_apologies, exact=True).get_by_label(
        "Apologies given", exact=True).check()
    page.get_by_label(f"Reason for absence of {sent_apologies}", exact=True).fill(
        "On leave; the deputy could not come")
    page.get_by_role("group", name=absent, exact=True).get_by_label(
        "Absent", exact=True).check()
    page.get_by_role("button", name="Save attendance").click()

    # The forgotten reason is asked for beside its field; what was chosen is kept.
    reason = page.get_by_label(f"Reason for absence of {absent}", exact=True)
    expect(error_next_to(page, reason)).to_contain_text(f"Enter why {absent} was not there")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"Enter why {absent} was not there")
    check(page, "attendance form, a reason missing", error_state=True)
    check.shot(page, "attendance-form-error")
    reason.fill("No reply to the invitation")
    page.get_by_role("button", name="Save attendance").click()

    expect(success(page)).to_contain_text("Attendance saved")
    took = time.monotonic() - started - check.seconds
    assert took < A_MINUTE, f"recording attendance took {took:.0f} s"
    table = page.get_by_role("table", name="How each member agency was represented")
    expect(table.locator("tbody tr")).to_have_count(len(agencies))
    expect(table.get_by_role("row", name=sent_apologies)).to_contain_text(
        "Apologies given Not recorded On leave; the deputy could not come")
    expect(table.get_by_role("row", name=absent)).to_contain_text(
        "Absent Not recorded No reply to the invitation")
    expect(table.locator("tbody tr", has_text="Present")).to_have_count(len(agencies) - 2)
    expect(page.locator(".govuk-tag", has_text="Held")).to_be_visible()
    check(page, "meeting page with attendance")
    screenshot(page, "attendance-meeting-page")

    # The meeting leads back to its body's meetings and into any calendar.
    expect(page.get_by_role("link", name=f"All meetings of {EXECUTIVE}")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Add this meeting to your calendar").click()
    calendar = Calendar.from_ical(download.value.path().read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == EXECUTIVE
    assert str(event["LOCATION"]) == "Room 2, County Hall"
    assert check.problems == []


def test_the_new_user_makes_a_calendar_feed_that_a_calendar_program_reads(
    live_server: LiveServer, newcomer_page: tuple[Page, Watch],
    new_context: Callable[..., BrowserContext],
) -> None:
    page, _ = newcomer_page
    page.goto(live_server("/account"))
    page.get_by_role("link", name="Your calendar feed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar feed")
    page.get_by_role("button", name="Create a feed address").click()
    address = page.get_by_label("Feed address").input_value()
    assert address.startswith(live_server("/calendar/feed.ics?key="))
    screenshot(page, "calendar-feed")
    check = Checks()
    check(page, "your calendar feed")
    assert check.problems == []

    # A calendar program is signed in as nobody: the address alone opens the feed.
    program = new_context().request
    response = program.get(address)
    assert response.status == 200
    calendar = Calendar.from_ical(response.body())
    assert all(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))

    page.get_by_role("button", name="Stop the feed").click()
    expect(success(page)).to_contain_text("Your calendar feed has stopped")
    assert program.get(address).status == 404
