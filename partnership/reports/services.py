"""The yearly report's workflow: periods, narrative, sign-off, publishing, copies and deadlines.

A report is a draft for one partnership and period until it is published. While it is a
draft nothing but the narrative is stored: every view assembles the figures from the records
(``reports/assemble.py``). Each of the three statutory partners signs off the draft as it
reads at that moment, and the sign-off keeps the digest (SHA-256) of what it signed; if the
figures or the narrative change afterwards the sign-off is *stale* and that partner signs
again. Publishing needs the three partners' sign-off of the current digest; it renders the
PDF, stores it with its SHA-256 and the snapshot it was made from, and freezes the report,
its narrative and its sign-offs for good (enforced below the views, see
:func:`guard_published_reports`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapper, Session

from partnership.accounts.models import User
from partnership.clock import UK_TIME, today
from partnership.database import utcnow
from partnership.editing import EditConflict, commit_edit
from partnership.extensions import db
from partnership.kernel.dates import add_months, long_date, reporting_year, year_label, year_span
from partnership.kernel.words import plural
from partnership.policy import Role, can, readable
from partnership.publishing import workflow
from partnership.publishing.documents import PrintedSignature, document_for
from partnership.publishing.guards import was_published
from partnership.publishing.models import DocumentKind, PublicationStatus
from partnership.publishing.workflow import (
    AlreadyPublished,
    PublishingRefused,
    SignOffLine,
    digest_of,
)
from partnership.register.models import Partnership
from partnership.register.services.people import person_for_user, scope_of
from partnership.reports import assemble as assembling
from partnership.reports.content import (
    Assessment,
    ReportContent,
    ReportDocument,
)
from partnership.reports.models import (
    DEFAULT_RECIPIENTS,
    CopySent,
    ReportNarrative,
    ReportSection,
    ReportSettings,
    YearlyReport,
)

DRAFT_STATUS = workflow.DRAFT_STATUS
LONGEST_PERIOD_DAYS = 366
SCRUTINEER_TITLE = "Independent scrutineer"
# Limits for the settings, so that a typing slip cannot set a deadline years away.
DEADLINE_MONTHS = (1, 24)
WARNING_DAYS = (0, 365)
COPIES_WITHIN_DAYS = (0, 90)
RECIPIENT_MAX_LENGTH = 200


WorkflowRefused = PublishingRefused


class NotAllowed(PublishingRefused):
    """The user may not write this part of the report."""


class ReportProblem(PublishingRefused):
    """Something typed breaks a rule; ``field`` names the form field it belongs next to."""


def report_date(value: str | dt.date | None) -> str:
    """Show an ISO date, an ISO date-time or a date as "31 March 2025" ("" for nothing)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return long_date(value)


# --- periods and settings ------------------------------------------------------------------


def default_period(partnership: Partnership, day: dt.date) -> tuple[dt.date, dt.date]:
    """Return the last complete reporting year before ``day`` (the usual period of a report)."""
    start_month = partnership.year_start_month
    return year_span(reporting_year(day, start_month) - 1, start_month)


def period_label(partnership: Partnership, start: dt.date, end: dt.date) -> str:
    """Name a period: "2024-25" (en dash) for a reporting year, else its first and last day."""
    start_month = partnership.year_start_month
    year = reporting_year(start, start_month)
    if (start, end) == year_span(year, start_month):
        return year_label(year, start_month)
    return f"{long_date(start)} to {long_date(end)}"


def default_title(partnership: Partnership, start: dt.date, end: dt.date) -> str:
    """Suggest a title for a report on a period."""
    name = partnership.short_name or partnership.name
    return f"{name} yearly report {period_label(partnership, start, end)}"


def settings_of(partnership: Partnership) -> ReportSettings:
    """Return the partnership's saved settings, or unsaved defaults at version 0."""
    saved = db.session.scalars(
        sa.select(ReportSettings).where(ReportSettings.partnership_id == partnership.id)
    ).one_or_none()
    if saved is not None:
        return saved
    # Kept out of the session until the first save; version 0 means "never saved".
    return ReportSettings(partnership_id=partnership.id, deadline_months=6, warning_days=56,
                          copies_within_days=7, recipients="\n".join(DEFAULT_RECIPIENTS),
                          version=0)


