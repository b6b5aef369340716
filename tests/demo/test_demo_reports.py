"""The demo's yearly reports: material for every part, whenever the demo is loaded.

Wessexshire has two published versions of its arrangements (one before the last complete
reporting year began, one during it) whose register snapshots differ, a draft report on
each of the last two complete years with every narrative section written and the
scrutineer's assessment, and feedback from children and families recorded in the last
complete year with how it was used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.actions.models import Action, ProgressUpdate
from partnership.arrangements.models import ArrangementsVersion
from partnership.arrangements.services import (
    compare_versions,
    latest_published,
    published_versions,
    with_snapshot,
)
from partnership.extensions import db
from partnership.kernel.dates import reporting_year, year_span
from partnership.kernel.identifiers import identifier_problems
from partnership.plans.models import Plan
from partnership.plans.services import little_or_no_progress
from partnership.publishing.models import PublicationStatus
from partnership.register.models import Partnership, Scrutineer
from partnership.reports.models import (
    DEFAULT_RECIPIENTS,
    ReportSection,
    ReportSettings,
    YearlyReport,
)
from partnership.reviews.models import Case
from tests.support.demo import on_days

TEAM_SECTIONS = set(ReportSection) - {ReportSection.ASSESSMENT}


def county() -> Partnership:
    return db.session.scalars(sa.select(Partnership).where(Partnership.slug == "wscp")).one()


def uk_day(moment: dt.datetime | None) -> dt.date:
    assert moment is not None
    return moment.date()


def assert_arrangements_history(day: dt.date) -> None:
    """Two published versions, the earlier before the last complete year, the later in it,
    each signed off by the three partners, with its PDF, SHA-256 and a differing snapshot."""
    wscp = county()
    last_start, last_end = year_span(reporting_year(day) - 1)
    newer, older = published_versions(wscp)
    assert uk_day(older.published_at) < last_start <= uk_day(newer.published_at) <= last_end
    assert latest_published(wscp) == newer
    assert newer.review_due is not None and newer.review_due > last_end
    for version in (newer, older):
        full = with_snapshot(version.id)
        assert full is not None and full.snapshot
        assert full.status is (PublicationStatus.PUBLISHED if version is newer
                               else PublicationStatus.SUPERSEDED)
        pdf = db.session.scalar(sa.select(ArrangementsVersion.pdf).where(
            ArrangementsVersion.id == version.id))
        assert pdf and pdf.startswith(b"%PDF")
        assert version.sha256 == hashlib.sha256(pdf).hexdigest()
        assert version.pages and version.pages > 10
        assert len({s.partner_id for s in version.sign_offs}) == 3
        assert all(s.signed_at.date() < uk_day(version.published_at) for s in version.sign_offs)
    groups = compare_versions(with_snapshot(older.id), with_snapshot(newer.id))
    headings = {g.heading for g in groups}
    assert {"Bodies added", "Bodies removed", "Bodies changed"} <= headings, headings
    changed = {c.name: c.details for g in groups for c in g.changes}
    assert "Learning and Inquiry Group" in changed  # the subgroup renamed
    assert any(d.startswith("decision rule") for d in changed["Executive Group"])
    assert any(d.startswith("chair:") for d in changed["Child Exploitation Group"])


def assert_draft_reports(day: dt.date) -> None:
    """Drafts on the last two complete years, every section written; the assessment is the
    scrutineer's own; nothing names an unpublished case or identifies a child."""
    wscp = county()
    current = reporting_year(day)
    reports = db.session.scalars(sa.select(YearlyReport).where(
        YearlyReport.partnership_id == wscp.id).order_by(YearlyReport.period_start)).all()
    assert [(r.period_start, r.period_end) for r in reports] == [
        year_span(current - 2), year_span(current - 1)]
    [scrutineer] = db.session.scalars(sa.select(Scrutineer).where(
        Scrutineer.partnership_id == wscp.id)).all()
    unnamed = {c.reference for c in db.session.scalars(sa.select(Case))
               if not (c.local_review and c.local_review.published_on
                       and c.local_review.published_on <= day)}
    earlier, latest = reports
    # The earlier year's report is signed off by the three partners and published, months
    # after its period ended, and copies went to everyone in the settings.
    assert earlier.status is PublicationStatus.PUBLISHED
    assert len({s.partner_id for s in earlier.sign_offs}) == 3
    assert earlier.published_on is not None
    assert earlier.period_end < earlier.published_on < day
    assert all(s.signed_at.date() < earlier.published_on for s in earlier.sign_offs)
    assert earlier.pdf and earlier.sha256 == hashlib.sha256(earlier.pdf).hexdigest()
    assert earlier.snapshot and earlier.snapshot["content"]["period_label"]
    assert sorted(c.recipient for c in earlier.copies) == sorted(DEFAULT_RECIPIENTS)
    assert latest.status is PublicationStatus.DRAFT and not latest.sign_offs
    assert latest.pdf is None and latest.sha256 is None
    for report in reports:
        sections = {n.section: n for n in report.narrative}
        assert set(sections) == set(ReportSection)
        for section, row in sections.items():
            words = len(row.markdown.split())
            assert 80 <= words <= 250, (report.title, section, words)
            assert "<" not in row.markdown and "://" not in row.markdown
            assert identifier_problems(row.markdown) == [], (report.title, section)
            assert not any(re.search(rf"\b{ref}\b", row.markdown) for ref in unnamed), (
                report.title, section)
            assert row.updated_at is not None
            assert report.period_end <= row.updated_at.date() < max(day, report.period_end
                                                                     + dt.timedelta(days=1))
        assessment = sections[ReportSection.ASSESSMENT]
        assert assessment.written_by == scrutineer.person.name
        assert assessment.written_as == "Independent scrutineer"
        assert all(sections[s].written_by != scrutineer.person.name for s in TEAM_SECTIONS)
        executive = next(b for b in wscp.bodies if b.name == "Executive Group")
        assert f"**{executive.chair.name}**" in sections[ReportSection.FOREWORD].markdown
    settings = db.session.scalars(sa.select(ReportSettings).where(
        ReportSettings.partnership_id == wscp.id)).one()
    assert settings.deadline_months == 6
    assert settings.recipient_list == list(DEFAULT_RECIPIENTS)


