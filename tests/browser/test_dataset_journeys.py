"""The multi-agency dataset in a real browser: the team officer uploads a quarter's figures
from a spreadsheet (a bad file first: every problem named by row and column, nothing
saved), checks and imports them, approves them for publication, and from the executive's
dashboard turns an exception into a tracked action in one step."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from playwright.sync_api import BrowserContext, expect

from partnership import clock
from partnership.actions.models import Action
from partnership.dataset.models import Frequency, Indicator, IndicatorValue
from partnership.dataset.periods import period_of
from partnership.extensions import db
from partnership.policy import Role
from tests.browser.support import ConsoleWatch, LiveServer, screenshot

pytestmark = pytest.mark.browser
HEADINGS = ["Indicator", "Period", "Breakdown", "Category", "Value", "Denominator", "Status"]


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    path.write_bytes(stream.getvalue())
    return path


def _imported(server: LiveServer, reference: str, start: dt.date) -> list[str]:
    with server.app.app_context():
        return [str(n) for n in db.session.scalars(
            sa.select(IndicatorValue.number).join(Indicator)
            .where(Indicator.reference == reference, IndicatorValue.period_start == start))]


def test_a_quarter_of_figures_from_a_spreadsheet_to_an_action(
        live_server: LiveServer, new_context: Callable[..., BrowserContext],
        tmp_path: Path) -> None:
    quarter = period_of(clock.today(), Frequency.QUARTERLY)  # under way: after the demo's
    page = new_context(Role.TEAM).new_page()
    console = ConsoleWatch().attach(page)
    page.goto(live_server("/dataset"))
    page.get_by_role("link", name="Wessexshire Safeguarding Children Partnership").first.click()
    page.get_by_role("link", name="Import figures from a spreadsheet").click()

    # A bad file: an unknown indicator and a period that is no quarter.
    bad = _workbook(tmp_path / "quarter.xlsx", [
        ["CP4", quarter.label, "", "", 60, 200, "Validated"],
        ["ZZ9", quarter.label, "", "", 5, "", "Validated"],
        ["MI3", "Q5 2026-27", "", "", 300, 450, "Validated"]])
    page.get_by_label("Upload a file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("2 problems")
    rows = page.locator("#problems + .app-table-scroll table tbody tr")
    found = [rows.nth(n).locator("td").all_inner_texts()[:2] for n in range(rows.count())]
    assert found == [["3", "Indicator"], ["4", "Period"]]  # rows as the spreadsheet numbers
    assert _imported(live_server, "CP4", quarter.start) == []

    good = _workbook(tmp_path / "quarter.xlsx", [
        ["CP4", quarter.label, "", "", 60, 200, "Validated"],
        ["MI3", quarter.label, "", "", 300, 450, "Validated"]])
    page.get_by_label("Upload a file").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import figures from a spreadsheet")
    page.get_by_role("button", name="Import 2 figures").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("2")
    assert _imported(live_server, "CP4", quarter.start) == ["60.00"]

    # Approved for publication, in one step.
    page.goto(live_server("/partnerships/wscp/dataset/approve"))
    page.get_by_label(f"Approve CP4 {quarter.label}").check()
    page.get_by_role("button", name="Approve the selected figures").click()
    with live_server.app.app_context():
        approved = db.session.scalar(
            sa.select(IndicatorValue.approved_on).join(Indicator)
            .where(Indicator.reference == "CP4", IndicatorValue.period_start == quarter.start))
    assert approved is not None

    # The executive's dashboard: return home interviews are an exception; one step to act.
    page.goto(live_server("/partnerships/wscp/dataset/dashboard"))
    screenshot(page, "dataset-dashboard")
    page.get_by_role("button", name="Raise an action on Return home interviews offered "
                                    "within 72 hours").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change")
    with live_server.app.app_context():
        action = db.session.scalar(sa.select(Action).join(Indicator)
                                   .where(Indicator.reference == "MI3"))
        assert action is not None and quarter.label in action.title
        assert action.source_label.startswith("Multi-agency dataset: MI3")
    assert not console.csp_violations and not console.errors