def clean_recipients(text: str) -> str:
    """Return the recipients one per line, blank lines and repeats left out."""
    seen: list[str] = []
    for line in text.replace("\r\n", "\n").splitlines():
        name = " ".join(line.split())
        if name and name.casefold() not in {s.casefold() for s in seen}:
            seen.append(name)
    return "\n".join(seen)


def settings_problems(values: Mapping[str, Any]) -> list[ReportProblem]:
    """Return every rule the settings break (empty when they may be saved)."""
    problems = []
    for name, (low, high), what in (
        ("deadline_months", DEADLINE_MONTHS, "Months to publish in"),
        ("warning_days", WARNING_DAYS, "Days of warning"),
        ("copies_within_days", COPIES_WITHIN_DAYS, "Days to send copies in"),
    ):
        value = values.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            problems.append(ReportProblem(f"{what} must be between {low} and {high}", name))
    recipients = clean_recipients(str(values.get("recipients") or "")).splitlines()
    if not recipients:
        problems.append(ReportProblem("Enter at least one recipient, one per line",
                                      "recipients"))
    long = [name for name in recipients if len(name) > RECIPIENT_MAX_LENGTH]
    if long:
        problems.append(ReportProblem(
            f"Each recipient must be {RECIPIENT_MAX_LENGTH} characters or fewer", "recipients"))
    return problems


def save_settings(settings: ReportSettings, values: Mapping[str, Any]) -> None:
    """Check and commit the settings (values already applied); a lost race is an EditConflict.

    The caller applies the values with :func:`partnership.editing.apply_edit` first, so a
    form opened before someone else's save is caught as a conflict.
    """
    problems = settings_problems(values)
    if problems:
        raise problems[0]
    settings.recipients = clean_recipients(settings.recipients)
    if sa.inspect(settings).transient:
        db.session.add(settings)
    try:
        commit_edit(settings, values)
    except IntegrityError:
        db.session.rollback()
        fresh = db.session.scalars(
            sa.select(ReportSettings)
            .where(ReportSettings.partnership_id == settings.partnership_id)).one()
        raise EditConflict(fresh, values) from None


# --- reports -------------------------------------------------------------------------------


def reports_of(partnership: Partnership) -> list[YearlyReport]:
    """Return the partnership's reports, the latest period first."""
    return list(db.session.scalars(
        sa.select(YearlyReport).where(YearlyReport.partnership_id == partnership.id)
        .order_by(YearlyReport.period_end.desc(), YearlyReport.period_start.desc(),
                  YearlyReport.id.desc())))


def start_report(partnership: Partnership, start: dt.date, end: dt.date,
                 title: str) -> YearlyReport:
    """Start a draft report on a period; refuse a period that is wrong or already reported on."""
    title = " ".join(title.split())
    if not title:
        raise ReportProblem("Enter a title for the report", "title")
    if end < start:
        raise ReportProblem("The period must end on or after the day it starts", "period_end")
    if (end - start).days + 1 > LONGEST_PERIOD_DAYS:
        raise ReportProblem("The period must be a year or shorter", "period_end")
    label = period_label(partnership, start, end)
    for other in reports_of(partnership):
        if (other.period_start, other.period_end) == (start, end):
            raise ReportProblem(f"There is already a report on {label}: “{other.title}”",
                                "period_start")
        if other.period_start <= end and start <= other.period_end:
            raise ReportProblem(
                f"The period overlaps “{other.title}”, which covers "
                f"{period_label(partnership, other.period_start, other.period_end)}",
                "period_start")
    report = YearlyReport(partnership=partnership, title=title, period_start=start,
                          period_end=end, status=PublicationStatus.DRAFT)
    db.session.add(report)
    try:
        db.session.flush()
    except IntegrityError:  # someone started the same period a moment ago
        db.session.rollback()
        raise ReportProblem(f"There is already a report on {label}", "period_start") from None
    return report


def report_label(report: YearlyReport) -> str:
    """Name the report's period as the report does."""
    return period_label(report.partnership, report.period_start, report.period_end)


