"""The shared budget in a real browser: the team officer records a payment against this
year's budget (a date outside the year first: refused beside the field, nothing saved), and
the local authority's partner, whose sign-off of the draft statement lapsed with that
payment, reads what changed and signs off again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import BrowserContext, expect

from partnership import clock
from partnership.extensions import db
from partnership.funding.models import Spending
from partnership.kernel.dates import year_label, year_span
from partnership.policy import Role
from tests.browser.support import ConsoleWatch, LiveServer, screenshot

pytestmark = pytest.mark.browser


def _payments(server: LiveServer, description: str) -> int:
    with server.app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Spending)
                                 .where(Spending.description == description)) or 0


def test_a_payment_recorded_and_the_statement_signed_again(
        live_server: LiveServer, new_context: Callable[..., BrowserContext]) -> None:
    today = clock.today()
    year = today.year if today.month >= 4 else today.year - 1
    label = year_label(year)
    after_the_year = year_span(year)[1] + dt.timedelta(days=1)
    what = "Printing the partnership's leaflet for families"

    page = new_context(Role.TEAM).new_page()
    console = ConsoleWatch().attach(page)
    page.goto(live_server("/budget"))
    page.get_by_role("link", name="Wessexshire Safeguarding Children Partnership").click()
    page.get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Budget {label}")
    page.get_by_role("link", name="Budget lines and spending").click()
    page.get_by_role("link", name="Record a payment from Engagement with children and "
                                  "families").click()
    page.get_by_label("Day").fill(str(after_the_year.day))
    page.get_by_label("Month").fill(str(after_the_year.month))
    page.get_by_label("Year", exact=True).fill(str(after_the_year.year))
    page.get_by_label("What it paid for").fill(what)
    page.get_by_label("Amount").fill("640")
    page.get_by_role("button", name="Save payment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(f"Date paid must be in {label}")
    expect(page.locator(".govuk-error-message")).to_contain_text("Date paid must be in")
    assert _payments(live_server, what) == 0
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year", exact=True).fill(str(today.year))
    page.get_by_role("button", name="Save payment").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "Payment recorded against Engagement with children and families")
    expect(page.get_by_text(what)).to_be_visible()
    assert _payments(live_server, what) == 1
    screenshot(page, "funding-lines")
    assert not console.csp_violations and not console.errors

    partner = new_context(Role.PARTNER).new_page()
    partner.goto(live_server(f"/partnerships/wscp/budget/{year}/statement"))
    partner.get_by_role("link", name=f"WSCP shared budget statement {label}").first.click()
    changed = partner.locator("#what-changed")
    expect(changed).to_contain_text("You signed an earlier draft.")
    expect(changed).to_contain_text("Engagement with children and families")
    partner.get_by_role("button", name="Sign off again").click()
    expect(partner.get_by_role("alert", name="Success")).to_contain_text("You have signed off")
