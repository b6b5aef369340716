"""Documents fit for publication and for screen readers.

Every header cell says what it heads (``scope``); what the page margins print (running
header, status line, page number) is a pagination artifact, never content a screen reader
reads on every page; and in the plan and the action plan a row's code (``A1``,
"Recommendation 2") is never left at a page's foot without its row. The documents are the
demo county's, rendered from the render requests their downloads make, so each test sees
both the HTML and the PDF.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import Flask

from partnership import clock
from partnership.arrangements import document as arrangements_document
from partnership.documents.pdf import render_pdf, static_url
from partnership.extensions import db
from partnership.kernel.dates import reporting_year
from partnership.plans import document as plan_document
from partnership.plans.models import Plan
from partnership.register.models import Partnership
from partnership.reports import document as report_document
from partnership.reports.cli import draft_of, period_of
from partnership.reviews import document as review_document
from partnership.reviews.models import Case, Review, ReviewKind
from partnership.thresholds import document as threshold_document
from partnership.web import offline_request_context
from tests.documents.pdftools import (
    marked_runs,
    pdf_page_text,
    structure_mcids,
    tagged_tables,
)

# About responses, rendering and Python rules that do not depend on the database: SQLite only.
pytestmark = pytest.mark.databases("sqlite")


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# An opening <th> tag, whatever its attributes, over one line or several.
TH_TAG = re.compile(r"<th(?=[\s>])[^>]*>")
SCOPE = re.compile(r'\sscope="(col|row|rowgroup)"')
PAGE_NUMBER = re.compile(r"Page (\d+) of (\d+)")
DEMO_SLUG = "wscp"


def county() -> Partnership:
    """The demo county (Wessexshire)."""
    return db.session.scalars(sa.select(Partnership).where(Partnership.slug == DEMO_SLUG)).one()


def arrangements_request() -> dict[str, Any]:
    """The county's arrangements, as a draft of today."""
    return arrangements_document.draft_pdf_request(county(), clock.today())


def plan_request() -> dict[str, Any]:
    """The county's business plan for this reporting year."""
    plan = db.session.scalars(sa.select(Plan).where(Plan.partnership_id == county().id)
                              .order_by(Plan.id)).first()
    today = clock.today()
    return plan_document.plan_pdf_request(
        plan, reporting_year(today, plan.partnership.year_start_month), today)


def county_review() -> Review:
    """The county's published local review (its action plan crosses pages)."""
    return db.session.scalars(
        sa.select(Review).join(Case, Review.case_id == Case.id)
        .where(Case.partnership_id == county().id, Review.kind == ReviewKind.LOCAL_REVIEW)
        .order_by(Review.id)).first()


def action_plan_request() -> dict[str, Any]:
    """The multi-agency action plan of the county's local review."""
    return review_document.action_plan_pdf_request(county_review(), clock.today())


def yearly_report_request() -> dict[str, Any]:
    """The county's draft yearly report for its last complete reporting year."""
    partnership, today = county(), clock.today()
    start, end = period_of(partnership, None, today)
    with offline_request_context():  # the report links to pages of the service
        return report_document.report_pdf_request(draft_of(partnership, start, end, today))


def threshold_request() -> dict[str, Any]:
    """The county's threshold document, as a draft of today."""
    return threshold_document.draft_pdf_request(county(), clock.today())


REQUESTS: dict[str, Callable[[], dict[str, Any]]] = {
    "arrangements": arrangements_request,
    "plan": plan_request,
    "action plan": action_plan_request,
    "yearly report": yearly_report_request,
    "threshold document": threshold_request,
}


@dataclass(frozen=True)
class Printed:
    """A demo document as printed: the HTML the renderer was given, and the PDF."""

    html: BeautifulSoup
    data: bytes
    pages: int


def printed(app: Flask, kind: str) -> Printed:
    """Render one of the demo's documents as its download does, keeping its HTML."""
    with app.app_context():
        request = REQUESTS[kind]()
        rendered = render_pdf(**request)
    return Printed(BeautifulSoup(request["html"], "html.parser"), rendered.data, rendered.pages)


def words(text: str) -> str:
    """Join text's words with single spaces, and a word broken after its hyphen again."""
    return re.sub(r"-\s+", "-", " ".join(text.split()))


# ---- Header cells ----------------------------------------------------------------------------

def heads_group(cell: Any) -> bool:
    """A body's first row holding only this cell heads the rows of its ``tbody`` (a sector
    over its agencies, say)."""
    row = cell.find_parent("tr")
    body = cell.find_parent("tbody")
    return (body is not None and row is body.find("tr")
            and len(row.find_all(["th", "td"])) == 1)


def test_every_header_cell_in_the_templates_says_what_it_heads() -> None:
    found, missing = 0, []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for tag in TH_TAG.findall(path.read_text(encoding="utf-8")):
            found += 1
            if not SCOPE.search(tag):
                missing.append(f"{path.relative_to(TEMPLATES)}: {words(tag)[:90]}")
    assert found > 300  # the pattern still finds the app's header cells
    assert missing == []