# --- narrative ---------------------------------------------------------------------------


def narrative_row(report: YearlyReport, section: ReportSection) -> ReportNarrative:
    """Return the saved section, or a new unsaved one at version 0 (created on first save)."""
    row = db.session.scalars(
        sa.select(ReportNarrative).where(ReportNarrative.report_id == report.id,
                                         ReportNarrative.section == section)
    ).one_or_none()
    if row is None:
        # Kept out of the session (and out of report.narrative) until the first save.
        row = ReportNarrative(report_id=report.id, section=section, markdown="",
                              written_by="", written_as="", version=0)
    return row


def narrative_rows(report: YearlyReport) -> dict[ReportSection, ReportNarrative]:
    """Return the saved sections of a report by section."""
    return {row.section: row for row in report.narrative}


def may_write(user: Any, report: YearlyReport, section: ReportSection) -> bool:
    """Say whether the user may write a section: the scrutineer's assessment, or the team's."""
    if section is ReportSection.ASSESSMENT:
        return can(user, "assess", report)
    return can(user, "edit", report)


def written_by(user: User) -> str:
    """Name the user as the report credits them: their register entry, else their account."""
    person = person_for_user(user)
    return ((person.name if person else "") or user.name or user.email)[:120]


def written_as(user: User, section: ReportSection) -> str:
    """Say in what role the user writes: the scrutineer as such, others by title or role."""
    if section is ReportSection.ASSESSMENT:
        return SCRUTINEER_TITLE
    person = person_for_user(user)
    return ((person.job_title if person else "") or Role(user.role).label)[:200]


def save_narrative(row: ReportNarrative, values: Mapping[str, Any], user: User) -> None:
    """Save a section written by ``user``, crediting them; refuse anyone else and any change
    to a published report. A first save that lost the race to another is an EditConflict.

    The caller applies the values with :func:`partnership.editing.apply_edit` first (to catch
    a form opened before someone else's save); they are applied again here for callers that
    do not.
    """
    # Checks and credits read the database: none of them may flush the edit half-made
    # (every flush would count as a new version).
    with db.session.no_autoflush:
        report = db.session.get(YearlyReport, row.report_id)
        if report is None:
            raise WorkflowRefused("The report no longer exists.")
        _refuse_if_published(report, "changed")
        if not may_write(user, report, row.section):
            if row.section is ReportSection.ASSESSMENT:
                raise NotAllowed("Only the partnership's independent scrutineer may write the "
                                 "assessment.")
            raise NotAllowed("Only the partnership team may write the report's narrative.")
        for name, value in values.items():
            setattr(row, name, value)
        row.written_by = written_by(user)
        row.written_as = written_as(user, row.section)
        row.updated_at = utcnow()
        if sa.inspect(row).transient:
            db.session.add(row)
    try:
        commit_edit(row, values)
    except IntegrityError:
        db.session.rollback()
        fresh = db.session.scalars(
            sa.select(ReportNarrative).where(ReportNarrative.report_id == row.report_id,
                                             ReportNarrative.section == row.section)
        ).one()
        raise EditConflict(fresh, values) from None


# --- the document and its digest ---------------------------------------------------------


def with_snapshot(report: YearlyReport) -> dict[str, Any] | None:
    """Return a published report's stored snapshot (the column is deferred)."""
    if report.id is None:
        return report.snapshot
    return db.session.scalars(
        sa.select(YearlyReport.snapshot).where(YearlyReport.id == report.id)).one()


def _assessment(report: YearlyReport) -> Assessment | None:
    row = narrative_rows(report).get(ReportSection.ASSESSMENT)
    if row is None or not row.markdown.strip():
        return None
    updated = row.updated_at.astimezone(UK_TIME).date().isoformat() if row.updated_at else None
    return Assessment(markdown=row.markdown, written_by=row.written_by,
                      written_as=row.written_as, updated=updated)


