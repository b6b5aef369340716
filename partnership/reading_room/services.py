"""The reading room: every published document a user may read, partnership by partnership.

Published arrangements, threshold documents and yearly reports are for everyone; review
action plans follow the policy (learning from elsewhere is open, our own reviews are
need-to-know, and the scrutineer reads them all). Draft yearly reports are listed too, as
the place where a partnership's scrutineer writes their assessment. Nothing here changes
anything: the reading room only reads, and its pages write their views to the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from partnership.arrangements.models import ArrangementsVersion
from partnership.extensions import db
from partnership.kernel.errors import Refused
from partnership.policy import Role, readable, scope, visible
from partnership.publishing.documents import document_of
from partnership.publishing.models import PublicationStatus
from partnership.register.models import Partnership
from partnership.reports.compare import ReportComparison, compare_reports
from partnership.reports.document import report_html as render
from partnership.reports.models import YearlyReport
from partnership.reviews.models import Recommendation, Review
from partnership.thresholds.models import ThresholdVersion


class NotComparable(Refused):
    """Two reports that cannot be compared (not published, or not the same partnership)."""


@dataclass(frozen=True)
class ActionPlanEntry:
    """A review with recommendations, whose action plan the user may read."""

    review: Review
    recommendations: int


@dataclass
class Shelf:
    """One partnership's published documents, drafts and action plans."""

    partnership: Partnership
    scrutinised: bool  # the user is this partnership's scrutineer
    may_assess: bool  # the user may write the assessment in its draft reports
    arrangements: list[ArrangementsVersion] = field(default_factory=list)
    thresholds: list[ThresholdVersion] = field(default_factory=list)
    reports: list[YearlyReport] = field(default_factory=list)
    drafts: list[YearlyReport] = field(default_factory=list)
    action_plans: list[ActionPlanEntry] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Say whether there is nothing to read for this partnership yet."""
        return not (self.arrangements or self.thresholds or self.reports or self.drafts
                    or self.action_plans)


def scrutinised_ids(user: Any) -> frozenset[int]:
    """The partnerships the user scrutinises (none unless they are a scrutineer)."""
    if getattr(user, "role", None) is not Role.SCRUTINEER:
        return frozenset()
    return scope(user).scrutinised_partnership_ids


def _published_versions() -> list[ArrangementsVersion]:
    return list(db.session.scalars(
        sa.select(ArrangementsVersion)
        .where(ArrangementsVersion.status != PublicationStatus.DRAFT,
               readable(ArrangementsVersion))
        .order_by(ArrangementsVersion.published_at.desc(), ArrangementsVersion.id.desc())))


def _published_thresholds() -> list[ThresholdVersion]:
    return list(db.session.scalars(
        sa.select(ThresholdVersion)
        .where(ThresholdVersion.status != PublicationStatus.DRAFT, readable(ThresholdVersion))
        .order_by(ThresholdVersion.published_at.desc(), ThresholdVersion.id.desc())))


def _reports() -> list[YearlyReport]:
    return list(db.session.scalars(
        sa.select(YearlyReport).where(readable(YearlyReport))
        .order_by(YearlyReport.period_end.desc(), YearlyReport.period_start.desc(),
                  YearlyReport.id.desc())))


def action_plans(user: Any) -> list[ActionPlanEntry]:
    """Every review with recommendations whose action plan the user may read, newest first.

    The list query selects what the policy's view rule allows (``visible``), so the list and
    the action plan pages agree.
    """
    counts: dict[int, int] = {review_id: count for review_id, count in db.session.execute(
        sa.select(Recommendation.review_id, sa.func.count(Recommendation.id))
        .group_by(Recommendation.review_id))}
    if not counts:
        return []
    reviews = list(db.session.scalars(
        sa.select(Review).where(Review.id.in_(sorted(counts)), visible(user, Review))))
    reviews.sort(key=lambda r: (r.published_on or dt.date.min, r.id), reverse=True)
    return [ActionPlanEntry(review, counts[review.id]) for review in reviews]


def shelves(user: Any) -> list[Shelf]:
    """Every partnership's shelf: the scrutineer's own partnerships first, then by name."""
    mine = scrutinised_ids(user)
    partnerships = sorted(db.session.scalars(sa.select(Partnership).where(readable(Partnership))),
                          key=lambda p: (p.id not in mine, p.name.lower(), p.id))
    by_id = {p.id: Shelf(p, scrutinised=p.id in mine, may_assess=p.id in mine)
             for p in partnerships}
    for version in _published_versions():
        by_id[version.partnership_id].arrangements.append(version)
    for threshold in _published_thresholds():
        by_id[threshold.partnership_id].thresholds.append(threshold)
    for report in _reports():
        shelf = by_id[report.partnership_id]
        (shelf.reports if report.published else shelf.drafts).append(report)
    for entry in action_plans(user):
        if entry.review.partnership_id in by_id:  # learning from elsewhere sits on no shelf
            by_id[entry.review.partnership_id].action_plans.append(entry)
    return [by_id[p.id] for p in partnerships]


def assessments_to_write(user: Any) -> list[Shelf]:
    """For the scrutineer's home page: each partnership they scrutinise, with its drafts."""
    mine = scrutinised_ids(user)
    if not mine:
        return []
    partnerships = sorted(db.session.scalars(
        sa.select(Partnership).where(Partnership.id.in_(sorted(mine)))),
        key=lambda p: (p.name.lower(), p.id))
    drafts = db.session.scalars(
        sa.select(YearlyReport)
        .where(YearlyReport.partnership_id.in_(sorted(mine)),
               YearlyReport.status == PublicationStatus.DRAFT)
        .order_by(YearlyReport.period_end.desc(), YearlyReport.id.desc()))
    by_id = {p.id: Shelf(p, scrutinised=True, may_assess=True) for p in partnerships}
    for report in drafts:
        by_id[report.partnership_id].drafts.append(report)
    return [by_id[p.id] for p in partnerships]


