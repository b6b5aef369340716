"""Importing figures from a spreadsheet: a year of quarterly figures for 30 indicators from one
workbook, checked row by row and previewed before one confirmation saves them all; a bad file
refused with every problem located and nothing saved; an agency imports only its own
indicators; a second click imports nothing twice; the template lists what the reader may
enter."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook
from werkzeug.test import TestResponse

from partnership.accounts.models import User
from partnership.dataset.models import (
    Dimension,
    IndicatorValue,
    Subject,
    Unit,
    ValueStatus,
)
from partnership.extensions import db
from partnership.policy import Role
from tests.dataset.test_entry_builders import (
    BASE,
    Q2,
    add_indicator,
    add_value,
    agency_user,
    csv,
    values_of,
    world,
    xlsx,
)
from tests.support.client import BrowserLikeClient, csrf_token_from, page

# Pages, forms, imports and rules in Python: the queries under them run on PostgreSQL
# in their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

HEADINGS = ["Indicator reference", "Period", "Breakdown", "Category", "Value", "Denominator",
            "Status", "Note"]
QUARTERS = ["Q1 2025-26", "Q2 2025-26", "Q3 2025-26", "Q4 2025-26"]


@pytest.fixture
def ids(app: Flask) -> dict[str, int]:
    return world(app)


def upload(client: BrowserLikeClient, content: bytes, name: str = "figures.xlsx") -> TestResponse:
    return client.submit(f"{BASE}/import", {"spreadsheet": (io.BytesIO(content), name)},
                         content_type="multipart/form-data")


def confirm(client: BrowserLikeClient, preview: TestResponse) -> TestResponse:
    soup = page(preview)
    form = soup.find("form", attrs={"action": f"{BASE}/import/confirm"})
    assert form is not None, soup.get_text(" ", strip=True)[:2000]
    data: dict[str, Any] = {field["name"]: field.get("value", "")
                            for field in form.find_all("input", attrs={"type": "hidden"})}
    return client.post(f"{BASE}/import/confirm", data=data, follow_redirects=True)


def problems_of(response: TestResponse) -> list[str]:
    return [row.select("td")[2].get_text(" ", strip=True)
            for row in page(response).select("#problems ~ .app-table-scroll table tbody tr")]


def test_a_data_officer_loads_a_year_of_quarterly_figures_for_30_indicators(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    for n in range(1, 31):
        breakdowns = [(Dimension.SEX, Subject.CHILDREN), (Dimension.AGE_BAND, Subject.CHILDREN)]
        add_indicator(app, f"K{n}", ids["council"] if n % 2 else ids["police"],
                      unit=Unit.PERCENTAGE if n == 30 else Unit.COUNT,
                      breakdowns=breakdowns if n <= 20 else [])
    rows: list[list[Any]] = [HEADINGS]
    for n in range(1, 31):
        for q, quarter in enumerate(QUARTERS):
            total = 100 + n + q
            rows.append([f"K{n}", quarter, None, None, total, 400 if n == 30 else None,
                         "Validated", ""])
            if n <= 20:
                rows.append([f"k{n}", quarter, "Sex", "Male", total - 50, None, "Validated", None])
                rows.append([f"K{n}", quarter, "sex", "F", 50, None, "Validated", None])
                rows.append([f"K{n}", quarter, "Age band", "Under 1", 10, None, "Validated", None])
                rows.append([f"K{n}", quarter, "Age band", "10-15", total - 10, None, "Validated",
                             None])
    team = signed_in(Role.TEAM)
    preview = upload(team, xlsx(rows))
    assert preview.status_code == 200
    soup = page(preview)
    summary = {row.select_one("th").get_text(strip=True): [
        cell.get_text(strip=True) for cell in row.select("td")]
        for row in soup.select("caption + thead + tbody tr")}
    assert len(summary) == 30
    assert summary["K1 Indicator K1"] == ["Q1 2025\N{EN DASH}26 to Q4 2025\N{EN DASH}26 (4)",
                                          "20", "0", "0"]
    assert summary["K25 Indicator K25"][1:] == ["4", "0", "0"]
    assert values_of(app) == []  # nothing is saved before the confirmation

    done = confirm(team, preview)
    assert "Imported figures.xlsx: 440 new figures, 0 corrected" in page(done).get_text()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue)) == 440

    again = confirm(team, preview)  # a second click, or the back button
    assert "were saved after the file was checked" in page(again).get_text()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue)) == 440


def test_a_bad_file_is_refused_with_every_problem_located_and_nothing_saved(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_indicator(app, "CP2", ids["council"],
                  breakdowns=[(Dimension.SEX, Subject.CHILDREN)])
    add_indicator(app, "PC1", ids["council"], unit=Unit.PERCENTAGE)
    rows = [HEADINGS,
            ["CP2", "Q1 2025-26", "", "", 120, "", "Provisional", ""],               # 2: fine
            ["CP9", "Q1 2025-26", "", "", 5, "", "", ""],                            # 3
            ["CP2", "April 2025", "", "", 5, "", "", ""],                            # 4
            ["CP2", "Q2 2025-26", "Ethnicity", "White", 5, "", "", ""],             # 5
            ["CP2", "Q1 2025-26", "Sex", "Boys", 70, "", "", ""],                   # 6
            ["CP2", "Q1 2025-26", "Sex", "Martian", 3, "", "", ""],                 # 7
            ["CP2", "Q3 2025-26", "", "", "c", "", "", ""],                          # 8
            ["PC1", "Q1 2025-26", "", "", "45%", "", "", ""],                        # 9
            ["PC1", "Q2 2025-26", "", "", 45, "", "Checked", ""],                    # 10
            ["CP2", "Q1 2025-26", "", "", 121, "", "", ""],                          # 11
            ["CP2", "Q4 2030-31", "", "", 1, "", "", "Born 3 March 2015"],          # 12
            ]
    team = signed_in(Role.TEAM)
    response = upload(team, csv(rows), "figures.csv")
    soup = page(response)
    assert soup.title.string.startswith("Error:")
    assert "Nothing has been imported" in soup.get_text()
    found = problems_of(response)
    assert found == [
        "Row 3, Indicator reference: there is no indicator 'CP9' in the Eastvale Partnership "
        "dataset",
        "Row 4, Period: 'April 2025' is not a period of CP2: it is reported quarterly, so use "
        "a quarter, such as Q1 2026-27",
        "Row 5, Breakdown: CP2 is not reported by 'Ethnicity': its breakdowns are Sex",
        "Row 7, Category: 'Martian' is not a category of sex: use one of Male, Female, Not "
        "known or not stated",
        "Row 8, Value: 'c' is not a figure: enter the actual number (small numbers are hidden "
        "in anything published)",
        "Row 9, Value: '45%' is a percentage: enter the number counted here and the number it "
        "is out of as the Denominator (the percentage is worked out)",
        "Row 9, Denominator: PC1 is a percentage: enter the number it is out of (the "
        "percentage is worked out)",
        "Row 10, Denominator: PC1 is a percentage: enter the number it is out of (the "
        "percentage is worked out)",
        "Row 10, Status: 'Checked' is not a status: use Provisional or Validated",
        "Row 11, Value: row 2 already gives this figure (CP2, Q1 2025\N{EN DASH}26)",
        "Row 12, Period: Q4 2030\N{EN DASH}31 has not started yet",
        "Row 12, Note: Remove the date of birth. The dataset holds counts, never a child's or "
        "family member's details.",
    ]
    assert not soup.find("form", attrs={"action": f"{BASE}/import/confirm"})
    assert values_of(app) == []


def test_the_breakdowns_must_add_up_in_the_figures_as_they_will_be(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    cp = add_indicator(app, "CP2", ids["council"], breakdowns=[(Dimension.SEX, Subject.CHILDREN)])
    add_value(app, cp, Q2, 120)
    add_value(app, cp, Q2, 60, dimension=Dimension.SEX, category="male")
    rows = [HEADINGS, ["CP2", "Q2 2025-26", "Sex", "Female", 58, None, None, None],
            ["CP2", "Q3 2025-26", "Sex", "Female", 58, None, None, None]]
    team = signed_in(Role.TEAM)
    assert problems_of(upload(team, xlsx(rows))) == [
        "Row 2, Value: CP2 Q2 2025\N{EN DASH}26: the counts by sex add up to 118, 2 fewer "
        "than the total of 120",
        "Row 3, Value: there is no total for CP2 in Q3 2025\N{EN DASH}26: add a row with the "
        "total (Breakdown left blank)"]
    fixed = [HEADINGS, ["CP2", "Q2 2025-26", "Sex", "Female", 60, None, None, None]]
    done = confirm(team, upload(team, xlsx(fixed)))
    assert "1 new figure, 0 corrected" in page(done).get_text()


def test_a_correction_by_import_is_shown_and_withdraws_approval(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    cp = add_indicator(app, "CP2", ids["council"])
    add_value(app, cp, Q2, 120, status=ValueStatus.VALIDATED, approved=True)
    add_value(app, cp, dt.date(2025, 4, 1), 110, status=ValueStatus.VALIDATED, approved=True)
    rows = [HEADINGS, ["CP2", "2025-07-01", None, None, 125, None, "Validated", None],
            ["CP2", "Q1 2025-26", None, None, 110, None, "Validated", None]]
    team = signed_in(Role.TEAM)
    preview = upload(team, xlsx(rows))
    cells = [td.get_text(strip=True)
             for td in page(preview).select("caption + thead + tbody tr td")]
    assert cells[1:] == ["0", "1 (1 approved, to be approved again)", "1"]
    confirm(team, preview)
    assert {(row[1], row[5], row[7] is not None) for row in values_of(app)} == {
        (Q2, 125, False), (dt.date(2025, 4, 1), 110, True)}


def test_an_agency_imports_only_its_own_indicators(
        app: Flask, ids: dict[str, int], make_user: Callable[..., User]) -> None:
    add_indicator(app, "CP2", ids["council"])
    add_indicator(app, "MP1", ids["police"], name="Missing episodes")
    police = agency_user(app, make_user, ids["police"])
    rows = [HEADINGS, ["MP1", "Q2 2025-26", None, None, 31, None, None, None],
            ["CP2", "Q2 2025-26", None, None, 120, None, None, None]]
    response = upload(police, xlsx(rows))
    assert problems_of(response) == [
        "Row 3, Indicator reference: you may enter only your own agency's figures: CP2 comes "
        "from Eastvale Council"]
    assert values_of(app) == []

    template = police.get(f"{BASE}/import/template.xlsx")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.data)).worksheets[0]
    listed = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert listed == ["MP1"]
    headings = [cell.value for cell in sheet[1]]
    assert headings[:3] == ["Indicator reference", "Indicator", "Period"]

    done = confirm(police, upload(police, xlsx(rows[:2])))
    assert "1 new figure" in page(done).get_text()
    assert [row[0] for row in values_of(app)] == ["MP1"]


def test_the_filled_in_template_imports_with_its_blank_rows_left_out(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_indicator(app, "CP2", ids["council"], breakdowns=[(Dimension.SEX, Subject.CHILDREN)])
    team = signed_in(Role.TEAM)
    workbook = load_workbook(io.BytesIO(team.get(f"{BASE}/import/template.xlsx").data))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[4].value for row in rows] == [None, "Male", "Female", "Not known or not stated"]
    rows[0][5].value, rows[1][5].value, rows[2][5].value = 40, 22, 18
    stream = io.BytesIO()
    workbook.save(stream)
    preview = upload(team, stream.getvalue())
    assert "Left out, as their Value is blank: row 5" in page(preview).get_text(" ", strip=True)
    done = confirm(team, preview)
    assert "3 new figures" in page(done).get_text()


def test_a_tampered_confirmation_imports_nothing(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_indicator(app, "CP2", ids["council"])
    team = signed_in(Role.TEAM)
    token = csrf_token_from(team.get(f"{BASE}/import"))
    response = team.post(f"{BASE}/import/confirm", data={"csrf_token": token,
                                                          "sealed": "forged"},
                         follow_redirects=True)
    assert "could not be read back: upload it again" in page(response).get_text()
    assert values_of(app) == []


def test_the_command_line_imports_with_the_same_checks(
        app: Flask, ids: dict[str, int], tmp_path: Any) -> None:
    add_indicator(app, "CP2", ids["council"])
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv([HEADINGS, ["CP2", "Q2 2025-26", None, None, "lots", None, None, None]]))
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["dataset", "import-values", str(bad),
                                  "--partnership", "eastvale"])
    assert refused.exit_code != 0
    assert "Row 2, Value: 'lots' is not a number" in refused.output
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([HEADINGS, ["CP2", "Q2 2025-26", None, None, 120, None, None, None]]))
    checked = runner.invoke(args=["dataset", "import-values", str(good), "--partnership",
                                  "eastvale", "--dry-run"])
    assert "CP2: 1 new, 0 corrected, 0 unchanged" in checked.output
    assert values_of(app) == []
    done = runner.invoke(args=["dataset", "import-values", str(good),
                               "--partnership", "eastvale"])
    assert done.exit_code == 0, done.output
    assert "Imported good.xlsx: 1 new, 0 corrected" in done.output
    assert [row[5] for row in values_of(app)] == [120]


def test_a_file_too_large_is_refused_next_to_the_file_field(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = upload(team, b"a" * (1024 * 1024 + 10), "big.csv")
    assert response.status_code == 413
    assert "The file must be smaller than 1 MB" in page(response).get_text()
