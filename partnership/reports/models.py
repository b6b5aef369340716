"""The yearly report: a draft per partnership and period, its narrative, sign-offs and copies.

The figures are never stored while a report is a draft: every view assembles them from the
records (``reports/assemble.py``). Publishing stores the snapshot the document was made
from, the PDF and its SHA-256, and freezes the report for good.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.database import UTCDateTime, Versioned, utcnow
from partnership.extensions import db
from partnership.kernel.enums import enum_column
from partnership.publishing.models import (
    DocumentKind,
    Publishable,
    Signature,
    signatures_of,
)
from partnership.register.models import Partnership

DEFAULT_RECIPIENTS = (
    "Child Safeguarding Practice Review Panel",
    "Department for Education",
    "Foundations (What Works Centre for Children & Families)",
)


class ReportSection(StrEnum):
    """The narrative the team writes around the figures, in document order.

    ``ASSESSMENT`` is the independent scrutineer's own: only they may write it.
    """

    FOREWORD = "foreword"
    SUMMARY = "summary"
    ACTIVITIES = "activities"
    REVIEWS = "reviews"
    IMPACT = "impact"
    PROGRESS = "progress"
    RECOMMENDATIONS = "recommendations"
    FEEDBACK = "feedback"
    ASSESSMENT = "assessment"
    CHANGES = "changes"
    NEXT_YEAR = "next_year"
    MONEY = "money"
    FAMILIES = "families"
    FAMILIES_NEXT = "families_next"

    @property
    def title(self) -> str:  # type: ignore[override]
        """Return the section's heading in the report."""
        return SECTION_TITLES[self]


SECTION_TITLES = {
    ReportSection.FOREWORD: "Foreword",
    ReportSection.SUMMARY: "Summary",
    ReportSection.ACTIVITIES: "Summary of activities",
    ReportSection.REVIEWS: "Child safeguarding practice reviews",
    ReportSection.IMPACT: "Evidence of impact",
    ReportSection.PROGRESS: "Little or no progress",
    ReportSection.RECOMMENDATIONS: "Decisions and actions on review recommendations",
    ReportSection.FEEDBACK: "Feedback from children and families",
    ReportSection.ASSESSMENT: "The independent scrutineer's assessment",
    ReportSection.CHANGES: "Changes to the arrangements",
    ReportSection.NEXT_YEAR: "Priorities for the coming year",
    ReportSection.MONEY: "The partnership's budget",
    ReportSection.FAMILIES: "For children, young people and families: what we did",
    ReportSection.FAMILIES_NEXT: "For children, young people and families: what happens next",
}
# The sections of the short version for children, young people and families.
FAMILY_SECTIONS = (ReportSection.FAMILIES, ReportSection.FAMILIES_NEXT)


class ReportSettings(Versioned, db.Model):
    """A partnership's settings for its yearly report (defaults apply until saved)."""

    __tablename__ = "report_settings"
    __realm__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), unique=True)
    deadline_months: Mapped[int] = mapped_column(
        default=6, doc="Months after the period ends by which the report is published")
    warning_days: Mapped[int] = mapped_column(
        default=56, doc="Days before the deadline the dashboard starts to warn")
    copies_within_days: Mapped[int] = mapped_column(
        default=7, doc="Days after publication by which copies are sent")
    recipients: Mapped[str] = mapped_column(
        sa.Text, default="\n".join(DEFAULT_RECIPIENTS), doc="Who gets a copy, one per line")

    partnership: Mapped[Partnership] = relationship()

    @property
    def recipient_list(self) -> list[str]:
        """Return the recipients, one per non-empty line."""
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class YearlyReport(Versioned, Publishable, db.Model):
    """A partnership's yearly report for a period: a draft, or published and immutable."""

    __tablename__ = "yearly_report"
    __realm__ = "reports"
    # The audit row notes that these changed; the PDF bytes and the whole snapshot do not
    # belong in it (the SHA-256 column identifies the PDF).
    __audit_redacted__ = frozenset({"pdf", "snapshot"})
    __table_args__ = (sa.UniqueConstraint("partnership_id", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    period_start: Mapped[dt.date] = mapped_column(sa.Date)
    period_end: Mapped[dt.date] = mapped_column(sa.Date)

    partnership: Mapped[Partnership] = relationship()
    narrative: Mapped[list[ReportNarrative]] = relationship(
        back_populates="report", cascade="all, delete-orphan")
    sign_offs: Mapped[list[Signature]] = signatures_of(DocumentKind.YEARLY_REPORT,
                                                       "YearlyReport")
    copies: Mapped[list[CopySent]] = relationship(
        back_populates="report", order_by="(CopySent.sent_on, CopySent.id)",
        cascade="all, delete-orphan")


class ReportNarrative(Versioned, db.Model):
    """One narrative section of a report, in Markdown, with who last wrote it."""

    __tablename__ = "report_narrative"
    __realm__ = "reports"
    __table_args__ = (sa.UniqueConstraint("report_id", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        sa.ForeignKey("yearly_report.id", ondelete="CASCADE"))
    section: Mapped[ReportSection] = mapped_column(enum_column(ReportSection))
    markdown: Mapped[str] = mapped_column(sa.Text, default="")
    written_by: Mapped[str] = mapped_column(sa.String(120), default="",
                                            doc="The name of who saved it last")
    written_as: Mapped[str] = mapped_column(sa.String(200), default="",
                                            doc="Their role or title when saving")
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    report: Mapped[YearlyReport] = relationship(back_populates="narrative")

    @property
    def partnership_id(self) -> int:
        """The report's partnership (the policy scopes the scrutineer's assessment by it)."""
        return self.report.partnership_id


class CopySent(db.Model):
    """A copy of a published report sent to someone: to whom, when, how."""

    __tablename__ = "report_copy_sent"
    __realm__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        sa.ForeignKey("yearly_report.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(200))
    sent_on: Mapped[dt.date] = mapped_column(sa.Date)
    how: Mapped[str] = mapped_column(sa.String(200), default="",
                                     doc="e.g. by email to the panel's inbox")
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[YearlyReport] = relationship(back_populates="copies")