# --- one published report ---------------------------------------------------------------------


def published_report(report_id: int) -> YearlyReport | None:
    """Return a published report with its snapshot, or None (draft or missing)."""
    report = db.session.scalars(
        sa.select(YearlyReport)
        .options(undefer(YearlyReport.snapshot))
        .where(YearlyReport.id == report_id)).one_or_none()
    if report is None or not report.published:
        return None
    return report


def published_reports(partnership_id: int) -> list[YearlyReport]:
    """Return a partnership's published reports, the latest period first."""
    return list(db.session.scalars(
        sa.select(YearlyReport)
        .where(YearlyReport.partnership_id == partnership_id,
               YearlyReport.status != PublicationStatus.DRAFT)
        .order_by(YearlyReport.period_end.desc(), YearlyReport.id.desc())))


def report_html(report: YearlyReport) -> str:
    """Render a published report for the browser from its stored snapshot (with its links)."""
    # Imported here: the document module loads the charts and Markdown only when used.

    return render(report.snapshot or {}, for_pdf=False)


def report_filename(report: YearlyReport) -> str:
    """Name a downloaded report as every published document is named (with its version)."""
    return document_of(report).file_name(report)


def compare(older_id: int, newer_id: int) -> tuple[YearlyReport, YearlyReport, ReportComparison]:
    """Compare two published reports of one partnership from their stored snapshots."""
    if older_id == newer_id:
        raise NotComparable("Select two different reports")
    older, newer = published_report(older_id), published_report(newer_id)
    if older is None or newer is None:
        raise NotComparable("Select a published report from the list")
    if older.partnership_id != newer.partnership_id:
        raise NotComparable("Select two reports of the same partnership")
    if older.snapshot is None or newer.snapshot is None:
        raise NotComparable("These reports have no stored figures to compare")
    return older, newer, compare_reports(older.snapshot, newer.snapshot)
