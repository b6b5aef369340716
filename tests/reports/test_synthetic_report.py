"""The benchmark's synthetic partnership reports on every statutory part, like the county.

``flask demo load --scale N`` adds synthetic partnerships for the benchmark; the first one's
yearly report on its last complete year must have something in every part (so the benchmark
times a whole report, not a report of empty parts), and its draft's narrative must cite only
figures the records give.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.extensions import db
from partnership.register.models import Partnership
from partnership.reports.assemble import assemble
from partnership.reports.claims import mismatches, narrative_claims
from partnership.reports.cli import period_of
from partnership.reports.models import ReportSection, YearlyReport
from partnership.reports.services import unsigned_document

SLUG = "synthetic-1"


def last_complete_year(today: dt.date) -> tuple[Partnership, dt.date, dt.date]:
    """The first synthetic partnership and its last complete reporting year (the benchmark's
    default period)."""
    partnership = db.session.scalars(sa.select(Partnership).where(Partnership.slug == SLUG)).one()
    return (partnership, *period_of(partnership, None, today))

@pytest.mark.demo(scale=1)
def test_the_synthetic_report_has_every_part_with_data(app: Flask) -> None:
    today = clock.today()
    with app.app_context(), app.test_request_context():
        partnership, start, end = last_complete_year(today)

        content = assemble(partnership, start, end, today)

    a, r, i = content.activities, content.reviews, content.impact
    missing = {name: part.missing for name, part in (
        ("activities", a), ("reviews", r), ("impact", i), ("progress", content.progress),
        ("recommendations", content.recommendations), ("feedback", content.feedback),
        ("changes", content.changes), ("training", content.training),
        ("money", content.money), ("next year", content.next_year),
        ("dataset", i.data))}
    assert all(text == "" for text in missing.values()), missing
    assert a.meetings and a.attendance and a.participation and a.decisions_made \
        and a.completed
    assert r.rapid or r.local
    assert i.objectives and i.entries and i.audits and i.scrutiny and i.rounds
    assert i.escalations is not None and i.escalations.raised
    assert i.data is not None and i.data.indicators
    assert any(row.recommendations for row in i.scrutiny)
    assert content.progress.objectives
    learning = content.recommendations.national
    assert learning and all(row.actions for entry in learning for row in entry.recommendations)
    assert content.feedback.engagements and content.feedback.entries
    changes = content.changes
    assert changes.at_start and changes.at_end and changes.published_in_period \
        and changes.groups
    assert content.training is not None and content.training.courses
    assert content.money is not None and content.money.contributions \
        and content.money.budget_lines
    assert content.next_year is not None and content.next_year.objectives


@pytest.mark.demo(scale=1)
def test_the_synthetic_draft_report_cites_only_what_the_records_say(app: Flask) -> None:
    today = clock.today()
    with app.app_context(), app.test_request_context():
        partnership, start, end = last_complete_year(today)
        report = db.session.scalars(sa.select(YearlyReport).where(
            YearlyReport.partnership_id == partnership.id, YearlyReport.period_start == start,
            YearlyReport.period_end == end)).one()

        document = unsigned_document(report, today)

        written = {row.section for row in report.narrative if row.markdown.strip()}
    assert written == set(ReportSection)
    assert document.assessment is not None and document.assessment.written_by
    assert narrative_claims(document), "the narrative cites no figure: nothing was checked"
    assert mismatches(document) == []
