"""What a reader notices in the report's new parts, the families' version and the
scrutineer's statement (made by hand: no database)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from config import TestConfig
from partnership import create_app
from partnership.register.exchange import RegisterChange
from partnership.reports.content import (
    CompletedEntry,
    DecisionEntry,
    EngagementEntry,
    NextYear,
    NextYearObjective,
    ParticipationRow,
    SectorParticipation,
)
from partnership.reports.document import (
    families_html,
    report_html,
    statement_html,
)
from partnership.reports.parts.changes import change_sentence
from partnership.reports.services import content_digest
from tests.reports.samples import sample_document, sample_money, sample_training


@pytest.fixture(scope="module")
def document_app() -> Iterator[Flask]:
    yield create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")


def words(element: object) -> str:
    return " ".join(element.get_text(" ", strip=True).split())  # type: ignore[attr-defined]


def soup_of(app: Flask, render: object, document: object) -> BeautifulSoup:
    with app.test_request_context():
        return BeautifulSoup(render(document, for_pdf=True), "html.parser")  # type: ignore[operator]


def full_document(**narrative: str) -> object:
    document = sample_document(training=sample_training(), money=sample_money())
    content = document.content
    activities = dataclasses.replace(
        content.activities,
        participation=[
            ParticipationRow("Westshire Academy Trust", "Education", 8, 6, 75, 1, 1, 2, 1, 3,
                             12),
            ParticipationRow("Westshire Police", "Police and justice", 20, 19, 95, 1, 0, 2, 2,
                             0, 29)],
        sectors=[SectorParticipation("Education", 1, 75, 1, 1, 2, 1, 3),
                 SectorParticipation("Police and justice", 1, 95, 1, 0, 2, 2, 0)],
        decisions_made=[DecisionEntry("Executive Group", "2024-06-18",
                                      "Agreed a shared funding formula.")],
        completed=[CompletedEntry("Roll out the graded care profile", "P1", "2024-09-30",
                                  "/actions/11")])
    heard = [EngagementEntry("Online safety survey", "Survey", "2024-07-01", "2024-08-01",
                             "secondary school pupils", 400, "Education", "Education Group",
                             "They would not tell a teacher for fear of losing their phone.",
                             "Lessons now say a pupil who reports will not be punished.", [],
                             "/voice/1")]
    content = dataclasses.replace(
        content, activities=activities,
        feedback=dataclasses.replace(content.feedback, engagements=heard),
        next_year=NextYear("2025\u201326", "Business plan 2023 to 2026", [
            NextYearObjective("P1", "Neglect", "Children living with neglect get help sooner.",
                              4, "/objectives/1")], ["Feedback survey for families"], ""))
    return dataclasses.replace(document, content=content,
                               narrative={**document.narrative, **narrative})


def test_training_and_money_are_part_of_the_report(document_app: Flask) -> None:
    soup = soup_of(document_app, report_html, full_document())
    training = words(soup.find(id="training").parent)

    assert ("The partnership ran 10 training sessions with 220 places; 196 were booked and "
            "175 people attended.") in training
    assert "uptake was lowest in education (55%)" in training
    assert "2.7 out of 5 before the training and 4.1 after it" in training
    assert "74 of the 120 people asked said whether their practice had changed, and 52 said" \
        in training
    money = words(soup.find(id="money").parent)
    # Whole pence, written as people read money; a deficit said as one.
    assert "agreed to contribute £260,000 for 2024\u201325, and £245,000.50 was received" \
        in money
    assert "The year ended with a deficit of £1,499.50." in money
    assert "Local authority 46%, Health 31% and Police 23%" in money
    contents = [words(a) for a in soup.select(".contents a")]
    assert "The partnership's budget" in contents and "Summary" in contents


def test_how_agencies_took_part_is_more_than_attendance(document_app: Flask) -> None:
    soup = soup_of(document_app, report_html, full_document())
    part = soup.find(id="agencies").parent
    table = part.find("table", class_="table--participation")

    headings = [words(th) for th in table.thead.find_all("th")]
    assert headings == ["Agency", "Meetings attended", "Self-assessment returned",
                        "Case audit returns", "Escalations raised", "People trained"]
    rows = [[words(c) for c in tr.find_all(["th", "td"])] for tr in table.find_all("tr")[1:]]
    assert ["Westshire Academy Trust", "6 of 8 (75%)", "Yes", "1 of 2", "3", "12"] in rows
    assert ["Education"] in rows  # rows grouped by sector
    said = words(part)
    assert ("Schools, colleges and early years settings attended 75% of the meetings they "
            "were expected at, returned 1 of 1 self-assessments, sent 1 of 2 case audit "
            "returns and raised 3 escalations.") in said
    assert "Agreed a shared funding formula. (Executive Group, 18 June 2024)" in words(
        soup.find(id="decisions").parent)


def test_the_coming_year_draws_on_the_plan(document_app: Flask) -> None:
    soup = soup_of(document_app, report_html, full_document())
    chapter = words(soup.find(id="next-year").parent)

    assert "P1 Neglect" in chapter
    assert "Children living with neglect get help sooner. (4 actions set for the year)" in chapter


def test_the_families_version_is_short_plain_and_signed_like_the_report(
        document_app: Flask) -> None:
    document = full_document(families="This year we listened to **you**.",
                             families_next="Next year we will tell you what changed.")
    soup = soup_of(document_app, families_html, document)
    text = words(soup)

    assert words(soup.h1).endswith("What we did in 2024\u201325")
    assert "A short report for children, young people and families" in text
    narrative = soup.find(class_="narrative")
    assert narrative.get_text().strip() == "This year we listened to you."
    assert narrative.find("strong").string == "you"
    assert "Next year we will tell you what changed." in text
    assert "We listened to 400 children, young people and parents" in text
    assert "175 people who work with children came to our training." in text
    assert "We spent about £259,000 on this work." in text
    assert ("You said: They would not tell a teacher for fear of losing their phone. We did: "
            "Lessons now say a pupil who reports will not be punished.") in text
    assert "Neglect" in words(soup.find(class_="families__priorities"))
    assert "call 999" in text
    # Part of what the partners sign off: changing it changes the digest.
    changed = dataclasses.replace(document, narrative={**document.narrative,
                                                       "families": "Something else."})
    assert content_digest(changed) != content_digest(document)


def test_the_scrutineers_statement_stands_alone(document_app: Flask) -> None:
    soup = soup_of(document_app, statement_html, sample_document(draft=False))
    text = words(soup)

    assert "The independent scrutineer's assessment 2024\u201325" in words(soup.h1)
    assert "The partners have strengthened their grip on neglect" in text
    assert "Dr Sam Patel, Independent Scrutineer, 12 May 2025" in text
    assert "Published 30 September 2025" in text
    missing = soup_of(document_app, statement_html, sample_document(assessment=False))
    assert "has not written their assessment yet" in words(missing)


def test_the_report_does_not_describe_how_it_is_made(document_app: Flask) -> None:
    document = dataclasses.replace(full_document(), narrative={})  # the document's own words
    text = words(soup_of(document_app, report_html, document))

    for phrase in ("computed from", "the tracker", "field by field", "not recorded in the"):
        assert phrase not in text, phrase


@pytest.mark.parametrize(("change", "sentence"), [
    (RegisterChange("representatives", "added", "Andrew Kilbride (Local authority, lead)"),
     "Andrew Kilbride became the local authority's lead safeguarding partner."),
    (RegisterChange("representatives", "changed", "Rupert Ashdown (Local authority, lead)",
                    ("valid to: not set \u2192 30 September 2025",)),
     "Rupert Ashdown stopped being the local authority's lead safeguarding partner on "
     "30 September 2025."),
    (RegisterChange("bodies", "changed", "Child Exploitation Group",
                    ("chair: Abigail Threlfall \u2192 Daniel Whitcombe",
                     "member added: Analyst (Westshire Police)")),
     "Child Exploitation Group: its chair changed from Abigail Threlfall to Daniel Whitcombe; "
     "Analyst (Westshire Police) joined it."),
    (RegisterChange("agencies", "changed", "Westshire Police",
                    ("contribution 2025: 10000.00 \u2192 12500.50",)),
     "Westshire Police: its contribution 2025 changed from £10,000 to £12,500.50."),
    (RegisterChange("bodies", "removed", "Case Review Subgroup"),
     "Case Review Subgroup was closed."),
    (RegisterChange("narrative", "changed", "Foreword",
                    ("Added: \u201cThese are the arrangements.\u201d",)),
     "The section \u201cForeword\u201d was rewritten."),
])
def test_changes_to_the_arrangements_are_sentences(change: RegisterChange,
                                                   sentence: str) -> None:
    assert change_sentence(change) == sentence
    assert "\u2192" not in change_sentence(change)