def test_the_pattern_finds_a_header_cell_without_scope() -> None:
    tags = TH_TAG.findall('<thead><tr><th class="x">A</th><th\n  scope="row">B</th>'
                          '<th scope="colgroup">C</th></tr></thead>')
    assert [bool(SCOPE.search(tag)) for tag in tags] == [False, True, False]


@pytest.mark.demo
@pytest.mark.parametrize("kind", list(REQUESTS))
def test_every_header_cell_of_a_document_says_what_it_heads(
        app: Flask, kind: str) -> None:
    document = printed(app, kind)

    cells = document.html.find_all("th")
    assert cells, f"the {kind} has no tables"
    wrong = []
    for cell in cells:
        # A cell of a table's head heads its column; one in the body heads its row (or, with
        # a rowspan, the rows it spans).
        expected = ("col" if cell.find_parent("thead")
                    else "rowgroup" if heads_group(cell) else "row")
        if cell.get("scope") != expected:
            wrong.append(f"{cell.get('scope')!r} instead of {expected!r}: "
                         f"{words(cell.get_text(' '))[:60]}")
    assert wrong == []


def test_a_screen_reader_hears_each_cell_with_its_column_and_the_row_headers_spanning_it(
        ) -> None:
    # The action plan's shape: a recommendation (a row header) and its scope span the rows
    # of its actions.
    html = """<!DOCTYPE html><html lang="en"><head><title>T</title></head><body><table>
      <thead><tr><th scope="col">Recommendation</th><th scope="col">Scope</th>
        <th scope="col">Action</th><th scope="col">Target</th></tr></thead>
      <tbody><tr><th scope="row" rowspan="2">Recommendation 1</th><td rowspan="2">Local</td>
        <td>First action</td><td>May</td></tr>
      <tr><td>Second action</td><td>June</td></tr></tbody></table></body></html>"""
    rendered = render_pdf(html, title="Headers")

    (table,) = tagged_tables(rendered.data)
    head, first, second = table
    assert [(cell.tag, cell.scope, cell.headers) for cell in head] == [
        ("TH", "Column", [])] * 4
    assert [(cell.text, cell.scope, cell.headers) for cell in first] == [
        ("Recommendation 1", "Row", ["Recommendation"]),
        ("Local", "", ["Recommendation 1", "Scope"]),
        ("First action", "", ["Recommendation 1", "Action"]),
        ("May", "", ["Recommendation 1", "Target"])]
    assert [(cell.text, cell.headers) for cell in second] == [
        ("Second action", ["Recommendation 1", "Action"]),
        ("June", ["Recommendation 1", "Target"])]


@pytest.mark.demo
def test_each_cell_of_the_action_plan_is_heard_with_its_column_and_recommendation(
        app: Flask) -> None:
    document = printed(app, "action plan")

    checked = 0
    for table in tagged_tables(document.data):
        assert [cell.text for cell in table[0]] == list(review_document.COLUMNS)
        for row in table[1:]:
            for cell in (cell for cell in row if cell.tag == "TD"):
                recommendation, column = cell.headers
                assert re.match(r"Recommendation \d+ ", recommendation), cell
                assert column in review_document.COLUMNS[1:], cell
                checked += 1
            columns = [cell.headers[-1] for cell in row]
            assert columns == sorted(columns, key=review_document.COLUMNS.index), row
    assert checked > 20


# ---- Page furniture --------------------------------------------------------------------------

def furniture_is_artifact(data: bytes, pages: int) -> list[str]:
    """Say what is wrong with how a PDF marks its content and its page furniture."""
    problems = []
    tree = structure_mcids(data)
    runs = marked_runs(data)
    for run in runs:
        if run.tag == "Artifact":
            continue
        if run.mcid is None:
            problems.append(f"page {run.page + 1}: untagged text {run.text[:40]!r}")
        elif (run.page, run.mcid) not in tree:
            problems.append(f"page {run.page + 1}: tagged but outside the structure tree: "
                            f"{run.text[:40]!r}")
        elif PAGE_NUMBER.search(run.text):
            problems.append(f"page {run.page + 1}: a page number read as content: {run.text!r}")
    for page in range(2, pages + 1):  # the cover has no running header or footer
        artifacts = [run.text for run in runs if run.page == page - 1 and run.tag == "Artifact"]
        if f"Page {page} of {pages}" not in artifacts:
            problems.append(f"page {page}: no page number among the artifacts {artifacts}")
    return problems


