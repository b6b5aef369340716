"""Case reviews in a real browser (issue 5, "Done when"): the chair sees on the board where
every case stands; the team officer takes a new case, Child Z, from notification to a
published local review with its action plan, the three partners signing off its Rapid
Review; and people outside the case cannot find it by list, search, URL or export.

The board's expectations are worked out from the demo's records with the deadline function
(and, for the late Rapid Review, counted again from its dates), never hard-coded day counts,
so the test holds on whatever day the demo is loaded.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from partnership.accounts.models import User
from partnership.arrangements.services import today as uk_today
from partnership.demo.accounts import DEMO_ACCOUNTS
from partnership.extensions import db
from partnership.kernel.dates import add_working_days, long_date, working_days_between
from partnership.policy import Role
from partnership.reviews.access import visible_cases
from partnership.reviews.models import Case, Review, Stage
from partnership.reviews.services.deadlines import (
    Deadline,
    closures_by_partnership,
    deadlines_of,
    left_in_words,
    settings_by_partnership,
)
from tests.browser.support import (
    ACCOUNTS,
    SCREENSHOTS,
    SUCCESS,
    LiveServer,
    Watch,
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

COUNTY = "Wessexshire Safeguarding Children Partnership"
GROUP = "Learning and Inquiry Group"
CHILD_Z = "Child Z"
NHS_NUMBER = "943 476 5919"  # a valid NHS number (its check digit is right)
PARTNERS = [account for account in DEMO_ACCOUNTS if account.role is Role.PARTNER]
RED_ACTION = "Add a flag to GP records for disabled children"  # the demo's red one (Child N)


def short(day: dt.date) -> str:
    """A date as the board and the case page's tables write it: 7 Nov 2026."""
    return f"{day.day} {day:%b %Y}"


def row_of(page: Page, reference: str) -> Locator:
    """The board's (or the list's) row for a case."""
    return page.locator("tbody tr").filter(
        has=page.get_by_role("link", name=reference, exact=True))


# --- 1. The chair's board --------------------------------------------------------------------


@dataclass
class Expected:
    """What the board should say about one case, worked out from its records."""

    reference: str
    stage: str
    next: Deadline | None
    overdue: list[Deadline]
    aware_on: dt.date
    rapid_due: dt.date | None
    rapid_left: int | None  # working days, counted again from the dates
    unsigned: int  # partners yet to sign off the Rapid Review


def board_expectations(live_server: LiveServer, email: str) -> dict[str, Expected]:
    """Each open case the user may see, with its deadlines as the deadline function says."""
    found = {}
    with live_server.app.test_request_context():
        user = db.session.get(User, live_server.user_ids[email])
        today = uk_today()
        cases = [c for c in visible_cases(user) if c.stage is not Stage.CLOSED]
        ids = {c.partnership_id for c in cases}
        settings, closures = settings_by_partnership(ids), closures_by_partnership(ids)
        for case in db.session.scalars(
                db.select(Case).where(Case.id.in_([c.id for c in cases]))):
            closed = closures[case.partnership_id]
            deadlines = deadlines_of(case, settings[case.partnership_id], closed, today)
            rapid = case.rapid_review
            rapid_due = rapid_left = None
            if rapid is not None and rapid.sent_to_panel_on is None:
                rapid_due = add_working_days(rapid.started_on or case.aware_on, 15, closed)
                rapid_left = working_days_between(today, rapid_due, closed)
            found[case.reference] = Expected(
                reference=case.reference, stage=case.stage.label,
                next=deadlines[0] if deadlines else None,
                overdue=[d for d in deadlines if d.overdue], aware_on=case.aware_on,
                rapid_due=rapid_due, rapid_left=rapid_left,
                unsigned=3 - len(rapid.sign_offs) if rapid is not None else 0)
        db.session.remove()
    return found