def unsigned_document(report: YearlyReport, day: dt.date | None = None) -> ReportDocument:
    """Assemble the draft as it reads now, without its sign-offs."""
    day = day or today()
    content: ReportContent = assembling.assemble(report.partnership, report.period_start,
                                                 report.period_end, day)
    narrative = {row.section.value: row.markdown for row in report.narrative
                 if row.section is not ReportSection.ASSESSMENT and row.markdown.strip()}
    return ReportDocument(title=report.title, status=DRAFT_STATUS, draft=True,
                          content=content, narrative=narrative,
                          assessment=_assessment(report), sign_offs=[], published=None)


def document_of(report: YearlyReport,
                today: dt.date | None = None) -> ReportDocument | dict[str, Any]:
    """Return what the report's document is made from: the live draft, or the snapshot."""
    if report.published:
        snapshot = with_snapshot(report)
        if snapshot is None:
            raise WorkflowRefused(f"“{report.title}” has no stored snapshot.")
        return snapshot
    return draft_document(report, today)


def _get(value: Any, name: str) -> Any:
    """Read a field of a dataclass or of its dict (a published snapshot)."""
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name)


def _as_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def signed_content(document: ReportDocument | Mapping[str, Any]) -> dict[str, Any]:
    """Return what partners sign off: the figures, the narrative and the assessment.

    The sign-offs and status are left out (signing must not change what was signed), and so
    is ``as_of``, the day the draft was assembled: the same figures assembled on another day
    are the same report.
    """
    content = dict(_as_plain(_get(document, "content")) or {})
    content.pop("as_of", None)
    return {
        "content": content,
        "narrative": {k: v for k, v in (_get(document, "narrative") or {}).items() if v},
        "assessment": _as_plain(_get(document, "assessment")),
    }


def content_digest(document: ReportDocument | Mapping[str, Any]) -> str:
    """Return the SHA-256 of what partners sign off (see :func:`signed_content`)."""
    return digest_of(signed_content(document))


# --- the parts of the report, summarised --------------------------------------------------


@dataclass(frozen=True)
class PartSummary:
    """One of the report's eight parts as the report page sums it up."""

    number: int | None  # None: a chapter without a part number (the budget)
    title: str
    records: int
    missing: str
    section: ReportSection

    @property
    def summary(self) -> str:
        """Say where the part's figures come from, or why it has none."""
        if self.missing:
            return self.missing
        return f"Filled from {plural(self.records, 'record')}"


def _count(value: Any, *names: str) -> int:
    return sum(int(_get(value, name) or 0) for name in names)


def _length(value: Any, *names: str) -> int:
    """The lengths of a part's lists, 0 for a part the content does not have."""
    if value is None:
        return 0
    return sum(len(_get(value, name) or []) for name in names)


def part_summaries(document: ReportDocument | Mapping[str, Any]) -> list[PartSummary]:
    """Sum up each of the eight parts and the budget: how many records each is filled
    from, or why not (the dataset's indicators and the training courses count under part 3,
    where the document prints them)."""
    content = _get(document, "content")
    activities = _get(content, "activities")
    reviews = _get(content, "reviews")
    impact = _get(content, "impact")
    progress = _get(content, "progress")
    recommendations = _get(content, "recommendations")
    feedback = _get(content, "feedback")
    changes = _get(content, "changes")
    assessment = _get(document, "assessment")
    reviewed = [*(_get(recommendations, "local") or []), *(_get(recommendations, "national")
                                                          or [])]
    parts = [
        (ReportSection.ACTIVITIES, activities,
         _count(activities, "meetings_held", "actions_live", "rapid_reviews", "local_reviews",
                "national_referrals", "learning_reviews", "arrangements_published")),
        (ReportSection.REVIEWS, reviews, _length(reviews, "rapid", "local", "national")),
        (ReportSection.IMPACT, impact,
         _count(impact, "entries") + _length(impact, "audits", "scrutiny", "rounds")
         + (1 if _get(impact, "escalations") else 0)
         + _length(_get(impact, "data"), "indicators")
         + _length(_get(content, "training"), "courses")),
        (ReportSection.PROGRESS, progress, _count(progress, "objectives_considered")),
        (ReportSection.RECOMMENDATIONS, recommendations,
         sum(len(_get(review, "recommendations") or []) for review in reviewed)
         + _count(recommendations, "unpublished_recommendations")),
        (ReportSection.FEEDBACK, feedback, _length(feedback, "entries", "engagements")),
        (ReportSection.ASSESSMENT, None, 1 if assessment else 0),
        (ReportSection.CHANGES, changes,
         _length(changes, "published_in_period")
         + sum(1 for name in ("at_start", "at_end") if _get(changes, name))),
    ]
    summaries = []
    for number, (section, part, records) in enumerate(parts, start=1):
        if part is None:
            missing = "" if assessment else "The independent scrutineer has not written it yet."
        else:
            missing = str(_get(part, "missing") or "")
        summaries.append(PartSummary(number, section.title, records, missing, section))
    money = _get(content, "money")
    if money is not None:
        summaries.append(PartSummary(
            None, ReportSection.MONEY.title,
            _length(money, "contributions", "budget_lines"), str(_get(money, "missing") or ""),
            ReportSection.MONEY))
    return summaries