def test_a_running_header_footer_and_page_number_are_artifacts_not_content() -> None:
    paragraphs = "".join(f"<p>Paragraph {n} of the body, which a screen reader reads.</p>"
                         for n in range(60))
    html = f"""<!DOCTYPE html><html lang="en" class="document"><head><title>T</title>
      <link rel="stylesheet" href="{static_url('css/document.css')}"></head>
      <body><main><section class="cover"><h1 class="cover__title">
        <span class="cover__partnership">Running partnership name</span>
        <span class="cover__subject">Running subject</span></h1>
        <p class="cover__status">Running status line</p></section>
      <section class="chapter"><h2>Chapter</h2>{paragraphs}</section></main></body></html>"""
    rendered = render_pdf(html, title="Artifacts")

    assert rendered.pages >= 3
    assert furniture_is_artifact(rendered.data, rendered.pages) == []
    runs = marked_runs(rendered.data)
    for page in range(1, rendered.pages):
        artifacts = {run.text for run in runs if run.page == page and run.tag == "Artifact"}
        assert artifacts == {"Running partnership name", "Running subject",
                             "Running status line", f"Page {page + 1} of {rendered.pages}"}
        # Still printed on the page for a sighted reader.
        assert "Running status line" in pdf_page_text(rendered.data, page + 1)
    content = [run.text for run in runs if run.tag != "Artifact"]
    # The cover's lines are content once, on the cover; the body is all content.
    assert content.count("Running partnership name") == 1
    assert sum("which a screen reader reads" in text for text in content) == 60


def test_a_running_element_moved_into_the_margin_is_an_artifact_too() -> None:
    html = """<!DOCTYPE html><html lang="en"><head><title>T</title><style>
      @page { size: A5; margin: 20mm; @top-center { content: element(heading) } }
      .running { position: running(heading) }</style></head>
      <body><div class="running">Running element</div>""" + "<p>Body text.</p>" * 40 + (
        "</body></html>")
    rendered = render_pdf(html, title="Running element")

    assert rendered.pages >= 2
    runs = marked_runs(rendered.data)
    assert [run.tag for run in runs if run.text == "Running element"] == (
        ["Artifact"] * rendered.pages)
    tree = structure_mcids(rendered.data)
    assert all((run.page, run.mcid) in tree for run in runs if run.tag != "Artifact")


@pytest.mark.demo
@pytest.mark.parametrize("kind", list(REQUESTS))
def test_the_page_furniture_of_a_document_is_an_artifact(
        app: Flask, kind: str) -> None:
    document = printed(app, kind)

    assert document.pages > 2
    assert furniture_is_artifact(document.data, document.pages) == []


# ---- Rows and page breaks --------------------------------------------------------------------

@dataclass(frozen=True)
class RowStart:
    """How a table row begins: its code, and words that must be printed on the code's page."""

    code: str
    with_it: list[str]


def row_starts(html: BeautifulSoup, kind: str) -> list[RowStart]:
    """Read each row's code and opening words from the document's HTML."""
    def opening(element: object, count: int = 4) -> str:
        text = words(element.get_text(" ")) if element is not None else ""  # type: ignore[attr-defined]
        return " ".join(text.split()[:count])

    starts = []
    if kind == "plan":
        for row in html.select("table.table--plan tbody tr"):
            first_action = row.select_one(".plan-actions__title")
            starts.append(RowStart(
                code=words(row.select_one(".plan-objective__reference").get_text()),
                with_it=[opening(row.select_one(".plan-objective__title")),
                         opening(row.select("td")[0]), opening(first_action)]))
    else:
        for group in html.select("table.table--action-plan tbody"):
            first_action = group.select_one(".action-plan__action")
            starts.append(RowStart(
                code=words(group.select_one(".action-plan__number").get_text()),
                with_it=[opening(group.select_one(".action-plan__text")),
                         opening(first_action)]))
    return [RowStart(s.code, [w for w in s.with_it if w]) for s in starts]


@pytest.mark.demo
@pytest.mark.parametrize("kind", ["plan", "action plan"])
def test_no_row_code_is_left_at_a_page_foot_without_its_row(
        app: Flask, kind: str) -> None:
    document = printed(app, kind)
    starts = row_starts(document.html, kind)
    numbers = range(1, document.pages + 1)
    pages = [pdf_page_text(document.data, n) for n in numbers]
    drawn = [words(pdf_page_text(document.data, n, raw=True)) for n in numbers]

    assert len(starts) >= 4
    on_pages = {}
    for start in starts:
        # Each code is printed once, as a line of its own, on the page its row begins on.
        found = [n for n, text in enumerate(pages, start=1)
                 if start.code in (line.strip() for line in text.splitlines())]
        assert len(found) == 1, f"{start.code} printed on pages {found}"
        on_pages[start.code] = found[0]
        for opening in start.with_it:
            assert opening in drawn[found[0] - 1], (
                f"{start.code} is at the foot of page {found[0]}; its row begins on a later "
                f"page ({opening!r})")
    assert len(set(on_pages.values())) > 1  # the table does cross pages


@pytest.mark.demo
def test_a_long_review_title_keeps_the_action_plan_cover_to_its_page(app: Flask) -> None:
    with app.app_context():
        review = county_review()
        review.title = ("Local child safeguarding practice review: Child N and Child P, "
                        "siblings, and the learning from the neglect they lived with over many "
                        "years in two counties")
        rendered = render_pdf(**review_document.action_plan_pdf_request(review, clock.today()))

    cover = words(pdf_page_text(rendered.data, 1))
    following = words(pdf_page_text(rendered.data, 2))
    assert "lived with over many years in two counties" in cover
    assert "Ratings follow the partnership's one rule" in cover
    assert "Ratings follow" not in following and "Multi-agency action plan" not in following
    assert "Action plan Local child safeguarding practice review: Child N and Child P" in following
