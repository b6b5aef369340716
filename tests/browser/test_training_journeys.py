"""Multi-agency training in a real browser: the team officer adds a session of the county's
neglect course, records who came from children's services and enters a learner's
evaluation; the fire service's agency lead records their own agency's attendance (and no
other's); the uptake page shows it against the places expected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import BrowserContext, expect

from partnership import clock
from partnership.extensions import db
from partnership.policy import Role
from partnership.training.models import Evaluation, SessionAttendance, TrainingSession
from tests.browser.support import ConsoleWatch, LiveServer, screenshot

pytestmark = pytest.mark.browser
TRAINER = "Journey Trainer, Wessexshire Safeguarding Children Partnership"


def _session_id(server: LiveServer) -> int:
    with server.app.app_context():
        found = db.session.scalar(sa.select(TrainingSession.id).where(
            TrainingSession.trainer == TRAINER))
        assert found is not None
        return found


def test_a_session_from_the_programme_to_uptake(
        live_server: LiveServer, new_context: Callable[..., BrowserContext]) -> None:
    day = clock.today() - dt.timedelta(days=3)
    page = new_context(Role.TEAM).new_page()
    console = ConsoleWatch().attach(page)
    page.goto(live_server("/"))
    page.get_by_role("link", name="Training", exact=True).first.click()
    page.get_by_role("link", name="Wessexshire Safeguarding Children Partnership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Multi-agency training programme")
    page.get_by_role("link", name="Recognising and responding to neglect").click()
    page.get_by_role("button", name="Add a session").click()

    # Bad input first: each problem beside its field.
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the trainer")
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Trainer").fill(TRAINER)
    page.get_by_label("In person").check()
    page.get_by_label("Places").fill("20")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Session on")

    page.get_by_role("button", name="Record attendance").click()
    page.get_by_label("Agency").select_option(
        label="Wessexshire County Council, Children and Families")
    page.get_by_label("Role").fill("Social worker")
    page.get_by_label("Booked").fill("8")
    page.get_by_label("Attended").fill("7")
    page.get_by_role("button", name="Save").click()
    attendance = page.locator("#attendance ~ .app-table-scroll table").first
    expect(attendance).to_contain_text("Social worker")

    page.get_by_role("button", name="Enter evaluations").click()
    page.get_by_role("group", name="Confidence before the session").get_by_label(
        "2", exact=True).check()
    page.get_by_role("group", name="Confidence after the session").get_by_label(
        "4", exact=True).check()
    page.get_by_role("group", name="Usefulness").get_by_label("5, very").check()
    page.get_by_role("button", name="Save and add another").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("1 for this session")
    session_id = _session_id(live_server)
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation).where(
            Evaluation.session_id == session_id)) == 1

    page.goto(live_server("/partnerships/wscp/training/uptake"))
    expect(page.locator("#by-sector")).to_contain_text("Education")
    screenshot(page, "training-uptake")
    assert not console.csp_violations and not console.errors

    # The fire service's agency lead records their own agency's people, and only theirs.
    lead = new_context(Role.AGENCY).new_page()
    lead.goto(live_server(f"/partnerships/wscp/training/sessions/{session_id}"))
    lead.get_by_role("button", name="Record attendance").click()
    options = lead.get_by_label("Agency").locator("option").all_inner_texts()
    assert options == ["Select an agency", "Wessexshire and Merrow Fire and Rescue Service"]
    lead.get_by_label("Agency").select_option(
        label="Wessexshire and Merrow Fire and Rescue Service")
    lead.get_by_label("Role").fill("Community safety officer")
    lead.get_by_label("Booked").fill("2")
    lead.get_by_label("Attended").fill("2")
    lead.get_by_role("button", name="Save").click()
    expect(lead.get_by_role("alert", name="Success")).to_contain_text(
        "Community safety officer")
    with live_server.app.app_context():
        roles = set(db.session.scalars(sa.select(SessionAttendance.role).where(
            SessionAttendance.session_id == session_id)))
    assert roles == {"Social worker", "Community safety officer"}