# --- sign-off and publishing (the workflow itself is partnership.publishing) --------------


def sign_off_lines(report: YearlyReport, digest: str | None = None,
                   day: dt.date | None = None) -> list[SignOffLine]:
    """Return the three partners in the guidance's order, each with its sign-off if given."""
    return workflow.sign_off_lines(report, digest, day)


def draft_document(report: YearlyReport, day: dt.date | None = None) -> ReportDocument:
    """Assemble the draft as it reads now, with the signatures of what it says now."""
    unsigned = unsigned_document(report, day)
    lines = sign_off_lines(report, content_digest(unsigned), day)
    return dataclasses.replace(unsigned, sign_offs=workflow.printed(lines))


def published_document(report: YearlyReport, signatures: Sequence[PrintedSignature],
                       status: str, day: dt.date) -> ReportDocument:
    """The document as it is published: the draft as it reads now, signed and dated."""
    return dataclasses.replace(unsigned_document(report, day), status=status, draft=False,
                               published=day.isoformat(), sign_offs=list(signatures))


def sign_off(report: YearlyReport, user: User, day: dt.date | None = None,
             comment: str = "") -> Any:
    """Record the user's sign-off of the report as it reads now."""
    return workflow.sign(report, user, comment, day)


def publish(report: YearlyReport, day: dt.date | None = None, *,
            file_now: bool = False) -> YearlyReport:
    """Publish a draft all three partners signed as it reads now, and freeze it."""
    return cast(YearlyReport, workflow.publish(report, day, file_now=file_now))


def waiting_words(lines: Sequence[SignOffLine]) -> str:
    """Say who must still sign off, and who must sign again because the report changed."""
    return workflow.waiting_words(lines, "the report")


def ready_to_publish(report: YearlyReport, lines: Sequence[SignOffLine]) -> bool:
    """Say whether all three partners have signed off the report as it reads now."""
    return workflow.ready_to_publish(report, lines)


def published_pdf(report: YearlyReport) -> bytes | None:
    """Return the stored PDF of a published report (None while it is being made)."""
    return workflow.published_file(report)


def pdf_filename(report: YearlyReport, day: dt.date | None = None) -> str:
    """Name the downloaded file: ``<slug>-yearly-report-2025-26-v1-2026-07-14.pdf``."""
    return document_for(DocumentKind.YEARLY_REPORT).file_name(report, day)


def _refuse_if_published(report: YearlyReport, what: str) -> None:
    if report.published:
        raise AlreadyPublished(
            f"“{report.title}” is published and cannot be {what}: a published report never "
            "changes.")


# --- copies sent after publication --------------------------------------------------------


