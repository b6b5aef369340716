"""A team officer's week in a real browser (issue 4, "Done when"): update a dozen actions
from My actions, see red and stale actions on the dashboard, record a meeting with
attendance, a majority decision and an action arising, import a tracker spreadsheet (told
exactly which rows are wrong when it is bad), and export the plan as PDF and XLSX and a list
as CSV; then a partner confirms their organisation's vote.

Each journey finds its records as a person would (links, labels, roles) on the shared demo
server and creates its own where it changes things, so the journeys run in any order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import BrowserContext, Locator, Page, expect

from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.meetings.models import Decision, Meeting
from partnership.policy import Role
from partnership.register.models import Body, Partnership
from tests.browser.support import (
    ACCOUNTS,
    SCREENSHOTS,
    LiveServer,
    Watch,
    error_next_to,
    fill_date,
    main_menu,
    screenshot,
    success,
    watched,
)
from tests.documents.pdftools import pdf_text

pytestmark = pytest.mark.browser

COUNTY = "Wessexshire Safeguarding Children Partnership"
EXECUTIVE = "Executive Group"
DOZEN = 12


@pytest.fixture
def team_page(new_context: Callable[..., BrowserContext]) -> Iterator[tuple[Page, Watch]]:
    """A page signed in as the team officer, watched; clean when the test ends."""
    page, watch = watched(new_context(Role.TEAM, accept_downloads=True))
    yield page, watch
    watch.assert_clean()


def count_in(text: str, pattern: str) -> int:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in {text!r}"
    return int(found.group(1))


# --- 1. A dozen updates from My actions ------------------------------------------------------


def test_updates_a_dozen_actions_from_my_actions(
    live_server: LiveServer, team_page: tuple[Page, Watch]
) -> None:
    page, _ = team_page
    officer = ACCOUNTS[Role.TEAM]
    page.goto(live_server("/"))
    main_menu(page, "My actions")
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    screenshot(page, "tracker-my-actions")

    quick = page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("button", name=re.compile(r"^Save update")))
    cards = [(card.get_attribute("id"), card.get_by_role("heading", level=3).inner_text())
             for card in quick.all()]
    assert len(cards) > DOZEN, f"the officer has only {len(cards)} open actions to update"

    for n, (card_id, title) in enumerate(cards[:DOZEN], start=1):
        card = page.locator(f"#{card_id}")
        card.get_by_label(f"Status of {title}", exact=True).select_option(label="In progress")
        card.get_by_label(f"% complete of {title}", exact=True).fill(str(5 * n))
        card.get_by_label(f"Progress made on {title}", exact=True).fill(
            f"Week's update {n}: chased the lead and agreed the next step.")
        card.get_by_role("button", name=f"Save update on {title}", exact=True).click()
        expect(page).to_have_url(re.compile(rf"/actions/mine(\?[^#]*)?#{card_id}$"))
        expect(success(page)).to_contain_text(f"Progress recorded: {title}")
        # The page keeps its order while the officer works: the card stays where it was.
        assert [card.get_attribute("id") for card in quick.all()] == [c for c, _ in cards]
        card = page.locator(f"#{card_id}")
        expect(card).to_contain_text(f"In progress, {5 * n}% complete")
        expect(card.locator(".app-saved-note")).to_have_text("Saved")
        if n > 1:  # the one saved before is no longer the one just saved
            expect(page.locator(f"#{cards[n - 2][0]}")).to_contain_text("Updated today")

    # The last one saved, opened: its progress log starts with the update, by the officer.
    card_id, title = cards[DOZEN - 1]
    page.locator(f"#{card_id}").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    latest = page.locator("#progress ~ .govuk-summary-card").first
    expect(latest.get_by_role("heading", level=3)).to_have_text(
        f"{long_date(dt.date.today())}, by {officer.name}")
    expect(latest).to_contain_text(f"Week's update {DOZEN}: chased the lead")
    expect(latest).to_contain_text(f"Status: In progress, {5 * DOZEN}% complete.")
    screenshot(page, "tracker-action")

    # 140% is refused on the full update page, the typed words kept, and nothing saved.
    card_id, title = cards[DOZEN]
    page.goto(live_server("/actions/mine"))
    card = page.locator(f"#{card_id}")
    card.get_by_label(f"% complete of {title}", exact=True).fill("140")
    card.get_by_label(f"Progress made on {title}", exact=True).fill("Nearly there, I think.")
    card.get_by_role("button", name=f"Save update on {title}", exact=True).click()
    expect(page).to_have_url(re.compile(r"/actions/\d+/update$"))
    expect(page).to_have_title(re.compile(r"^Error: Record progress on "))
    percent = page.get_by_label("% complete (optional)")
    expect(percent).to_have_value("140")
    expect(error_next_to(page, percent)).to_contain_text(
        "% complete must be between 0 and 100")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "% complete must be between 0 and 100")
    expect(page.get_by_label("Progress made")).to_have_value("Nearly there, I think.")
    page.get_by_role("link", name="Back to the action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("main")).not_to_contain_text("Nearly there, I think.")


# --- 2. The dashboard: red and stale ---------------------------------------------------------


def dashboard_count(page: Page, link: str) -> int:
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=link))
    return int(row.locator("td").first.inner_text())


def list_total(page: Page) -> int:
    return count_in(page.locator("#results").inner_text(), r"^(\d+) actions?")


def rating_cells(page: Page) -> Locator:
    table = page.locator("table").filter(has=page.get_by_role("columnheader", name="Rating"))
    headings = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    column = headings.index("Rating") + 1
    return table.locator(f"tbody tr > :nth-child({column})")


def test_dashboard_shows_red_and_stale_actions(
    live_server: LiveServer, team_page: tuple[Page, Watch]
) -> None:
    page, _ = team_page
    page.goto(live_server("/"))
    expect(page.get_by_role("heading", name="Actions needing attention")).to_be_visible()
    screenshot(page, "tracker-home-team")
    red = dashboard_count(page, "See the red actions")
    stale = dashboard_count(page, "See the actions waiting for an update")
    assert red > 0 and stale > 0, "the demo should have red and update-overdue actions"

    page.get_by_role("link", name="See the red actions").click()
    expect(page).to_have_url(re.compile(r"/actions\?.*rag=red"))
    expect(page.get_by_label("Rating")).to_have_value("red")
    assert list_total(page) == red
    ratings = rating_cells(page)
    expect(ratings).to_have_count(min(red, live_server.app.config["PAGE_SIZE"]))
    for text in ratings.all_inner_texts():
        assert text.startswith("Red"), text
    screenshot(page, "tracker-action-list-red")

    page.goto(live_server("/"))
    page.get_by_role("link", name="See the actions waiting for an update").click()
    expect(page.get_by_label("Only actions waiting too long for an update")).to_be_checked()
    assert list_total(page) == stale
    for text in rating_cells(page).all_inner_texts():
        assert "Update overdue" in text, text

    page.goto(live_server("/"))  # and the week's meetings are a click away
    page.get_by_role("link", name="See the meetings in the next 8 weeks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    expect(page.get_by_role("heading", name="In the next 8 weeks")).to_be_visible()


# --- 3. A meeting: attendance, a majority decision, an action arising ------------------------


def free_day_of(live_server: LiveServer, body_name: str) -> dt.date:
    """A recent day on which the county's body has no meeting yet (one meeting a day)."""
    with live_server.app.app_context():
        taken = set(db.session.scalars(
            sa.select(Meeting.held_on).join(Body, Meeting.body_id == Body.id)
            .join(Partnership, Body.partnership_id == Partnership.id)
            .where(Body.name == body_name, Partnership.name == COUNTY)))
        db.session.remove()
    return next(day for n in range(1, 60)
                if (day := dt.date.today() - dt.timedelta(days=n)) not in taken)


