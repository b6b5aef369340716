"""A complex referral in a real browser, from receipt to closure through two forces: the
county's hub team is refused a referral from an organisation whose memorandum expired (the
reason beside the field, with the identifier guard's message on the summary), records it from
one with a memorandum in force, routes it to the Isle of Merrow district of the constabulary
(a force in the register) and to a force outside the service; the island's officer, whose
partnership the first force belongs to, finds it and records that force's answer; the hub
records the other force's answer by hand and closes the referral."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import BrowserContext, expect

from partnership import clock
from partnership.demo.accounts import DEMO_ACCOUNTS
from partnership.extensions import db
from partnership.policy import Role
from partnership.referrals.models import Referral
from tests.browser.support import (
    LiveServer,
    axe_violations,
    fill_date,
    main_menu,
    page_problems,
    screenshot,
    sign_in,
    success,
    watched,
)

pytestmark = pytest.mark.browser
SUMMARY = ("Five survivors describe abuse by a former youth club leader across two force "
           "areas in the 1990s; he is believed to volunteer with children still.")
MERROW_FORCE = "Wessexshire Constabulary (Isle of Merrow district)"
OUTSIDE_FORCE = "Northmoor Police"


def test_a_referral_from_receipt_to_closure_through_two_forces(
        live_server: LiveServer, new_context: Callable[..., BrowserContext]) -> None:
    today = clock.today()
    page, watch = watched(new_context(Role.TEAM))
    page.goto(live_server("/"))
    main_menu(page, "Referrals")
    expect(page.get_by_role("heading", level=1)).to_have_text("What is waiting, and on whom")
    page.get_by_role("button", name="Record a referral").click()

    # From an organisation whose memorandum lapsed at its review date, with a postcode in
    # the summary: both refused, each beside its field.
    page.get_by_label("Referring organisation").select_option(label="Wessex Youth Sport Trust")
    page.get_by_label("Safeguarding referral").check()
    page.get_by_label("Number of victims", exact=True).check()
    page.get_by_label("Nature of the case").check()
    page.get_by_label("Number of victims (optional)").fill("5")
    page.get_by_label("Non-recent").check()
    page.get_by_label("Institutional").check()
    page.get_by_label("Summary").fill("A survivor now living at SO23 8UJ describes abuse.")
    page.get_by_label("Urgent").check()
    page.get_by_role("group", name="Is there an immediate risk").get_by_label("No").check()
    page.get_by_role("button", name="Save referral").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Remove the postcode")
    expect(page.locator(".govuk-form-group--error").filter(
        has=page.get_by_label("Summary"))).to_contain_text("Remove the postcode")
    assert not page_problems(page, "referral form with errors", error_state=True)
    page.get_by_label("Summary").fill(SUMMARY)
    page.get_by_role("button", name="Save referral").click()
    organisation = page.locator(".govuk-form-group--error").filter(
        has=page.get_by_label("Referring organisation"))
    expect(organisation).to_contain_text("Wessex Youth Sport Trust's memorandum (version 1.1) "
                                         "expired on")
    expect(organisation).to_contain_text("only from an organisation with a memorandum of "
                                         "understanding in force")
    assert not axe_violations(page, "referral refused", contrast=False)

    page.get_by_label("Referring organisation").select_option(
        label="Lighthouse Survivors Network")
    page.get_by_role("button", name="Save referral").click()
    expect(success(page)).to_contain_text("recorded")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Received, not yet routed")
    reference = heading.inner_text().split()[1]

    # Routed to two forces: one in the register, one outside the service.
    page.get_by_role("button", name="Route to a force or partnership").click()
    page.get_by_label("A police force").check()
    page.get_by_label("Police force in the register").select_option(label=MERROW_FORCE)
    page.get_by_role("button", name="Route referral").click()
    expect(success(page)).to_contain_text(f"Routed to {MERROW_FORCE}")
    page.get_by_role("button", name="Route to a force or partnership").click()
    page.get_by_label("A police force").check()
    page.get_by_label("Or its name, if it is not in the register").fill(OUTSIDE_FORCE)
    page.get_by_role("button", name="Route referral").click()
    routes = page.get_by_role("table").first
    expect(routes).to_contain_text(OUTSIDE_FORCE)
    expect(routes).to_contain_text("working days left")
    expect(page.get_by_role("heading", level=1)).to_contain_text("waiting for acknowledgement")
    screenshot(page, "referral-routed")

    # The island's officer serves the partnership that force belongs to: they find the
    # referral on their board and record their force's answer (and only theirs).
    island = next(a for a in DEMO_ACCOUNTS if a.email.startswith("merrow."))
    other = new_context().new_page()
    sign_in(other, live_server, island.email, island.password)
    main_menu(other, "Referrals")
    other.get_by_role("link", name=reference).first.click()
    expect(other.get_by_role("link", name=f"Record answer from {MERROW_FORCE}")).to_be_visible()
    expect(other.get_by_role("link", name=f"Record answer from {OUTSIDE_FORCE}")).to_have_count(0)
    expect(other.get_by_role("button", name="Close referral")).to_have_count(0)
    other.get_by_role("link", name=f"Record answer from {MERROW_FORCE}").click()
    fill_date(other, "Date acknowledged (optional)", today)
    fill_date(other, "Date of the decision (optional)", today)
    other.get_by_label("Outcome (optional)", exact=True).select_option(label="Investigation opened")
    other.get_by_role("button", name="Save").click()
    expect(success(other)).to_contain_text(f"Answer from {MERROW_FORCE} saved")

    # The hub records the outside force's answer, then closes the referral.
    page.reload()
    page.get_by_role("link", name=f"Record answer from {OUTSIDE_FORCE}").click()
    fill_date(page, "Date acknowledged (optional)", today)
    fill_date(page, "Date of the decision (optional)", today)
    page.get_by_label("Outcome (optional)", exact=True).select_option(
        label="Joined to an existing investigation")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Decided, ready to close")
    page.get_by_role("button", name="Close referral").click()
    page.get_by_label("Why it is closed (optional)").fill(
        "Both forces are investigating together.")
    page.locator("form").get_by_role("button", name="Close referral").click()
    expect(success(page)).to_contain_text(f"Referral {reference} closed")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
    expect(page.get_by_role("table").first).to_contain_text("Joined to an existing "
                                                                 "investigation")
    assert not axe_violations(page, "closed referral")
    screenshot(page, "referral-closed")
    watch.assert_clean()
    with live_server.app.app_context():
        referral = db.session.scalars(sa.select(Referral).where(
            Referral.reference == reference)).one()
        assert referral.closed_on == today and len(referral.routes) == 2
        assert {r.outcome.value for r in referral.routes if r.outcome} == {"investigation",
                                                                           "joined"}