def add_copy(report: YearlyReport, recipient: str, sent_on: dt.date | None, how: str,
             user: User | None, day: dt.date | None = None) -> CopySent:
    """Record a copy of a published report sent to someone; refuse impossible dates."""
    day = day or today()
    if not report.published or report.published_on is None:
        raise WorkflowRefused(f"Copies of “{report.title}” are recorded once it is published.")
    recipient = " ".join(recipient.split())
    if not recipient:
        raise ReportProblem("Enter who the copy was sent to", "recipient")
    if len(recipient) > RECIPIENT_MAX_LENGTH:
        raise ReportProblem(
            f"Who it was sent to must be {RECIPIENT_MAX_LENGTH} characters or fewer",
            "recipient")
    if sent_on is None:
        raise ReportProblem("Enter the date the copy was sent", "sent_on")
    if sent_on < report.published_on:
        raise ReportProblem(
            "The date sent must be on or after the report was published "
            f"({long_date(report.published_on)})", "sent_on")
    if sent_on > day:
        raise ReportProblem("The date sent must be today or in the past", "sent_on")
    copy = CopySent(report=report, recipient=recipient, sent_on=sent_on,
                    how=" ".join(how.split())[:200], recorded_by_id=user.id if user else None)
    db.session.add(copy)
    db.session.flush()
    return copy


@dataclass(frozen=True)
class RecipientCopy:
    """A recipient in the settings and the copies sent to them (none yet: an empty list)."""

    recipient: str
    sent: list[CopySent]


def copies_by_recipient(report: YearlyReport,
                        settings: ReportSettings | None = None) -> list[RecipientCopy]:
    """Each recipient in the settings with the copies sent to them, then anyone else sent
    one."""
    settings = settings or settings_of(report.partnership)
    by_name: dict[str, list[CopySent]] = {}
    for copy in report.copies:
        by_name.setdefault(" ".join(copy.recipient.split()).casefold(), []).append(copy)
    rows = [RecipientCopy(name, by_name.pop(name.casefold(), []))
            for name in settings.recipient_list]
    rows += [RecipientCopy(copies[0].recipient, copies) for copies in by_name.values()]
    return rows


def copies_missing(report: YearlyReport, settings: ReportSettings | None = None) -> list[str]:
    """Return the recipients in the settings who have not been sent a copy yet."""
    settings = settings or settings_of(report.partnership)
    sent = {" ".join(copy.recipient.split()).casefold() for copy in report.copies}
    return [name for name in settings.recipient_list if name.casefold() not in sent]


# --- deadlines ---------------------------------------------------------------------------


PUBLISHED = "published"
DUE_SOON = "due soon"
OVERDUE = "overdue"
NOT_YET_DUE = "not yet due"


def publication_due(partnership: Partnership, period_end: dt.date,
                    settings: ReportSettings | None = None) -> dt.date:
    """Return when the report on a period ending on ``period_end`` must be published by."""
    settings = settings or settings_of(partnership)
    return add_months(period_end, settings.deadline_months)


def days_words(days: int) -> str:
    """Say how far away a date is: "due in 3 days", "due today", "4 days overdue"."""
    if days < 0:
        return f"{plural(-days, 'day')} overdue"
    if days == 0:
        return "due today"
    return f"due in {plural(days, 'day')}"


@dataclass(frozen=True)
class ReportDeadline:
    """A partnership's latest ended period: when its report is due and where it stands."""

    partnership: Partnership
    period_start: dt.date
    period_end: dt.date
    period: str
    due: dt.date
    days_left: int
    state: str
    report: YearlyReport | None
    copies_to_send: list[str]
    copies_due: dt.date | None
    copies_days_left: int | None
    your_sign_off_needed: bool = False

    @property
    def needs_attention(self) -> bool:
        """Say whether the dashboard shows this row: a deadline close or passed, copies
        still to send, or the user's own sign-off awaited."""
        return (self.state in (DUE_SOON, OVERDUE) or bool(self.copies_to_send)
                or self.your_sign_off_needed)

    @property
    def summary(self) -> str:
        """Say where the report stands in words."""
        if self.state != PUBLISHED:
            return days_words(self.days_left)
        if self.copies_to_send and self.copies_days_left is not None:
            count = len(self.copies_to_send)
            when = days_words(self.copies_days_left)
            return f"published; {plural(count, 'copy', 'copies')} still to send, {when}"
        return "published"


def partnerships_for(user: Any, day: dt.date) -> list[Partnership]:
    """Return the partnerships whose reports the user works on: the team all of them, a
    partner's representative those they represent, the scrutineer those they scrutinise."""
    query = sa.select(Partnership).where(readable(Partnership)).order_by(Partnership.name)
    role = getattr(user, "role", None)
    if role is Role.TEAM:
        return list(db.session.scalars(query))
    if role not in (Role.PARTNER, Role.SCRUTINEER):
        return []
    scope = scope_of(user, day)
    ids = (scope.represented_partnership_ids if role is Role.PARTNER
           else scope.scrutinised_partnership_ids)
    if not ids:
        return []
    return list(db.session.scalars(query.where(Partnership.id.in_(ids))))


