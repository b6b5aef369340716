"""The yearly report document: the HTML in the app and the tagged PDF, from a hand-built
report (tests/reports/samples.py), so no database is needed."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from config import TestConfig
from partnership import create_app
from partnership.reports.content import Feedback, Progress
from partnership.reports.document import (
    activities_sentences,
    chart_part,
    document_title,
    report_html,
    report_pdf,
    reviews_sentences,
)
from tests.documents.pdftools import pdf_info, pdf_objects, pdf_text
from tests.reports.samples import PARTNERSHIP, sample_content, sample_document

PART_HEADINGS = [
    "1. Summary of activities",
    "2. Child safeguarding practice reviews",
    "3. Evidence of impact",
    "4. Little or no progress",
    "5. Decisions and actions on review recommendations",
    "6. Feedback from children and families",
    "7. The independent scrutineer's assessment",
    "8. Changes to the arrangements",
]
HEADINGS = ["Contents", "Foreword", "Summary", *PART_HEADINGS, "The partnership's budget",
            "Priorities for the coming year", "Agreement by the safeguarding partners"]
NO_FEEDBACK = ("No progress update in 2024\N{EN DASH}25 recorded feedback from children and "
               "families.")


@pytest.fixture(scope="module")
def document_app() -> Iterator[Flask]:
    """An app to render templates with; the document never reads the database."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    yield app


def html_of(app: Flask, document: object, *, for_pdf: bool = False) -> BeautifulSoup:
    with app.test_request_context():
        return BeautifulSoup(report_html(document, for_pdf=for_pdf), "html.parser")  # type: ignore[arg-type]


def words(element: object) -> str:
    return " ".join(element.get_text(" ", strip=True).split())  # type: ignore[attr-defined]


def test_the_report_has_every_part_in_order_with_its_narrative(document_app: Flask) -> None:
    soup = html_of(document_app, sample_document())

    assert [words(h) for h in soup.find_all("h2")] == HEADINGS
    assert soup.html["lang"] == "en"
    assert soup.title.string.startswith(
        f"{PARTNERSHIP}: yearly report 2024\N{EN DASH}25 (draft) \N{EN DASH}")
    assert words(soup.h1) == f"{PARTNERSHIP} Yearly report 2024\N{EN DASH}25"
    assert "document--draft" in soup.body["class"]
    cover = words(soup.find(class_="cover"))
    assert "DRAFT" in cover and "1 April 2024 to 31 March 2025" in cover
    # The contents list every part and link to it.
    contents = [words(a) for a in soup.select(".contents a")]
    assert contents == HEADINGS[1:]
    # The team's Markdown is rendered (and its headings sit under the part's).
    foreword = soup.find(id="foreword").parent
    assert "every figure is computed from the meetings" in words(foreword)
    assert soup.find(id="part-activities").parent.find("strong").string == "quarterly"
    assert [words(h) for h in soup.find(id="next-year").parent.find_all("h3")] == [
        "Our priorities"]


def test_the_figures_are_said_in_sentences_and_tables(document_app: Flask) -> None:
    soup = html_of(document_app, sample_document())
    part = soup.find(id="part-activities").parent

    figures = words(part.find(class_="key-figures"))
    assert figures.startswith(
        "The Safeguarding Children Partnership Board and 4 other groups met 30 times in "
        "2024\N{EN DASH}25, recording 46 decisions; 1 meeting was cancelled. Agencies attended "
        "87% of the meetings they were expected at. Of the 42 business-plan actions for the "
        "year, 18 were completed in the period.")
    assert ("The partnership completed 4 Rapid Reviews, had 2 local child safeguarding "
            "practice reviews under way, referred 1 case for a national review and took in "
            "the learning of 3 reviews from elsewhere.") in figures
    meetings = part.find("table", class_="table--meetings")
    assert [words(td) for td in meetings.tfoot.find_all(["th", "td"])] == [
        "All boards and groups", "30", "1", "46"]
    reviews = words(soup.find(id="part-reviews").parent.find(class_="key-figures"))
    assert reviews.startswith("4 Rapid Reviews were completed in the period, 3 of them (75%) "
                              "within 15 working days. 1 more was still under way")
    assert ("2 local child safeguarding practice reviews were open during the period; 1 was "
            "completed, by its target date.") in reviews


def test_sentences_count_as_a_reader_would() -> None:
    reviews = dataclasses.asdict(sample_content().reviews)
    reviews.update(rapid_completed=2, rapid_on_time=2, rapid=reviews["rapid"][:2],
                   local_completed=2, local_on_time=0)
    said = " ".join(reviews_sentences(reviews))
    assert said.startswith("2 Rapid Reviews were completed in the period, both within 15 "
                           "working days.")
    assert "2 were completed, none by their target dates." in said
    activities = dataclasses.asdict(sample_content().activities)
    activities.update(meetings=activities["meetings"][:1], meetings_held=1, decisions=0)
    assert activities_sentences(activities, "in 2024-25")[0] == (
        "The Safeguarding Children Partnership Board met once in 2024-25.")