def test_chair_sees_where_every_case_stands_on_the_board(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    chair = ACCOUNTS[Role.CHAIR]
    expected = board_expectations(live_server, chair.email)
    demo = {"Child S", "Child T", "Child P", "Child N", "Child Q"}
    assert demo <= set(expected), f"the chair should see the demo's open cases: {expected}"
    assert "Child L" not in expected  # closed

    page, watch = watched(new_context(Role.CHAIR))
    page.goto(live_server("/"))
    main_menu(page, "Case reviews")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    expect(row_of(page, "Child L")).to_contain_text("Closed")  # the list has closed cases
    page.get_by_role("link", name="The board: where every open case stands").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case reviews board")
    board = page.locator("table.app-board")
    expect(board.locator("tbody tr")).to_have_count(len(expected))
    expect(row_of(page, "Child L")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(f"{len(expected)} open cases; ")

    for reference, case in expected.items():
        row = row_of(page, reference)
        cells = row.locator("td")
        expect(row.locator("th")).to_contain_text(case.stage)
        if case.next is None:
            expect(cells.nth(0)).to_have_text("No open deadline")
            expect(cells.nth(1)).to_have_text("")
        else:
            expect(cells.nth(0)).to_contain_text(case.next.name)
            expect(cells.nth(0)).to_contain_text(f"due {short(case.next.due)}")
            expect(cells.nth(1)).to_have_text(left_in_words(case.next))
        for deadline in case.overdue:
            expect(cells.nth(2)).to_contain_text(
                f"{deadline.name}: due {long_date(deadline.due)}, "
                f"{left_in_words(deadline).lower()}")

    # Child S: the Rapid Review is late, by the working days counted from its start, and
    # one partner has still to sign it off.
    late = expected["Child S"]
    assert late.rapid_due is not None and late.rapid_left is not None and late.rapid_left < 0
    s_row = row_of(page, "Child S")
    overdue_words = f"{-late.rapid_left} working day{'s' if late.rapid_left != -1 else ''} overdue"
    expect(s_row.locator("td").nth(2)).to_contain_text(
        f"Rapid Review: due {long_date(late.rapid_due)}, {overdue_words}")
    expect(s_row.locator("td").nth(2).locator("li").filter(
        has_text="Rapid Review sign-off missing from")).to_have_count(late.unsigned)
    assert late.unsigned == 1
    s_row.get_by_text("Timeline").click()
    timeline = s_row.locator(".app-timeline")
    expect(timeline).to_contain_text(
        f"{short(late.aware_on)}: Partners became aware of the serious incident")
    expect(timeline).to_contain_text("Notified to the national panel (late)")

    # Child T: days left on the Rapid Review, but the GP's information is overdue.
    t_case = expected["Child T"]
    assert t_case.rapid_left is not None and t_case.rapid_left > 0
    assert any(d.name.startswith("Information from ") for d in t_case.overdue)
    expect(row_of(page, "Child T")).to_contain_text("Rapid Review")

    # Child P: the local review waits for its draft, due in a few days.
    p_case = expected["Child P"]
    assert p_case.next is not None and p_case.next.name == "Draft report received"
    assert p_case.next.working_days_left > 0 and not p_case.overdue
    expect(row_of(page, "Child P").locator("td").nth(2)).to_have_text("Nothing overdue")
    p_head = row_of(page, "Child P").locator("th")
    expect(p_head).to_contain_text(COUNTY)
    expect(p_head).to_contain_text("On track for its 6-month target")
    expect(p_head).to_contain_text("Next monitoring check due ")

    # Child N: every deadline met; its action plan has a red action to chase, linked.
    n_row = row_of(page, "Child N")
    expect(n_row.locator("td").nth(0)).to_have_text("No open deadline")
    red = n_row.get_by_role("link", name=re.compile(rf"^Action rated red: {RED_ACTION}"))
    expect(red).to_be_visible()

    # Child Q: referred for a national review, nothing to chase.
    q_row = row_of(page, "Child Q")
    expect(q_row.locator("th")).to_contain_text("Referred for a national review")
    expect(q_row.locator("td").nth(2)).to_have_text("Nothing overdue")

    # Those with something to chase come first.
    chase_cells = board.locator("tbody tr td:nth-child(4)").all_inner_texts()
    flags = [text.strip() != "Nothing overdue" for text in chase_cells]
    assert flags == sorted(flags, reverse=True), flags
    expect(page.locator("main")).to_contain_text(f"; {sum(flags)} with something overdue")
    assert sum(flags) >= 3  # S, T and N at least
    screenshot(page, "review-board")

    red.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(RED_ACTION)
    page.go_back()
    page.get_by_role("link", name="Child S", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Child S")
    expect(page.locator("main")).to_contain_text("Notification late")
    watch.assert_clean()


# --- 2. Child Z, from notification to a published review with its action plan ---------------


@dataclass
class ChildZ:
    """What the journey made, for the checks that follow it."""

    case_url: str
    review_url: str
    action_plan_url: str
    recommendation: str
    action: str


@pytest.fixture(scope="module")
def child_z(browser: Browser, storage_states: Callable[[Role], object],
            live_server: LiveServer) -> Iterator[ChildZ]:
    """The team officer takes Child Z through the service, the partners signing off."""
    context = browser.new_context(storage_state=storage_states(Role.TEAM),
                                  accept_downloads=True)
    try:
        page, watch = watched(context)
        made = take_child_z_through(page, watch, browser, live_server)
        watch.assert_clean()
        yield made
    finally:
        context.close()


def take_child_z_through(page: Page, watch: Watch, browser: Browser,
                         live_server: LiveServer) -> ChildZ:
    today = uk_today()
    aware = today - dt.timedelta(days=28)
    notified = aware + dt.timedelta(days=21)  # more than 5 working days, whatever the holidays
    decided = today - dt.timedelta(days=7)

    # Record the case: the NHS number in the summary is refused beside the field.
    page.goto(live_server("/"))
    main_menu(page, "Case reviews")
    page.get_by_role("link", name="Record a case").click()
    page.get_by_label(COUNTY, exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a case")
    page.get_by_label("Case reference").fill(CHILD_Z)
    page.get_by_label("Group that reviews the case").select_option(label=GROUP)
    page.get_by_label("Serious harm", exact=True).check()
    fill_date(page, "Date the partners became aware", aware)
    for agency in ("Wessexshire Constabulary",
                   "Wessexshire County Council, Children and Families"):
        page.get_by_label(agency, exact=True).check()
    summary = page.get_by_label("Short summary")
    summary.fill(f"A 14-year-old was seriously injured after going missing. NHS number "
                 f"{NHS_NUMBER}.")
    page.get_by_role("button", name="Save case").click()
    expect(page).to_have_title(re.compile(r"^Error: Record a case"))
    expect(error_next_to(page, summary)).to_contain_text("Remove the NHS number")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Remove the NHS number")
    expect(page.get_by_label("Case reference")).to_have_value(CHILD_Z)
    summary.fill("A 14-year-old was seriously injured after going missing from home; "
                 "exploitation is suspected.")
    page.get_by_role("button", name="Save case").click()
    expect(success(page)).to_contain_text(f"{CHILD_Z} recorded")
    expect(page.get_by_role("heading", level=1)).to_have_text(CHILD_Z)
    expect(page.locator("main")).to_contain_text("Serious incident notification")
    case_url = page.url

    # The notification: late, so the reason is asked for.
    page.get_by_role("link", name="Record the notification").click()
    fill_date(page, "Date notified to the national panel", notified)
    page.get_by_role("button", name="Save notification").click()
    reason = page.get_by_label("Reason the notification was late")
    expect(error_next_to(page, reason)).to_contain_text(
        "Give the reason the notification was late")
    reason.fill("The link to exploitation was made only at the second strategy discussion.")
    page.get_by_role("button", name="Save notification").click()
    expect(success(page)).to_contain_text("Notification recorded as late")
    expect(page.locator("main")).to_contain_text("Notification late")

    # The next stage: only the allowed move is offered; a forged jump is refused in words.
    page.get_by_role("button", name="Move to the next stage").click()
    choices = page.locator("input[name=stage]")
    expect(choices).to_have_count(1)
    expect(page.get_by_label("Rapid Review", exact=True)).to_be_visible()
    page.get_by_label("Rapid Review", exact=True).evaluate("radio => radio.value = 'action_plan'")
    page.get_by_label("Rapid Review", exact=True).check()
    page.get_by_role("button", name="Move the case").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "A case at Serious incident notification cannot move to Action plan being "
        "delivered; it can move to Rapid Review")
    page.get_by_label("Rapid Review", exact=True).check()
    page.get_by_role("button", name="Move the case").click()
    expect(success(page)).to_contain_text(
        f"{CHILD_Z} moved from Serious incident notification to Rapid Review")

    # Information from an agency: asked for, then received.
    # (Under load a click landing as the success banner takes focus can be lost: the
    # request form's own address is what the link leads to, so follow it if so.)
    link = page.get_by_role("link", name="Request information from an agency")
    address = link.get_attribute("href")
    link.click()
    try:
        page.wait_for_url(f"**{address}", timeout=5000)
    except PlaywrightTimeoutError:
        page.goto(live_server(address))
    page.get_by_label("Agency", exact=True).select_option(label="Wessexshire Constabulary")
    page.get_by_role("button", name="Save the request").click()
    expect(success(page)).to_contain_text("Request to Wessexshire Constabulary added")
    requests = page.get_by_role("table", name="Requests to agencies for information")
    expect(requests.get_by_role("row", name=re.compile("Wessexshire Constabulary"))
           ).to_contain_text("Waiting: due ")
    page.get_by_role("link", name="Change the request to Wessexshire Constabulary").click()
    fill_date(page, "Date received", today)
    page.get_by_role("button", name="Save the request").click()
    expect(success(page)).to_contain_text("Request to Wessexshire Constabulary updated")
    expect(requests.get_by_role("row", name=re.compile("Wessexshire Constabulary"))
           ).to_contain_text(f"Received {long_date(today)}")

    # The analysis and outcome: a date of birth in the analysis is refused beside it.
    page.get_by_role("link", name="Change the analysis, learning and outcome").click()
    analysis = page.get_by_label("Analysis (optional)")
    analysis.fill("The young person (DOB 03/03/2012) went missing four times in six weeks.")
    page.get_by_label("A local child safeguarding practice review", exact=True).check()
    page.get_by_label("Reason for the recommended outcome (optional)").fill(
        "Serious harm, with learning about how agencies share missing episodes.")
    page.get_by_role("button", name="Save the Rapid Review").click()
    expect(page).to_have_title(re.compile(r"^Error: Rapid Review"))
    expect(error_next_to(page, analysis)).to_contain_text("Remove the date of birth")
    screenshot(page, "review-rapid-identifier-error")
    analysis.fill("The young person went missing four times in six weeks; no return "
                  "interview reached the school.")
    fill_date(page, "Date shared with the independent scrutineer", today)
    fill_date(page, "Date sent to the national panel", today)
    page.get_by_role("button", name="Save the Rapid Review").click()
    expect(success(page)).to_contain_text("Rapid Review saved")

    # No step skipped: moving on before the partners have signed is refused, each missing
    # sign-off named, and nothing moves; the team moves on anyway, with a reason (audited,
    # on the timeline), and the partners sign off after.
    page.get_by_role("button", name="Move to the next stage").click()
    page.get_by_label("Local child safeguarding practice review", exact=True).check()
    fill_date(page, "Date of the decision to carry out a local review", decided)
    page.get_by_role("button", name="Move the case").click()
    expect(page).to_have_title(re.compile(r"^Error: Move "))
    still = page.locator("#still-to-do li")
    expect(still).to_have_count(3)
    expect(still.first).to_contain_text("sign-off by ")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"{CHILD_Z} cannot move to Local child safeguarding practice review yet. Still to do: "
        "sign-off by ")
    screenshot(page, "review-stage-refused")
    # (the override's section opens by itself after a refusal, for the team only)
    page.get_by_label("Move the case on before its stage is complete").check()
    page.get_by_label("Reason for moving on before the stage is complete").fill(
        "The partners agreed the local review at today's meeting; their sign-offs follow.")
    page.get_by_role("button", name="Move the case").click()
    expect(success(page)).to_contain_text(
        f"{CHILD_Z} moved from Rapid Review to Local child safeguarding practice review before "
        "its stage was complete")

    # Each partner signs off for their own organisation.
    signers = page.get_by_role("table", name="Each partner's sign-off of the Rapid Review")
    expect(signers.locator("tbody tr")).to_have_count(3)
    expect(signers.get_by_text("Not signed off")).to_have_count(3)
    organisations = set()
    for n, partner in enumerate(PARTNERS, start=1):
        partner_context = browser.new_context()
        try:
            partner_page, partner_watch = watched(partner_context)
            sign_in(partner_page, live_server, partner.email, partner.password)
            partner_page.goto(case_url)
            button = partner_page.get_by_role(
                "button", name="Sign off the Rapid Review for my organisation")
            button.click()
            banner = partner_page.locator(SUCCESS)
            expect(banner).to_contain_text(
                f"You signed off the Rapid Review of {CHILD_Z} for ")
            organisation = banner.inner_text().split(f"of {CHILD_Z} for ", 1)[1].strip()
            organisations.add(organisation)
            row = partner_page.get_by_role(
                "table", name="Each partner's sign-off of the Rapid Review").get_by_role(
                "row", name=re.compile(re.escape(organisation)))
            expect(row).to_contain_text(f"{partner.name}, {today.day} {today:%B %Y}")
            expect(button).to_have_count(0)  # once for their organisation
            partner_watch.assert_clean()
        finally:
            partner_context.close()
        page.reload()
        expect(signers.get_by_text("Not signed off")).to_have_count(3 - n)
    assert len(organisations) == 3, organisations  # each signed for their own

    # The local review: a reviewer, milestones, publication.
    page.get_by_role("link", name="Add a reviewer").click()
    page.get_by_label("Name", exact=True).fill("Dr Ruth Calloway")
    page.get_by_label("Organisation (optional)").fill("Independent safeguarding reviewer")
    fill_date(page, "Date commissioned", decided + dt.timedelta(days=1))
    page.get_by_role("button", name="Save the reviewer").click()
    expect(success(page)).to_contain_text("Dr Ruth Calloway added as a reviewer")

    page.get_by_role("link", name="Change the milestones").click()
    done = {"Draft report received": 5, "Approved by the reviewing group": 4,
            "Presented to the board": 3, "Publication decided": 3,
            "Copies sent before publication": 2}
    for label, days_ago in done.items():
        fill_date(page, f"{label}: date done", today - dt.timedelta(days=days_ago))
    page.get_by_role("button", name="Save the milestones").click()
    expect(success(page)).to_contain_text("Milestones saved")
    milestones = page.get_by_role("table", name="The local review's milestones")
    for label in done:
        expect(milestones.get_by_role("row", name=re.compile(f"^{label}"))).not_to_contain_text(
            "Overdue")

    url = "https://www.wessexshire-scp.example/reviews/child-z"
    page.get_by_role("link", name="Record the publication decision").click()
    page.get_by_label("Publish", exact=True).check()
    page.get_by_label("Risks to the child's or others' welfare").fill(
        "The family live in the county; the school is not named.")
    page.get_by_label("Reason for the decision").fill("The learning is for every agency.")
    fill_date(page, "Date published", today)
    page.get_by_label("Address of the published report (optional)").fill(url)
    page.get_by_role("button", name="Save the publication decision").click()
    expect(success(page)).to_contain_text("Publication decision saved")
    expect(page.get_by_role("link", name="The published report")).to_have_attribute("href", url)
    expect(milestones.get_by_role("row", name=re.compile("^Published"))).not_to_contain_text(
        "Overdue")

    page.get_by_role("button", name="Move to the next stage").click()
    page.get_by_label("Action plan being delivered", exact=True).check()
    page.get_by_role("button", name="Move the case").click()
    expect(success(page)).to_contain_text(
        f"{CHILD_Z} moved from Local child safeguarding practice review to Action plan "
        "being delivered")

    # The review's recommendations, from the case page: one with a theme, and an action.
    page.get_by_role("button", name="Record recommendations of the local review").click()
    title = f"Local child safeguarding practice review: {CHILD_Z}"
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    review_url = page.url
    page.get_by_role("button", name="Add a recommendation").click()
    expect(page.get_by_label("Number")).to_have_value("1")
    recommendation = ("Schools should be told of every missing episode of a pupil the same "
                      "working day.")
    page.get_by_label("Recommendation", exact=True).fill(recommendation)
    page.get_by_label("Local", exact=True).check()
    page.get_by_role("group", name="Agencies it is addressed to").get_by_label(
        "Wessexshire Constabulary", exact=True).check()
    page.get_by_role("group", name="Learning themes").get_by_label(
        "Information sharing", exact=True).check()
    page.get_by_label("Agency response (optional)").fill("Accepted by the police.")
    page.get_by_role("button", name="Save").click()
    expect(success(page)).to_contain_text("Recommendation 1 added")
    card = page.locator("#recommendation-1")
    expect(card).to_contain_text(recommendation)
    expect(card).to_contain_text("Information sharing")

    action = "Send the school a same-day notice of every missing episode (Child Z review)"
    card.get_by_role("link", name="Add an action on recommendation 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an action")
    expect(page.get_by_label("Lead agency").locator("option:checked")).to_have_text(
        "Wessexshire Constabulary")
    page.get_by_label("Title").fill(action)
    fill_date(page, "Target date", today + dt.timedelta(days=90))
    page.get_by_role("button", name="Save").click()
    expect(success(page)).to_contain_text(f"Action added: {action}")
    came_from = page.locator(".govuk-summary-list__row").filter(has_text="Where it came from")
    came_from.get_by_role("link").click()
    expect(page).to_have_url(re.compile(re.escape(review_url) + "#recommendation-1$"))
    expect(page.locator("#recommendation-1").get_by_role("link", name=action)).to_be_visible()

    page.get_by_role("link", name="Multi-agency action plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return ChildZ(case_url=case_url, review_url=review_url, action_plan_url=page.url,
                  recommendation=recommendation, action=action)


def test_a_case_goes_from_notification_to_a_published_review_and_action_plan(
    live_server: LiveServer, child_z: ChildZ, new_context: Callable[..., BrowserContext]
) -> None:
    page, watch = watched(new_context(Role.TEAM))
    today = uk_today()

    # The action plan: one page, and the same as a PDF.
    page.goto(child_z.action_plan_url)
    plan = page.get_by_role("table", name="The action plan")
    rec = plan.locator("#recommendation-1")
    expect(rec).to_contain_text(child_z.recommendation)
    expect(rec.get_by_role("link", name=child_z.action)).to_be_visible()
    expect(rec).to_contain_text("Wessexshire Constabulary")
    expect(rec).to_contain_text("Accepted by the police.")
    screenshot(page, "review-action-plan")
    pdf_link = page.get_by_role("link", name="Open the action plan as a PDF")
    pdf_url = live_server(pdf_link.get_attribute("href") or "")
    # "Being prepared" first (the page reloads itself), then the PDF the worker rendered.
    with page.expect_response(lambda r: "/action-plan.pdf" in r.url and r.status != 202,
                              timeout=90_000) as opened:
        pdf_link.click()
    assert opened.value.status == 200
    assert opened.value.headers["content-type"] == "application/pdf"
    pdf = page.request.get(pdf_url).body()
    assert pdf.startswith(b"%PDF")
    text = " ".join(pdf_text(pdf).split())
    assert f"Local child safeguarding practice review: {CHILD_Z}" in text
    for words in ("Schools should be told of every missing episode", "same working day",
                  "Send the school a same-day notice"):
        assert words in text, f"{words!r} not in the PDF: {text[:2000]}"
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("review-action-plan-pdf-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-",
                    str(SCREENSHOTS / "review-action-plan-pdf")],
                   input=pdf, check=True, timeout=60)

    # The case page at the end: every step on it, its deadlines met.
    page.goto(child_z.case_url)
    main = page.locator("main")
    expect(main.locator(".govuk-tag").first).to_have_text("Action plan being delivered")
    signed = page.get_by_role("table", name="Each partner's sign-off of the Rapid Review")
    for partner in PARTNERS:
        expect(signed).to_contain_text(f"{partner.name}, {today.day} {today:%B %Y}")
    reviewer = main.locator("#reviewers + ul li")
    expect(reviewer).to_contain_text("Dr Ruth Calloway, Independent safeguarding reviewer")
    expect(reviewer).to_contain_text(re.compile(r"commissioned \d{1,2} [A-Z][a-z]+ \d{4} Change"))
    deadlines = page.get_by_role("table", name="The case's deadlines, soonest first")
    expect(deadlines.get_by_role("row", name=re.compile("^Serious incident notification"))
           ).to_contain_text("Late")
    expect(deadlines.get_by_role("row", name=re.compile("^Local review completed and "
                                                        "published"))).to_contain_text(
        f"Met {short(today)}")
    timeline = page.locator("#timeline + .app-timeline")
    expect(timeline).to_contain_text("Notified to the national panel (late)")
    expect(timeline).to_contain_text("Decision to carry out a local review")
    expect(timeline).to_contain_text(
        "by the partnership team before the stage was complete (still to do: sign-off by ")
    expect(main.get_by_role("link", name=re.compile(
        rf"^Local child safeguarding practice review: {CHILD_Z}$"))).to_be_visible()
    screenshot(page, "review-case-child-z")

    # The Rapid Review document: the panel's sections, in the panel's order.
    rapid_link = page.get_by_role("link", name=re.compile(r"^The Rapid Review document \(PDF\)"))
    rapid_url = live_server(rapid_link.get_attribute("href") or "")
    with page.expect_response(lambda r: "/rapid-review.pdf" in r.url and r.status != 202,
                              timeout=90_000) as opened:
        rapid_link.click()
    assert opened.value.status == 200
    rapid_pdf = page.request.get(rapid_url + "?download=1").body()
    rapid_text = " ".join(pdf_text(rapid_pdf).split())
    with live_server.app.app_context():
        headings = [h for _, h in live_server.app.config["REVIEWS_RAPID_REVIEW_SECTIONS"]]
    places = [rapid_text.find(f"{n}. {h.split(':')[0]}") for n, h in enumerate(headings, 1)]
    assert -1 not in places and places == sorted(places), (places, rapid_text[:1500])
    assert "no return interview reached the school" in rapid_text
    for old in SCREENSHOTS.glob("review-rapid-pdf-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-",
                    str(SCREENSHOTS / "review-rapid-pdf")],
                   input=rapid_pdf, check=True, timeout=60)

    # The NHS England tracker export opens as a spreadsheet with the tracker's columns.
    page.goto(live_server("/cases"))
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="download the reviews as a spreadsheet (XLSX)").click()
    assert downloaded.value.suggested_filename.endswith(".xlsx")
    with open(downloaded.value.path(), "rb") as handle:
        sheet = load_workbook(handle).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    with live_server.app.app_context():
        columns = [h for h, _ in live_server.app.config["REVIEWS_TRACKER_COLUMNS"]]
    assert rows[0] == columns
    z_row = dict(zip(columns, next(r for r in rows if r[0] == CHILD_Z), strict=True))
    assert z_row["Rapid Review converted to a local review"] == "Yes"
    assert z_row["Link to the published report"] == (
        "https://www.wessexshire-scp.example/reviews/child-z")

    # How the demo's Child N review shared its learning, linked to its recommendations.
    with live_server.app.app_context():
        n_review = db.session.scalar(db.select(Review.id).where(
            Review.title == "Local child safeguarding practice review: Child N"))
        db.session.remove()
    page.goto(live_server(f"/learning/{n_review}#learning-shared"))
    shared = page.get_by_role("table", name="How the review's learning was shared")
    expect(shared.locator("tbody tr")).to_have_count(3)
    expect(shared).to_contain_text("410 people reached")
    screenshot(page, "review-learning-shared")
    watch.assert_clean()


