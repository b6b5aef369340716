"""The team's narrative is checked against the report's own key figures before sign-off."""

from __future__ import annotations

import dataclasses

import pytest

from partnership.reports.claims import claims_in, mismatches, narrative_claims
from partnership.reports.compare import KeyFigure, key_figures
from tests.reports.samples import sample_document, sample_money, sample_training

FIGURES = [
    KeyFigure("activities", "Meetings held", 47, ""),
    KeyFigure("activities", "Meetings cancelled", 2, ""),
    KeyFigure("activities", "Attendance by agencies", 86, "%"),
    KeyFigure("activities", "Business-plan actions in the period", 16, ""),
    KeyFigure("activities", "Rapid Reviews completed", 2, ""),
    KeyFigure("reviews", "Rapid Reviews in the period", 3, ""),
    KeyFigure("impact", "Escalations raised", 16, ""),
    KeyFigure("money", "Money spent", 12_000_000, "£"),
]


def said(sentence: str) -> list[tuple[str, int, int]]:
    return [(c.label, c.stated, c.recorded) for c in claims_in("summary", sentence, FIGURES)]


@pytest.mark.parametrize("sentence", [
    "Our boards and groups held 47 meetings in 2025\u201326, and 2 meetings were cancelled.",
    "Agencies attended 86% of the meetings they were expected at.",
    "Attendance was 86 per cent over the year.",
    "We completed 10 of the 16 business-plan actions for the year.",
    "We completed two Rapid Reviews, both on time.",
    "Three Rapid Reviews were started.",
    "Agencies raised sixteen escalations.",
    "We spent £120,000 on the partnership's work.",
])
def test_a_sentence_that_agrees_with_the_records_is_not_flagged(sentence: str) -> None:
    found = claims_in("summary", sentence, FIGURES)
    assert found and all(claim.agrees for claim in found), found


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Our boards and groups held 45 meetings.", [("Meetings held", 45, 47)]),
    ("Agencies attended 90% of the meetings they were expected at.",
     [("Attendance by agencies", 90, 86)]),
    ("Agencies raised 20 escalations when they disagreed.", [("Escalations raised", 20, 16)]),
    ("We completed three Rapid Reviews.", [("Rapid Reviews completed", 3, 2)]),
    ("Spending was £1.2 million.", [("Money spent", 120_000_000, 12_000_000)]),
])
def test_a_sentence_that_disagrees_is_flagged_with_the_records_figure(
        sentence: str, expected: list[tuple[str, int, int]]) -> None:
    assert said(sentence) == expected
    claim = claims_in("summary", sentence, FIGURES)[0]
    assert not claim.agrees


@pytest.mark.parametrize("sentence", [
    "Health visitors used the profile in 9 of 12 neglect cases audited.",
    "Reports from drivers rose from 4 to 22 in six months.",
    "The business manager writes to any agency that misses more than one meeting in three.",
    "The Education Group held 3 meetings of its own.",
    "It held 5 meetings of the Education Group.",
    "We published the review on 5 February 2026, in time for the 2026 conference.",
    "Objective A3 and the Q4 figures were discussed by no one.",
    "The inquiry's recommendation 5 was accepted.",
    "About 200 people came to the launch.",
])
def test_numbers_the_catalogue_does_not_know_are_not_flagged(sentence: str) -> None:
    assert said(sentence) == []


def test_the_catalogue_is_the_reports_key_figures_with_training_and_money() -> None:
    document = sample_document(training=sample_training(), money=sample_money())
    figures = {(f.label, f.value, f.unit) for f in key_figures(document)}

    assert ("Meetings held", 30, "") in figures
    assert ("Attendance by agencies", 87, "%") in figures
    assert ("People who attended training", 175, "") in figures
    assert ("Money spent", 25_900_000, "£") in figures


def test_the_summary_is_checked_and_the_scrutineers_assessment_is_not() -> None:
    document = sample_document(training=sample_training(), money=sample_money())
    narrative = {**document.narrative,
                 "summary": ("We held 30 meetings and 175 people attended our training. "
                             "We spent £259,000. Agencies attended 90% of meetings.")}
    assessment = dataclasses.replace(document.assessment, markdown="There were 99 meetings.")
    document = dataclasses.replace(document, narrative=narrative, assessment=assessment)

    claims = narrative_claims(document)
    assert [(c.label, c.agrees) for c in claims if c.section == "summary"] == [
        ("Meetings held", True), ("People who attended training", True),
        ("Money spent", True), ("Attendance by agencies", False)]
    wrong = mismatches(document)
    assert [(c.section, c.words, c.recorded_words) for c in wrong] == [
        ("summary", "90% of meetings", "87%"),
        # The sample's own narrative: "Two Rapid Reviews this year..." while 4 were completed.
        ("reviews", "Two Rapid Reviews", "4")]
    # A published snapshot (a dict) is read the same way.
    assert mismatches(dataclasses.asdict(document)) == wrong