def test_records_a_meeting_with_attendance_a_majority_decision_and_an_action(
    live_server: LiveServer, team_page: tuple[Page, Watch]
) -> None:
    page, _ = team_page
    held_on = free_day_of(live_server, EXECUTIVE)
    page.goto(live_server("/"))
    main_menu(page, "Partnerships")
    page.get_by_role("link", name=COUNTY, exact=True).click()
    page.get_by_role("link", name="Boards, groups and panels").click()
    page.get_by_role("link", name=EXECUTIVE, exact=True).click()
    page.get_by_role("link", name=f"Meetings of {EXECUTIVE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Meetings in "))
    expect(page.locator(".govuk-caption-l")).to_have_text(EXECUTIVE)

    # Add the meeting: held yesterday (or the latest free day).
    page.get_by_role("button", name="Add a meeting").click()
    fill_date(page, "Date", held_on)
    page.get_by_label("Start time (optional)").fill("10:30")
    page.get_by_label("Where (optional)").fill("Room 4, Allchester Police Station")
    page.get_by_label("Held", exact=True).check()
    page.get_by_role("button", name="Save meeting").click()
    expect(success(page)).to_contain_text(f"Meeting on {long_date(held_on)} added")
    expect(page.get_by_role("heading", level=1)).to_contain_text(long_date(held_on))
    meeting_url = page.url

    # Attendance for every member agency, in one form.
    page.get_by_role("button", name="Record attendance").click()
    groups = page.locator("form fieldset")
    agencies = [legend.strip() for legend in groups.locator("legend").all_inner_texts()]
    assert len(agencies) >= 3, agencies
    for n, agency in enumerate(agencies):
        group = page.get_by_role("group", name=agency, exact=True)
        choice = {1: "Sent a deputy", 2: "Apologies given"}.get(n, "Present")
        group.get_by_label(choice, exact=True).check()
    page.get_by_label(f"Who attended for {agencies[1]} (optional)").fill(
        "Jo Pike, deputy head of service")
    page.get_by_label(f"Reason for absence of {agencies[2]}", exact=True).fill("On leave")
    page.get_by_role("button", name="Save attendance").click()
    expect(success(page)).to_contain_text("Attendance saved")
    attendance = page.get_by_role("table", name="How each member agency was represented")
    expect(attendance.locator("tbody tr")).to_have_count(len(agencies))
    expect(attendance.get_by_role("row", name=agencies[1])).to_contain_text(
        "Sent a deputy Jo Pike, deputy head of service")
    expect(attendance.get_by_role("row", name=agencies[2])).to_contain_text("Apologies given")

    # A majority decision: refused without the partners' votes, saved with them.
    decision = "Agreed to fund a second independent reviewer for the next year."
    page.get_by_role("button", name="Record a decision").click()
    page.get_by_label("Decision", exact=True).fill(decision)
    page.get_by_label("Majority vote of the three safeguarding partners").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page).to_have_title(re.compile(r"^Error: Record a decision"))
    vote_groups = page.locator("fieldset").filter(has=page.get_by_label("Abstained"))
    expect(vote_groups).to_have_count(3)
    for k in range(3):
        expect(vote_groups.nth(k).locator(".govuk-error-message")).to_contain_text(
            "a majority decision needs the votes of all three safeguarding partners")
    expect(page.get_by_label("Decision", exact=True)).to_have_value(decision)
    page.get_by_role("link", name="Back to the meeting").click()
    expect(page.locator("#decisions ~ p").first).to_have_text("No decisions recorded yet.")

    page.get_by_role("button", name="Record a decision").click()
    page.get_by_label("Decision", exact=True).fill(decision)
    page.get_by_label("Majority vote of the three safeguarding partners").check()
    for k, choice in enumerate(("For", "For", "Against")):
        vote_groups.nth(k).get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Save decision").click()
    expect(success(page)).to_contain_text("Decision recorded")
    recorded = page.locator(".app-decision").filter(has_text=decision)
    expect(recorded).to_contain_text("Majority vote of the three safeguarding partners.")
    expect(recorded).to_contain_text("Carried")
    votes = recorded.get_by_role("table").locator("tbody tr")
    expect(votes).to_have_count(3)
    expect(votes.filter(has_text="Against")).to_have_count(1)
    expect(votes.filter(has_text="Not confirmed yet")).to_have_count(3)

    # An action arising: the form starts from the meeting.
    title = f"Write the reviewer's brief (meeting of {long_date(held_on)})"
    page.get_by_role("button", name="Add an action arising").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an action")
    expect(page.locator("main")).to_contain_text(f"Action arising: {EXECUTIVE}")
    expect(page.get_by_label("Owning body").locator("option:checked")).to_have_text(EXECUTIVE)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Lead agency").select_option(label="Wessexshire Constabulary")
    fill_date(page, "Target date", dt.date.today() + dt.timedelta(days=40))
    page.get_by_role("button", name="Save").click()
    expect(success(page)).to_contain_text(f"Action added: {title}")
    came_from = page.locator(".govuk-summary-list__row").filter(has_text="Where it came from")
    came_from.get_by_role("link").click()
    expect(page).to_have_url(meeting_url)

    arising = page.get_by_role("table", name="Actions arising from this meeting")
    expect(arising.get_by_role("link", name=title)).to_be_visible()
    expect(page.locator(".app-decision").filter(has_text=decision)).to_contain_text("Carried")
    screenshot(page, "tracker-meeting")

    page.get_by_role("link", name=f"Back to the meetings of {EXECUTIVE}").click()
    page.get_by_role("link", name=re.compile(r"^Attendance by agency")).click()
    table = page.get_by_role("table")
    for agency in agencies:
        expect(table.get_by_role("row", name=re.compile(re.escape(agency)))).to_have_count(1)
    screenshot(page, "tracker-attendance-by-agency")