# --- 3. Need-to-know -------------------------------------------------------------------------


def test_outsiders_cannot_find_the_case_by_list_url_board_search_or_export(
    live_server: LiveServer, child_z: ChildZ, new_context: Callable[..., BrowserContext]
) -> None:
    # The agency lead sees the case they were added to (Child S), and nothing of Child Z.
    page = new_context(Role.AGENCY, accept_downloads=True).new_page()
    page.goto(live_server("/"))
    main_menu(page, "Case reviews")
    expect(page.get_by_role("link", name="Child S", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=CHILD_Z, exact=True)).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(CHILD_Z)

    for url in (child_z.case_url, child_z.review_url, child_z.action_plan_url):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        expect(page.locator("main")).not_to_contain_text(CHILD_Z)

    page.goto(live_server("/cases/board"))
    expect(row_of(page, "Child S")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text(CHILD_Z)

    search = "/actions?" + urlencode({"search": child_z.action})
    page.goto(live_server(search))
    expect(page.locator("#results")).to_have_text("0 actions match these filters")
    expect(page.get_by_role("link", name=child_z.action)).to_have_count(0)
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Download CSV of these actions").click()
    with open(downloaded.value.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["ID", "Reference"] and len(rows) == 1, rows

    # The team finds the action with the same search (the search itself works).
    team = new_context(Role.TEAM).new_page()
    team.goto(live_server(search))
    expect(team.locator("#results")).to_have_text(re.compile(r"^1 action "))
    expect(team.get_by_role("link", name=child_z.action)).to_be_visible()

    # The scrutineer reads the action plan, but not the case.
    scrutineer = new_context(Role.SCRUTINEER).new_page()
    response = scrutineer.goto(child_z.action_plan_url)
    assert response is not None and response.status == 200
    expect(scrutineer.get_by_role("table", name="The action plan")).to_contain_text(
        child_z.recommendation)
    response = scrutineer.goto(child_z.case_url)
    assert response is not None and response.status == 404
    expect(scrutineer.locator("main")).not_to_contain_text(CHILD_Z)
