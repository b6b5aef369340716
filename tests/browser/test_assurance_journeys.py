"""The assurance work in a real browser, each person doing their part: the scrutineer reports
findings and a recommendation; the team officer responds and turns the recommendation into a
tracked action, which links back to where it came from; the agency lead completes their
organisation's Section 11 return, closing a gap with an action, and submits it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import BrowserContext, Page, expect

from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Agency
from partnership.scrutiny.models import ActivityStatus, ScrutinyActivity
from partnership.self_assessment.models import AssessmentReturn, AssessmentStatus
from tests.browser.support import ACCOUNTS, ConsoleWatch, LiveServer, fill_date, screenshot

pytestmark = pytest.mark.browser


def _under_way_activity(server: LiveServer) -> int:
    with server.app.app_context():
        found = db.session.scalar(
            sa.select(ScrutinyActivity.id)
            .where(ScrutinyActivity.status == ActivityStatus.UNDER_WAY,
                   ScrutinyActivity.recommendations == None)  # noqa: E711 - SQL "IS NULL"
            .order_by(ScrutinyActivity.id).limit(1))
    assert found is not None, "the demo has no scrutiny activity under way"
    return found


def _agency_lead_return(server: LiveServer) -> int:
    """The open Section 11 return of the demo agency lead's own agency."""
    with server.app.app_context():
        found = db.session.scalar(
            sa.select(AssessmentReturn.id).join(Agency, Agency.id == AssessmentReturn.agency_id)
            .where(Agency.name == "Wessexshire and Merrow Fire and Rescue Service",
                   AssessmentReturn.status.in_((AssessmentStatus.NOT_STARTED,
                                                AssessmentStatus.IN_PROGRESS)))
            .order_by(AssessmentReturn.id.desc()).limit(1))
    assert found is not None, "the demo agency lead has no open return"
    return found


def _clean(console: ConsoleWatch) -> None:
    assert not console.csp_violations, "\n".join(console.csp_violations)
    assert not console.errors, "\n".join(console.errors)


def _goto_activity(page: Page, server: LiveServer, activity_id: int) -> None:
    page.goto(server(f"/partnerships/wscp/scrutiny/activities/{activity_id}"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_scrutiny_from_findings_to_a_tracked_action(
        live_server: LiveServer, new_context: Callable[..., BrowserContext]) -> None:
    activity_id = _under_way_activity(live_server)

    scrutineer = new_context(Role.SCRUTINEER).new_page()
    console = ConsoleWatch().attach(scrutineer)
    scrutineer.goto(live_server("/assurance"))
    scrutineer.get_by_role("link", name="Independent scrutiny").first.click()
    _goto_activity(scrutineer, live_server, activity_id)
    scrutineer.get_by_role("button", name="Write the findings").click()
    scrutineer.get_by_label("Findings", exact=True).fill(
        "Referrals from schools reach the front door quickly, but one in four waits more "
        "than a week for an early help offer.")
    scrutineer.get_by_label("Good practice (optional)").fill(
        "Daily triage meetings with health and police present.")
    scrutineer.get_by_role("button", name="Save the findings").click()
    expect(scrutineer.locator("main")).to_contain_text("one in four waits more than a week")
    scrutineer.get_by_role("button", name="Add a recommendation").click()
    scrutineer.get_by_label("Recommendation", exact=True).fill(
        "Set and report a standard for how quickly families are offered early help.")
    scrutineer.get_by_role("button", name="Save the recommendation").click()
    expect(scrutineer.locator("main")).to_contain_text("Set and report a standard")
    screenshot(scrutineer, "assurance-scrutineer-findings")
    _clean(console)

    officer = new_context(Role.TEAM).new_page()
    console = ConsoleWatch().attach(officer)
    _goto_activity(officer, live_server, activity_id)
    # The scrutineer's words are theirs: the officer is offered no way to change them.
    expect(officer.get_by_role("button", name="Change the findings")).to_have_count(0)
    officer.get_by_role("button", name="Record the response").click()
    officer.get_by_label("The partnership's response").fill(
        "Accepted. The Early Help Partnership will set the standard by the spring.")
    officer.get_by_role("button", name="Save the response").click()
    expect(officer.locator("main")).to_contain_text("Accepted. The Early Help Partnership")
    officer.get_by_role("link", name="Turn into an action").first.click()
    officer.get_by_role("button", name="Add the action").click()
    # The saved action's banner, not the form's own words, before following its link.
    expect(officer.locator("main")).to_contain_text("Action added: Set and report a standard")
    officer.get_by_role("link", name="Set and report a standard").first.click()
    origin = officer.get_by_role("link", name="Independent scrutiny:")
    expect(origin).to_be_visible()
    origin.click()
    expect(officer).to_have_url(live_server(f"/partnerships/wscp/scrutiny/activities/"
                                            f"{activity_id}#recommendation-1"))
    screenshot(officer, "assurance-team-response")
    _clean(console)


def test_an_agency_lead_completes_and_submits_their_section_11_return(
        live_server: LiveServer, new_context: Callable[..., BrowserContext]) -> None:
    return_id = _agency_lead_return(live_server)
    page = new_context(Role.AGENCY).new_page()
    console = ConsoleWatch().attach(page)
    assert ACCOUNTS[Role.AGENCY].email == "agency@demo.example"

    page.goto(live_server("/"))
    page.get_by_role("link", name="Section 11 self-assessment 2026 to 2027").first.click()
    expect(page).to_have_url(live_server(f"/partnerships/wscp/self-assessment/returns/"
                                         f"{return_id}"))
    # Grade every standard (carried forward answers stay); the third is a gap.
    standards = page.locator("fieldset", has_text="Grade for standard")
    for index in range(standards.count()):
        choice = "Not met" if index == 2 else "Fully met"
        standards.nth(index).get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Return saved as a draft")  # the saved page, before submitting from it
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("action")

    page.get_by_role("link", name="Add an action").first.click()
    page.get_by_label("What will be done").fill(
        "Set up a young people's feedback group for the fire safety visits service")
    fill_date(page, "Target date", dt.date(2027, 3, 31))
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Action added")
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator("#return-status")).to_contain_text("Submitted")
    screenshot(page, "assurance-agency-return")
    _clean(console)


def test_an_agency_lead_grades_every_case_in_their_audit_return_and_sends_it(
        live_server: LiveServer, new_context: Callable[..., BrowserContext]) -> None:
    page = new_context(Role.AGENCY).new_page()
    console = ConsoleWatch().attach(page)

    page.goto(live_server("/"))
    waiting = page.locator("h2", has_text="Audits waiting for my agency")
    expect(waiting).to_be_visible()
    page.locator("h2:has-text('Audits waiting for my agency') + ul a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # A comment naming a child's date of birth is refused next to its answer, and nothing
    # typed is lost.
    grids = page.locator("fieldset.govuk-fieldset")
    count = grids.count()
    assert count > 0
    for index in range(count):
        grids.nth(index).locator("input[type=radio]").first.check()
    grids.nth(0).locator("textarea").fill("Seen at home; DOB 03/03/2019 recorded on file.")
    page.get_by_role("button", name="Send the return").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("date of birth")
    expect(grids.nth(0).locator("textarea")).to_have_value(
        "Seen at home; DOB 03/03/2019 recorded on file.")
    grids.nth(0).locator("textarea").fill("Seen at home; the chronology was kept up to date.")
    page.get_by_role("button", name="Send the return").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "return is sent")
    screenshot(page, "assurance-agency-audit-return")
    _clean(console)
