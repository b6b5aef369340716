"""The yearly report's data: the indicators chosen for it, with only figures approved for
publication, small numbers hidden, each against a year before, its band and England, the
owner's commentary, the exceptions at the period's end and the actions raised from them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from partnership.actions.models import Action, Status
from partnership.dataset.models import (
    Benchmark,
    BenchmarkRelease,
    Commentary,
    Comparator,
    Frequency,
    Indicator,
    IndicatorValue,
    Polarity,
    Unit,
)
from partnership.extensions import db
from partnership.reports.content import ReportContent, ReportDocument
from partnership.reports.document import report_html
from partnership.reports.services import part_summaries
from tests.register.records import add_area
from tests.reports.test_assurance import content_of

END = dt.date(2026, 3, 31)
QUARTERS = [dt.date(2024, 4, 1), dt.date(2024, 7, 1), dt.date(2024, 10, 1), dt.date(2025, 1, 1),
            dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1), dt.date(2026, 1, 1)]


def _indicator(partnership_id: int, reference: str, numbers: list[int], *, chosen: bool = True,
               approved: int = 8, **fields: object) -> Indicator:
    values = {"name": f"Indicator {reference}", "unit": Unit.COUNT,
              "polarity": Polarity.LOWER, "frequency": Frequency.QUARTERLY, **fields}
    indicator = Indicator(partnership_id=partnership_id, reference=reference,
                          in_yearly_report=chosen, **values)
    db.session.add(indicator)
    for index, (start, number) in enumerate(zip(QUARTERS, numbers, strict=True)):
        db.session.add(IndicatorValue(
            indicator=indicator, period_start=start, number=Decimal(number),
            approved_on=start + dt.timedelta(days=100) if index < approved else None))
    return indicator


@pytest.fixture
def area(app: Flask) -> int:
    partnership_id = add_area(app, "dataland", "Dataland Partnership")
    with app.app_context():
        rising = _indicator(partnership_id, "CP4", [20, 21, 20, 22, 23, 25, 27, 31],
                            upper_tolerance=Decimal(28), name="Second child protection plans")
        _indicator(partnership_id, "EX1", [6, 7, 3, 9, 8, 6, 4, 12],
                   name="Known or suspected child sexual exploitation",
                   polarity=Polarity.NEITHER)
        _indicator(partnership_id, "MI2", [500, 510, 520, 530, 540, 550, 560, 570],
                   chosen=False, name="Missing episodes")
        _indicator(partnership_id, "SC9", [10] * 8, approved=4, name="Waiting for approval")
        release = BenchmarkRelease(partnership_id=partnership_id,
                                   publication="Children in need",
                                   released_on=dt.date(2025, 10, 30))
        release.benchmarks.append(Benchmark(indicator=rising, comparator=Comparator.ENGLAND,
                                            period_start=dt.date(2025, 1, 1),
                                            value=Decimal(24)))
        db.session.add(release)
        db.session.add(Commentary(indicator=rising, period_start=QUARTERS[-1],
                                  text="A multi-agency audit of step-down is under way."))
        db.session.add(Action(partnership_id=partnership_id, indicator=rising, year=2025,
                              title="Audit step-down from child protection plans",
                              status=Status.IN_PROGRESS, start_date=dt.date(2026, 2, 10)))
        db.session.commit()
    return partnership_id


def test_the_chosen_indicators_with_their_approved_figures(app: Flask, area: int) -> None:
    content: ReportContent = content_of(app, area, today=END)
    data = content.impact.data
    assert data is not None
    names = [entry.name for entry in data.indicators]
    assert names == ["Second child protection plans",
                     "Known or suspected child sexual exploitation"]
    rising, exploitation = data.indicators
    assert rising.latest_period == "Q4 2025\u201326" and rising.latest == "31"
    assert rising.change == "up from 22 in Q4 2024\u201325 (worse)"
    assert rising.standing == "Above the tolerance band (worse)"
    assert rising.comparison == "In Q4 2024\u201325 the partnership's figure was 22: England 24."
    assert rising.commentary.startswith("A multi-agency audit")
    assert rising.exceptions == ["Q4 2025\u201326: above the tolerance band (worse)",
                                 "Q4 2025\u201326: worse for 3 periods in a row"]
    assert rising.actions == ["Audit step-down from child protection plans (in progress)"]
    # Small numbers are hidden, and no change is worked out from a hidden figure.
    by_period = {row.period: row.figure for row in exploitation.rows}
    assert by_period["Q3 2024\u201325"] == "fewer than 5"
    assert by_period["Q4 2025\u201326"] == "12"
    assert exploitation.change == "up from 9 in Q4 2024\u201325"
    assert data.exceptions == 2
    # One chart per chosen indicator, with the small numbers left out.
    charts = {chart.key: chart for chart in content.charts}
    assert set(charts) >= {"impact-data-cp4", "impact-data-ex1"}
    assert charts["impact-data-ex1"].values[0][2] is None


def test_the_report_reads_the_data_as_sentences_a_table_and_a_chart(app: Flask,
                                                                     area: int) -> None:
    document = ReportDocument(title="Yearly report", status="DRAFT", draft=True,
                              content=content_of(app, area, today=END), narrative={},
                              assessment=None, sign_offs=[], published=None)
    with app.test_request_context():
        soup = BeautifulSoup(report_html(document, for_pdf=True), "html.parser")
    assert soup.find("h3", string="What the partnership's figures show")
    section = soup.find(id="indicator-cp4").find_parent("section")
    text = " ".join(section.get_text(" ", strip=True).split())
    assert "Q4 2025\u201326: 31 , up from 22 in Q4 2024\u201325 (worse)." in text
    assert section.find("figure", id="chart-impact-data-cp4").find("svg") is not None
    table = section.find("table")
    assert table.caption.get_text(strip=True) == (
        "Second child protection plans: the figures by period")
    assert [th.get_text(strip=True) for th in table.thead.find_all("th")] == [  # short name
        "Period", "DAT", "England"]
    assert "What was done about it:" in text
    # The chart is not drawn a second time at the top of the part.
    assert len(soup.find_all(id="chart-impact-data-cp4")) == 1
    words_with_underscores = [w for w in soup.get_text(" ").split() if "_" in w]
    assert words_with_underscores == []
    assert any(summary.title == "Evidence of impact" for summary in part_summaries(document))


def test_nothing_approved_says_so_and_nothing_chosen_shows_nothing(app: Flask) -> None:
    partnership_id = add_area(app, "waiting", "Waiting Partnership")
    with app.app_context():
        _indicator(partnership_id, "W1", [10] * 8, approved=0)
        db.session.commit()
    data = content_of(app, partnership_id, today=END).impact.data
    assert data is not None and data.indicators == []
    assert "approved for publication" in data.missing
    other = add_area(app, "nodata", "No Data Partnership")
    assert content_of(app, other, today=END).impact.data is None