def assert_feedback_in_the_last_complete_year(day: dt.date) -> None:
    """Updates flagged as feedback from children and families, across objectives, each
    saying how the feedback was sought and (for most) how it was used."""
    start, end = year_span(reporting_year(day) - 1)
    flagged = db.session.scalars(sa.select(ProgressUpdate).join(Action).where(
        Action.partnership_id == county().id, ProgressUpdate.children_and_families.is_(True),
        ProgressUpdate.recorded_on.between(start, end))).all()
    assert len(flagged) >= 6
    assert len({u.action.objective_id for u in flagged}) >= 3
    assert sum(bool(u.impact) for u in flagged) >= 6
    assert all(len(u.narrative) > 60 for u in flagged)
    before_start, before_end = year_span(reporting_year(day) - 2)
    assert db.session.scalar(sa.select(sa.func.count(ProgressUpdate.id)).join(Action).where(
        Action.partnership_id == county().id, ProgressUpdate.children_and_families.is_(True),
        ProgressUpdate.recorded_on.between(before_start, before_end))) >= 3
    impact = db.session.scalar(sa.select(sa.func.count(ProgressUpdate.id)).join(Action).where(
        Action.partnership_id == county().id, ProgressUpdate.impact != "",
        ProgressUpdate.recorded_on.between(start, end)))
    assert impact >= 10


@pytest.mark.demo
def test_the_demo_has_an_arrangements_history_and_draft_reports(app: Flask, session_day):
    day = session_day
    with app.app_context():
        assert_arrangements_history(day)
        assert_draft_reports(day)
        assert_feedback_in_the_last_complete_year(day)

        # Some objectives of the plan made little or no progress in the last complete year
        # (their work finished late: loaded on the new year's first day, it cannot have).
        start, end = year_span(reporting_year(day) - 1)
        plan = db.session.scalars(sa.select(Plan).where(
            Plan.partnership_id == county().id)).one()
        stalled = [gap for gap in little_or_no_progress(plan, start, end, end) if gap.reasons]
        assert len(stalled) >= 2 or (day - end).days <= 1, stalled
        assert all(gap.reasons for gap in stalled)
        last = db.session.scalars(sa.select(YearlyReport).where(
            YearlyReport.period_start == start)).one()
        progress = next(n.markdown for n in last.narrative
                        if n.section is ReportSection.PROGRESS)
        assert all(gap.reference in progress for gap in stalled)


@pytest.mark.parametrize("day", on_days([dt.date(2026, 4, 1), dt.date(2031, 1, 15)]))
def test_the_reports_hold_whenever_the_demo_is_loaded(app: Flask, day: dt.date):
    with app.app_context():
        assert_arrangements_history(day)
        assert_draft_reports(day)
        assert_feedback_in_the_last_complete_year(day)