def deadline_of(partnership: Partnership, day: dt.date,
                partner_ids: frozenset[int] = frozenset()) -> ReportDeadline:
    """Return the deadline of the partnership's latest ended period (its last reporting year).

    ``partner_ids`` are the partners the user represents: the row notes when one of them has
    not signed off the draft yet.
    """
    settings = settings_of(partnership)
    start, end = default_period(partnership, day)
    reports = [r for r in reports_of(partnership) if r.period_end == end]
    report = next((r for r in reports if r.published), reports[0] if reports else None)
    due = add_months(end, settings.deadline_months)
    days_left = (due - day).days
    copies: list[str] = []
    copies_due = copies_left = None
    if report is not None and report.published:
        state = PUBLISHED
        if report.published_on is not None:
            copies = copies_missing(report, settings)
            copies_due = report.published_on + dt.timedelta(days=settings.copies_within_days)
            copies_left = (copies_due - day).days
    elif days_left < 0:
        state = OVERDUE
    elif days_left <= settings.warning_days:
        state = DUE_SOON
    else:
        state = NOT_YET_DUE
    signed = {s.partner_id for s in report.sign_offs} if report is not None else set()
    needed = (report is not None and not report.published
              and bool(partner_ids & ({p.id for p in partnership.partners} - signed)))
    label = (report_label(report) if report is not None
             else period_label(partnership, start, end))
    return ReportDeadline(partnership, report.period_start if report else start, end, label,
                          due, days_left, state, report, copies, copies_due, copies_left,
                          needed)


def report_deadlines(user: Any, day: dt.date | None = None) -> list[ReportDeadline]:
    """Return, for each partnership the user works on, the deadline of its latest ended period.

    The dashboard panel shows only the rows that need attention (``needs_attention``).
    """
    day = day or today()
    partnerships = partnerships_for(user, day)
    partner_ids = (scope_of(user, day).partner_ids
                   if partnerships and getattr(user, "role", None) is Role.PARTNER
                   else frozenset())
    return [deadline_of(partnership, day, partner_ids) for partnership in partnerships]


# --- immutability, enforced below the views (the report itself: partnership.publishing) -----


def _report_is_published(target: Any, connection: Any) -> bool:
    """Say whether the report a narrative row or copy belongs to is published."""
    report = target.report
    if report is not None:
        return bool(report.published or was_published(report))
    status = connection.scalar(
        sa.select(YearlyReport.status).where(YearlyReport.id == target.report_id))
    return status is not None and status != PublicationStatus.DRAFT


def _refuse_narrative_of_published(_mapper: Mapper[Any], connection: Any,
                                   target: ReportNarrative) -> None:
    if _report_is_published(target, connection):
        raise AlreadyPublished("The report is published and its narrative cannot be changed.")


def _refuse_copy_of_draft(_mapper: Mapper[Any], connection: Any, target: CopySent) -> None:
    if not _report_is_published(target, connection):
        raise WorkflowRefused("Copies of a report are recorded once it is published.")


def _refuse_deleting_narrative(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, ReportNarrative) and obj.report is not None \
                and (obj.report.published or was_published(obj.report)):
            raise AlreadyPublished(f"“{obj.report.title}” is published: its narrative cannot "
                                   "be deleted.")


def guard_published_reports() -> None:
    """Install, once, the checks that keep a published report's narrative unchanged."""
    hooks = [
        (ReportNarrative, "before_insert", _refuse_narrative_of_published),
        (ReportNarrative, "before_update", _refuse_narrative_of_published),
        (CopySent, "before_insert", _refuse_copy_of_draft),
        (Session, "before_flush", _refuse_deleting_narrative),
    ]
    for target, name, hook in hooks:
        if not sa.event.contains(target, name, hook):
            sa.event.listen(target, name, hook)
