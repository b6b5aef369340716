"""The yearly report in a real browser (issue 6, "Done when"): the officer reads the draft the
records fill in and follows a figure to its evidence, writes the narrative; the scrutineer
writes their assessment and nothing else; the three partners sign off; the officer publishes,
records the copies sent; the published report never changes afterwards; and the scrutineer
finds both published reports in the reading room and compares them.

Figures are checked against ``assemble()`` run on the live server's records, never against
hard-coded numbers, so the test holds on whatever day the demo is loaded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, expect

from partnership.demo.accounts import DEMO_ACCOUNTS
from partnership.extensions import db
from partnership.policy import Role
from partnership.publishing.models import PublicationStatus
from partnership.reports.assemble import assemble
from partnership.reports.models import YearlyReport
from partnership.reports.services import today as uk_today
from partnership.reviews.models import Case
from tests.browser.support import (
    SUCCESS,
    LiveServer,
    error_next_to,
    fill_date,
    main_menu,
    screenshot,
    sign_in,
    success,
    watched,
)
from tests.documents.pdftools import pdf_text

pytestmark = pytest.mark.browser

PARTNERS = [account for account in DEMO_ACCOUNTS if account.role is Role.PARTNER]
PRIORITIES = ("We will ask a group of young advisers to check every objective of next "
              "year's plan with us before the Executive Group agrees it.")
ASSESSMENT = ("Having read the evidence behind every figure in this report, my judgement is "
              "that the arrangements are effective, with two areas to put right.")


def _latest_draft(server: LiveServer) -> YearlyReport:
    with server.app.app_context():
        report = db.session.scalars(
            sa.select(YearlyReport).where(YearlyReport.status == PublicationStatus.DRAFT)
            .order_by(YearlyReport.period_end.desc())).first()
        assert report is not None, "the demo has a draft report"
        db.session.expunge(report)
        return report


def _unnamed_references(server: LiveServer) -> list[str]:
    """Case references the report must never print: no published local review."""
    with server.app.app_context():
        return [case.reference for case in db.session.scalars(sa.select(Case))
                if not (case.local_review and case.local_review.published_on)]


def _download(page: Page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name, exact=True).click()
    return Path(info.value.path()).read_bytes()


def test_the_yearly_report_from_draft_to_published_and_read_in_the_reading_room(
    live_server: LiveServer, browser: Browser, new_context: Callable[..., BrowserContext]
) -> None:
    report = _latest_draft(live_server)
    detail = live_server(f"/partnerships/wscp/reports/{report.id}")
    with live_server.app.app_context(), live_server.app.test_request_context():
        db.session.add(report)
        content = assemble(report.partnership, report.period_start, report.period_end,
                           uk_today())

    # The officer reads the draft: every part is there, filled from the records.
    officer, watch = watched(new_context(Role.TEAM, accept_downloads=True))
    officer.goto(live_server("/partnerships/wscp"))
    officer.get_by_role("link", name="Yearly reports").click()
    officer.get_by_role("table").get_by_role("link", name=report.title, exact=True).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(report.title)
    officer.get_by_role("button", name="Read the draft").click()
    for heading in ("1. Summary of activities", "2. Child safeguarding practice reviews",
                    "3. Evidence of impact", "4. Little or no progress",
                    "5. Decisions and actions on review recommendations",
                    "6. Feedback from children and families",
                    "7. The independent scrutineer's assessment",
                    "8. Changes to the arrangements"):
        expect(officer.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    text = officer.locator("body").inner_text()
    assert f"met {content.activities.meetings_held} times" in text
    took_part = officer.get_by_role(
        "table", name=f"How each agency took part in {content.period_label}")
    for row in [row for row in content.activities.participation if row.expected][:5]:
        attended = took_part.get_by_role("row").filter(
            has=officer.get_by_role("rowheader", name=row.agency, exact=True))
        expect(attended.locator("td").first).to_have_text(
            f"{row.attended} of {row.expected} ({row.attendance_percent}%)")
    for reference in _unnamed_references(live_server):
        assert not re.search(rf"\b{re.escape(reference)}\b", text), reference
    assert officer.locator("figure svg[role=img]").count() >= 3  # charts, drawn as vectors
    screenshot(officer, "report-draft")
    # A figure links to the records behind it (read-only evidence).
    officer.locator(f"a[href='{content.activities.actions_link}']").first.click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("Actions")

    # The officer writes a narrative section; the assessment is not theirs to write.
    officer.goto(detail)
    expect(officer.get_by_role("link", name="Write your assessment")).to_have_count(0)
    officer.get_by_role("link", name="Change priorities for the coming year").click()
    officer.get_by_label("Text of the priorities for the coming year section").fill(PRIORITIES)
    officer.get_by_role("button", name="Save section").click()
    expect(success(officer)).to_contain_text("Priorities for the coming year saved")
    response = officer.request.get(f"{detail}/sections/assessment")
    assert response.status == 403

    # The scrutineer writes their assessment, and can change nothing else.
    scrutineer, scrutineer_watch = watched(new_context(Role.SCRUTINEER))
    scrutineer.goto(live_server("/"))
    main_menu(scrutineer, "Reading room")
    scrutineer.get_by_role("link", name=f"Write your assessment in {report.title}").click()
    scrutineer.get_by_label("Your assessment").fill(ASSESSMENT)
    scrutineer.get_by_role("button", name="Save your assessment").click()
    expect(success(scrutineer)).to_contain_text("assessment saved")
    row = scrutineer.locator("#section-assessment")
    expect(row).to_contain_text(ASSESSMENT)
    expect(row).to_contain_text("Independent scrutineer")
    expect(scrutineer.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)
    expect(scrutineer.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    response = scrutineer.request.get(f"{detail}/sections/foreword")
    assert response.status == 403
    scrutineer_watch.assert_clean()

    # Each partner signs off for their own organisation.
    officer.goto(detail)
    expect(officer.get_by_text("Waiting for sign-off")).to_have_count(3)
    for n, partner in enumerate(PARTNERS, start=1):
        context = browser.new_context()
        try:
            page, partner_watch = watched(context)
            sign_in(page, live_server, partner.email, partner.password)
            page.goto(detail)
            page.get_by_role("button", name="Sign off", exact=True).click()
            expect(page.locator(SUCCESS)).to_contain_text(f"You have signed off “{report.title}”")
            expect(page.get_by_role("button", name="Sign off", exact=True)).to_have_count(0)
            partner_watch.assert_clean()
        finally:
            context.close()
        officer.reload()
        expect(officer.get_by_text("Waiting for sign-off")).to_have_count(3 - n)

    # The officer publishes; the PDF is stored with its SHA-256.
    officer.get_by_role("button", name="Publish", exact=True).click()
    expect(success(officer)).to_contain_text("is published")
    expect(officer.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)
    # The worker beside the server makes the file; the page shows its SHA-256 once it has.
    for _ in range(90):
        if officer.locator("code.app-hash").count():
            break
        officer.wait_for_timeout(1000)
        officer.reload()
    digest = officer.locator("code.app-hash").inner_text().strip()
    pdf = _download(officer, "Download the PDF")
    assert hashlib.sha256(pdf).hexdigest() == digest
    words = pdf_text(pdf)
    assert ASSESSMENT[:60] in " ".join(words.split())
    assert re.search(r"Page 2 of \d+", words)
    assert "DRAFT" not in words
    screenshot(officer, "report-published")

    # Copies sent: a bad date is refused next to the field and nothing is saved.
    officer.get_by_label("Sent to").fill("Child Safeguarding Practice Review Panel")
    group = officer.get_by_role("group", name="Date sent")
    group.get_by_label("Day").fill("31")
    group.get_by_label("Month").fill("13")
    group.get_by_label("Year").fill("2026")
    officer.get_by_role("button", name="Record the copy").click()
    expect(error_next_to(officer, officer.get_by_label("Day"))).to_be_visible()
    fill_date(officer, "Date sent", uk_today())
    officer.get_by_role("button", name="Record the copy").click()
    expect(success(officer)).to_contain_text(
        "Copy sent to Child Safeguarding Practice Review Panel recorded")

    # A published report never changes: editing is refused, and the PDF is the same bytes.
    officer.goto(f"{detail}/sections/foreword")
    expect(officer.locator("main")).to_contain_text(
        "is published, so this section can no longer change")
    expect(officer.get_by_role("button", name="Save section")).to_have_count(0)
    officer.goto(detail)
    assert hashlib.sha256(_download(officer, "Download the PDF")).hexdigest() == digest
    watch.assert_clean()

    # In the reading room the scrutineer finds both published reports and compares them.
    scrutineer.goto(live_server("/reading-room"))
    reports = scrutineer.get_by_role("table", name=re.compile("published reports"))
    expect(reports.first.get_by_role("row")).to_have_count(3)  # a header and two reports
    scrutineer.get_by_role("button", name=re.compile("^Compare.*report")).first.click()
    expect(scrutineer.get_by_role("heading", level=1)).to_contain_text("Compare")
    expect(scrutineer.locator("main")).to_contain_text("Meetings held")
    screenshot(scrutineer, "reading-room-compare")
    scrutineer_watch.assert_clean()