def test_a_chart_is_a_figure_with_a_caption_and_its_table(document_app: Flask) -> None:
    soup = html_of(document_app, sample_document())

    figure = soup.find("figure", id="chart-reviews-timeliness")
    assert figure.parent.find(id="part-reviews")
    assert words(figure.figcaption).startswith("Rapid Reviews: working days to completion 3 "
                                               "of the 4 completed")
    [svg] = figure.find_all("svg")
    assert svg["role"] == "img" and svg["aria-label"].startswith("Rapid Reviews: working days")
    table = figure.find_next_sibling("details").table
    assert [words(th) for th in table.thead.find_all("th")] == ["Item", "Working days"]
    assert next(words(tr) for tr in table.tbody.find_all("tr")) == "WS-2024-003 14"
    # Each chart sits in the part its key names.
    assert soup.find(id="chart-progress-rag").parent.find(id="part-progress")
    assert soup.find(id="chart-activities-attendance").parent.find(id="part-activities")
    for key, part in (("rag_by_objective", "progress"), ("progress_over_year", "progress"),
                      ("review_timeliness", "reviews"), ("attendance_by_agency", "activities")):
        assert chart_part(key) == part
    # The attendance chart's figures are the attendance table that follows it.
    attendance = soup.find("figure", id="chart-activities-attendance")
    assert "The table below gives the figures." in words(attendance.figcaption)
    assert "table--attendance" in attendance.find_next_sibling("table")["class"]


def test_in_the_app_figures_link_to_their_records_and_in_the_pdf_nothing_does(
        document_app: Flask) -> None:
    app_view = html_of(document_app, sample_document())
    links = {a["href"] for a in app_view.find_all("a", href=True)}
    for record in ("/bodies/1", "/actions?year=2024", "/cases/3", "/cases/2", "/objectives/1",
                   "/actions/11", "/reviews/2", "/learning/1", "/arrangements/versions/4",
                   "https://westshire.example/reviews/child-f"):
        assert record in links, record

    paper = html_of(document_app, sample_document(), for_pdf=True)
    assert {a["href"][:1] for a in paper.find_all("a", href=True)} == {"#"}
    assert not paper.find("details")
    assert [link["href"] for link in paper.find_all("link")] == [
        "https://document.invalid/static/css/document.css",
        "https://document.invalid/static/css/report-document.css"]


def test_an_unnamed_review_shows_its_label_only(document_app: Flask) -> None:
    content = sample_content()
    rapid = [dataclasses.replace(row, link="/cases/99") for row in content.reviews.rapid]
    document = dataclasses.replace(sample_document(), content=dataclasses.replace(
        content, reviews=dataclasses.replace(content.reviews, rapid=rapid)))
    soup = html_of(document_app, document)

    rows = soup.find(id="rapid-reviews").find_next("table").tbody.find_all("tr")
    assert rows[0].th.a["href"] == "/cases/99"  # named: its case's review is published
    for row in rows[1:]:
        assert row.th.a is None and re.fullmatch(r"Rapid Review \d", words(row.th))
    assert "Cases are named only once their review has been published" in words(soup)


def test_a_part_without_data_says_so_and_prints_nothing_empty(document_app: Flask) -> None:
    missing = NO_FEEDBACK
    content = sample_content(
        feedback=Feedback(entries=[], missing=missing),
        progress=Progress(objectives=[], objectives_considered=0, rule="", missing=""))
    soup = html_of(document_app, dataclasses.replace(
        sample_document(assessment=False), content=content))

    feedback = soup.find(id="part-feedback").parent
    assert [words(p) for p in feedback.find_all("p")] == [missing]
    assert not feedback.find_all(["table", "h3", "ul", "figure"])
    progress = soup.find(id="part-progress").parent
    assert not progress.find_all(["h3", "table", "ul", "p"]) or progress.find("figure")
    assessment = soup.find(id="part-assessment").parent
    assert "The independent scrutineer has not written their assessment yet." in words(
        assessment)


def test_the_scrutineers_assessment_is_shown_as_theirs(document_app: Flask) -> None:
    soup = html_of(document_app, sample_document())
    block = soup.find(class_="assessment")
    assert block.find("strong").string == "strengthened"
    assert words(block.find(class_="assessment__by")) == (
        "Written by Dr Sam Patel, Independent Scrutineer, 12 May 2025")