# --- 4. Importing a tracker spreadsheet ------------------------------------------------------

HEADINGS = ["Action", "Ref", "Owner", "Lead agency", "Due date", "Status", "Progress"]


def tracker_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADINGS)
        writer.writerows(rows)
    return path


def upload(page: Page, live_server: LiveServer, path: Path) -> None:
    """From the action list to the preview: upload for the county's plan, map the columns."""
    page.goto(live_server("/"))
    main_menu(page, "Actions")
    page.get_by_role("link", name="Import a tracker spreadsheet").click()
    plan = page.get_by_label("Plan", exact=True)
    county_plan = plan.locator("option", has_text=COUNTY).first.inner_text()
    plan.select_option(label=county_plan)
    page.get_by_label("Tracker spreadsheet").set_input_files(path)
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Match the columns")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Action")  # suggested
    page.get_by_label("Owning body").select_option("Owner")  # not suggested: "Owner"
    page.get_by_role("button", name="Save and check the rows").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the rows")


def test_imports_a_tracker_and_is_told_which_rows_are_wrong(
    live_server: LiveServer, team_page: tuple[Page, Watch], tmp_path: Path
) -> None:
    page, _ = team_page
    due = dt.date.today() + dt.timedelta(days=60)
    good = [
        ["Imported: map early help offers by district", "A1", "Scrutiny Group",
         "Wessexshire Constabulary", f"{due:%d/%m/%Y}", "In progress", "Scoping started."],
        ["Imported: refresh the escalation policy", "A2", "Executive Group",
         "Wessexshire County Council, Children and Families", f"{due:%d/%m/%Y}",
         "Not started", ""],
        ["Imported: audit strategy discussions", "", "Scrutiny Group", "", f"{due:%Y-%m-%d}",
         "", ""],
        ["Imported: publish the neglect toolkit", "A1", "Education Group",
         "Wessexshire Constabulary", "", "Complete", "Published in the summer."],
    ]
    bad = [list(row) for row in good]
    bad[1][4] = "31/13/2026"  # spreadsheet row 3
    bad[3][3] = "Wessexshire Fire Brigade"  # row 5
    upload(page, live_server, tracker_csv(tmp_path / "tracker-bad.csv", bad))

    expect(page).to_have_title(re.compile(r"^Error: Check the rows"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "2 rows of tracker-bad.csv have problems")
    expect(page.locator("#bad-rows")).to_have_text("2")
    problems = page.get_by_role("table", name=re.compile("Each problem, by its row"))
    expect(problems.locator("tbody tr")).to_have_count(2)
    expect(problems.locator("tbody tr").nth(0)).to_contain_text(
        "Row 3, Due date: '31/13/2026' is not a date")
    expect(problems.locator("tbody tr").nth(1)).to_contain_text(
        "Row 5, Lead agency: no agency called 'Wessexshire Fire Brigade'")
    expect(page.get_by_role("button", name=re.compile(r"^Import"))).to_have_count(0)
    screenshot(page, "tracker-import-preview-errors")

    upload(page, live_server, tracker_csv(tmp_path / "tracker-good.csv", good))
    expect(page.locator("#good-rows")).to_have_text("4")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    page.get_by_role("button", name="Import 4 actions").click()
    expect(success(page)).to_contain_text("4 actions imported from tracker-good.csv into ")

    page.get_by_label("Search titles and detail").fill("Imported:")
    page.get_by_role("button", name="Show actions").click()
    expect(page.locator("#results")).to_have_text("4 actions match these filters")
    for row in good:
        expect(page.get_by_role("link", name=row[0], exact=True)).to_be_visible()


# --- 5. Exports: the plan as PDF and XLSX, a list as CSV -------------------------------------


def test_exports_the_plan_as_pdf_and_xlsx_and_a_list_as_csv(
    live_server: LiveServer, team_page: tuple[Page, Watch]
) -> None:
    page, _ = team_page
    page.goto(live_server("/"))
    main_menu(page, "Business plans")
    row = page.get_by_role("row").filter(has_text=COUNTY)
    row.get_by_role("link", name=re.compile(r"^Business Plan ")).click()
    heading = page.get_by_role("heading", level=1).inner_text()  # "<plan title>: <year>"
    year = heading.rsplit(": ", 1)[1]
    glance = page.locator("h2", has_text=f"{year} at a glance")
    expect(glance).to_be_visible()
    total = count_in(page.locator("h2 + .app-rollup + p").first.inner_text(),
                     r"^(\d+) actions?")
    screenshot(page, "tracker-plan")

    # The PDF opens in the browser (after "being prepared" while the worker renders it: the
    # page reloads itself); the same address then gives the file.
    plan_url = page.url
    pdf_link = page.get_by_role("link", name=f"The plan for {year} as a PDF")
    pdf_url = live_server(pdf_link.get_attribute("href") or "")
    with page.expect_response(lambda r: "/plan.pdf" in r.url and r.status != 202,
                              timeout=90_000) as opened:
        pdf_link.click()
    assert opened.value.status == 200
    assert opened.value.headers["content-type"] == "application/pdf"
    pdf = page.request.get(pdf_url).body()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Responding to neglect" in text
    assert year in text
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("tracker-plan-pdf-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-", str(SCREENSHOTS / "tracker-plan-pdf")],
                   input=pdf, check=True, timeout=60)
    page.goto(plan_url)  # not back: the history holds the "being prepared" page too

    # This year's actions as a workbook: a header row, then one row per action.
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="This year's actions as a spreadsheet (XLSX)").click()
    assert downloaded.value.suggested_filename.endswith(".xlsx")
    workbook = io.BytesIO(downloaded.value.path().read_bytes())  # its temp name has no .xlsx
    sheet = load_workbook(workbook, read_only=True).worksheets[0]
    rows = [r for r in sheet.iter_rows(values_only=True) if any(c is not None for c in r)]
    assert rows[0][:4] == ("ID", "Reference", "Source", "Title")
    assert "RAG" in rows[0]
    assert len(rows) - 1 == total
    years = {r[rows[0].index("Year")] for r in rows[1:]}
    assert years == {year}

    # An objective's page, then the list of every action as CSV.
    page.get_by_role("link", name=re.compile(r"^A1 Responding to neglect")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Responding to neglect")
    screenshot(page, "tracker-objective")

    main_menu(page, "Actions")
    listed = list_total(page)
    screenshot(page, "tracker-action-list")
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Download CSV of these actions").click()
    assert downloaded.value.suggested_filename.endswith(".csv")
    with open(downloaded.value.path(), encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0][:4] == ["ID", "Reference", "Source", "Title"]
    assert len(table) - 1 == listed


# --- 6. A partner confirms their organisation's vote -----------------------------------------

BUDGET = "Agreed to ask every contributing agency for a 3% rise in its contribution"


def test_partner_confirms_their_vote(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    partner = ACCOUNTS[Role.PARTNER]
    with live_server.app.app_context():
        decision = db.session.scalar(sa.select(Decision).where(Decision.text.startswith(BUDGET)))
        assert decision is not None, "the demo's latest majority decision is missing"
        held_on = decision.meeting.held_on
        db.session.remove()
    page, watch = watched(new_context(Role.PARTNER))
    page.goto(live_server("/"))
    main_menu(page, "Meetings")
    # (the date is visually hidden: Chromium names the link "Executive Group , 21 October 2026")
    page.get_by_role("link", name=re.compile(rf"^{EXECUTIVE}\s*, {long_date(held_on)}$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(long_date(held_on))

    block = page.locator(".app-decision").filter(has_text=BUDGET)
    mine = block.get_by_role("row").filter(has=page.get_by_role("button"))
    expect(mine).to_have_count(1)  # only their own organisation's vote
    organisation = mine.get_by_role("rowheader").inner_text()
    choice = mine.locator("td").first.inner_text()
    mine.get_by_role("button", name=re.compile(r"^Confirm our vote")).click()
    expect(success(page)).to_contain_text(
        f"You confirmed that {organisation} voted “{choice.lower()}”")
    block = page.locator(".app-decision").filter(has_text=BUDGET)
    confirmed = block.get_by_role("row").filter(has_text=organisation)
    expect(confirmed).to_contain_text(f"{partner.name}, {long_date(dt.date.today())} at ")
    expect(confirmed.get_by_role("button")).to_have_count(0)
    watch.assert_clean()
