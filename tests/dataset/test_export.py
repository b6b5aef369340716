"""The dataset's workbook: the indicators, headline figures per period with status and
approval, breakdowns and benchmarks, on four sheets; text that could run as a formula stays
text."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from flask import Flask
from openpyxl import load_workbook

from partnership.dataset.models import Dimension
from partnership.documents.spreadsheets import XLSX_MIMETYPE
from partnership.policy import Role
from tests.dataset.seeing import BASE, QUARTERS, add_indicator, add_split, world
from tests.support.client import BrowserLikeClient


def test_everyone_downloads_the_dataset_as_a_workbook(
        app: Flask, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    ids = world(app)
    flagged = add_indicator(app, ids, "CP1", "=HYPERLINK(\"x\") plans", [100, 110, 120],
                            england=["41.0", None, "43.5"], breakdowns=[Dimension.SEX],
                            commentary={2: "Rising."}, approved=True)
    add_split(app, flagged, QUARTERS[2], Dimension.SEX, {"female": 70, "male": 50})
    response = signed_in(Role.SCRUTINEER).get(f"{BASE}/export.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX_MIMETYPE
    assert 'filename="eastvale-dataset.xlsx"' in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Indicators", "Figures", "Breakdowns", "Benchmarks"]
    indicators = list(book["Indicators"].values)
    assert indicators[1][:6] == ("CP1", "'=HYPERLINK(\"x\") plans", "'=HYPERLINK(\"x\") plans "
                                 "at the end of the quarter.", "Rate per 10,000 children",
                                 "Lower is better", "Quarterly")
    figures = list(book["Figures"].values)
    assert figures[0][:7] == ("Reference", "Indicator", "Period", "Period starts", "Number",
                              "Denominator", "Figure")
    last = figures[3]
    assert last[2] == "Q3 2024\u201325" and last[3] == dt.datetime(2024, 10, 1)
    assert (last[4], last[6], last[9], last[10], last[12]) == (120, 30, "Validated", "Yes",
                                                              "Rising.")
    splits = list(book["Breakdowns"].values)[1:]
    assert [(row[4], row[5], row[6]) for row in splits] == [("Sex", "Female", 70),
                                                           ("Sex", "Male", 50)]
    benchmarks = list(book["Benchmarks"].values)[1:]
    assert [(row[2], row[4], row[5]) for row in benchmarks] == [
        ("Q1 2024\u201325", "England", 41), ("Q3 2024\u201325", "England", 43.5)]
    assert benchmarks[0][6] == "Characteristics of children in need, released 30 October 2025"