def test_a_published_snapshot_reads_like_the_live_document(document_app: Flask) -> None:
    published = sample_document(draft=False)
    with document_app.test_request_context():
        live = report_html(published)
        snapshot = report_html(dataclasses.asdict(published))
    assert live == snapshot
    soup = BeautifulSoup(snapshot, "html.parser")
    assert "document--draft" not in soup.body["class"]
    assert "Published on 30 September 2025" in words(soup.find(class_="cover"))
    assert document_title(published) == f"{PARTNERSHIP}: yearly report 2024\N{EN DASH}25"
    sign_off = soup.find(id="sign-off").parent
    assert "Awaiting" not in words(sign_off)
    assert "Chris Lee Chief Constable 25 September 2025" in words(sign_off)


def test_the_page_is_accessible_and_within_our_csp(document_app: Flask) -> None:
    soup = html_of(document_app, sample_document())

    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    for table in soup.find_all("table"):
        assert table.caption and words(table.caption)
        assert table.thead and all(th.get("scope") in ("col", "row") for th in table("th"))
    ids = [element["id"] for element in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    assert {a["href"][1:] for a in soup.find_all("a", href=re.compile("^#"))} <= set(ids)
    assert not soup.find_all(["script", "style"])
    assert not soup.find_all(style=True)
    assert not [el for el in soup.find_all(True) if any(a.startswith("on") for a in el.attrs)]


def test_hostile_text_and_links_stay_inert(document_app: Flask) -> None:
    content = sample_content()
    bodies = [dataclasses.replace(content.activities.meetings[0],
                                  body="Board <script>alert(1)</script>",
                                  link="javascript:alert(1)"),
              dataclasses.replace(content.activities.meetings[1], link="//evil.example/x")]
    chart = dataclasses.replace(content.charts[0], title="<img src=x onerror=alert(1)>",
                                categories=["<b>x</b>", *content.charts[0].categories[1:]])
    document = dataclasses.replace(
        sample_document(),
        content=dataclasses.replace(
            content, charts=[chart],
            activities=dataclasses.replace(content.activities, meetings=bodies)),
        narrative={"foreword": "<script>alert(2)</script> [bad](javascript:alert(3)) {{ 7*7 }}"})
    with document_app.test_request_context():
        html = report_html(document)
    soup = BeautifulSoup(html, "html.parser")

    assert not soup.find_all("script") and not soup.find_all("img")
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert not [h for h in hrefs if h.startswith(("javascript", "//")) or "evil" in h]
    assert "evil.example" not in html
    assert "Board <script>alert(1)</script>" in soup.get_text()
    assert "{{ 7*7 }}" in soup.get_text()
    assert "<b>x</b>" in soup.get_text()


def test_the_pdf_is_a_tagged_a4_document_with_vector_charts(document_app: Flask) -> None:
    content = sample_content()
    document = dataclasses.replace(sample_document(), content=dataclasses.replace(
        content, feedback=Feedback(entries=[], missing=NO_FEEDBACK)))
    with document_app.app_context():
        rendered = report_pdf(document)

    data = rendered.data
    info = pdf_info(data)
    assert f"Title:           {PARTNERSHIP}: yearly report 2024\N{EN DASH}25 (draft)" in info
    assert f"Author:          {PARTNERSHIP}" in info
    assert "Tagged:          yes" in info and "(A4)" in info
    assert f"Pages:           {rendered.pages}" in info
    inside = pdf_objects(data)
    assert b"/StructTreeRoot" in inside and b"pdfuaid" in inside and b"/Lang (en)" in inside
    assert b"/Outlines" in inside
    for heading in PART_HEADINGS:  # bookmarks
        assert f"/Title ({heading})".encode() in inside, heading
    assert b"/Subtype /Image" not in inside  # the charts are drawn, not pictures
    assert b"/URI" not in inside  # no links into the app
    assert b"/Alt (Rapid Reviews: working days to completion." in inside

    pages = pdf_text(data).split("\f")[:rendered.pages]
    assert "Yearly report 2024\N{EN DASH}25" in pages[0]
    contents = pages[1]
    assert re.search(r"1\. Summary of activities\s*\.*\s*4", contents)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {rendered.pages}" in text
        assert PARTNERSHIP in text and "DRAFT" in text
    everything = " ".join(" ".join(pages).split())
    for heading in HEADINGS:
        assert heading in everything, heading
    for figure in ("WS-2024-003", "Rapid Review 3", "15 working days", "P1 Neglect",
                   "Not judged", "Westshire County Council", "Schools' forum", "58%"):
        assert figure in everything, figure
    assert NO_FEEDBACK in everything
    assert "Written by Dr Sam Patel, Independent Scrutineer, 12 May 2025" in everything
    assert "Awaiting sign-off" in everything
