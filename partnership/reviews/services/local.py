"""The local child safeguarding practice review of a case: the decision and its target
date, terms of reference and methodology, reviewers, family and practitioner involvement,
milestones, the publication decision, and monitoring of time and quality at intervals.

The review is expected to be completed and published within the partnership's setting
(6 months by default) of the decision to hold it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from partnership.accounts.models import User
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.kernel.dates import add_months, is_working_day, long_date
from partnership.reviews.models import (
    Case,
    LocalReview,
    Milestone,
    MilestoneKind,
    MonitoringEntry,
    PublicationDecision,
    Reviewer,
)
from partnership.reviews.services import ReviewError, gates, settings_for
from partnership.reviews.services.deadlines import closures_of
from partnership.reviews.services.rapid import not_in_future, refuse_if_any

# How far from the decision to the target each milestone falls by default (the target is
# the day the report is published).
MILESTONE_SHARE: dict[MilestoneKind, float] = {
    MilestoneKind.DRAFT_RECEIVED: 0.5,
    MilestoneKind.APPROVED_BY_GROUP: 0.65,
    MilestoneKind.PRESENTED_TO_BOARD: 0.75,
    MilestoneKind.PUBLICATION_DECISION: 0.8,
    MilestoneKind.COPIES_SENT: 0.9,
    MilestoneKind.PUBLISHED: 1.0,
}
PUBLISHING = frozenset({PublicationDecision.PUBLISH, PublicationDecision.PUBLISH_REDACTED})


class LocalReviewMissing(ReviewError):
    """The decision to hold a local review must be recorded before anything else about it."""

    def __init__(self) -> None:
        super().__init__("Record the decision to hold a local review first")


def local_review_or_refuse(case: Case) -> LocalReview:
    """Return the case's local review, or refuse: it starts with its decision date."""
    if case.local_review is None:
        raise LocalReviewMissing
    return case.local_review


# --- the decision, terms of reference and involvement ----------------------------------------

LOCAL_FIELDS = ("decided_on", "terms_of_reference", "methodology", "family_involvement",
                "practitioner_involvement")


def target_for(case: Case, decided_on: dt.date) -> dt.date:
    """The target for completion and publication: the decision plus the setting's months."""
    return add_months(decided_on, settings_for(case.partnership).local_review_months)


def save_local_review(case: Case, started_from: object, values: Mapping[str, Any],
                      today: dt.date) -> LocalReview:
    """Record the decision and what the review is about, creating it on its first save.

    The target date follows the decision date. Raises ReviewProblems or EditConflict.
    """
    problems: list[ReviewError] = []
    decided = values["decided_on"]
    not_in_future(problems, values, "decided_on", "Date of the decision", today)
    if decided < case.aware_on and not problems:
        problems.append(ReviewError(
            f"Date of the decision must be on or after {long_date(case.aware_on)}, the day the "
            "partners became aware", "decided_on"))
    refuse_if_any(problems)
    stored = {**{name: values[name] for name in LOCAL_FIELDS},
              "target_on": target_for(case, decided)}
    local = case.local_review
    if local is None:
        local = LocalReview(case=case, **stored)
        db.session.add(local)
        db.session.flush()
        return local
    apply_edit(local, started_from, stored)
    return local


# --- reviewers -------------------------------------------------------------------------------


def reviewer_problems(values: Mapping[str, Any], today: dt.date) -> list[ReviewError]:
    """Check a reviewer's dates; return every problem found."""
    problems: list[ReviewError] = []
    not_in_future(problems, values, "commissioned_on", "Date commissioned", today)
    start, end = values.get("commissioned_on"), values.get("ends_on")
    if start is not None and end is not None and end < start:
        problems.append(ReviewError(
            f"End date must be on or after {long_date(start)}, the date commissioned",
            "ends_on"))
    return problems


def add_reviewer(case: Case, values: Mapping[str, Any], today: dt.date) -> Reviewer:
    """Record a reviewer commissioned for the case's local review."""
    local = local_review_or_refuse(case)
    refuse_if_any(reviewer_problems(values, today))
    reviewer = Reviewer(local_review=local, **values)
    db.session.add(reviewer)
    db.session.flush()
    return reviewer


def update_reviewer(reviewer: Reviewer, started_from: object, values: Mapping[str, Any],
                    today: dt.date) -> bool:
    """Change a reviewer's details; return whether anything changed."""
    refuse_if_any(reviewer_problems(values, today))
    return apply_edit(reviewer, started_from, values)


# --- milestones ------------------------------------------------------------------------------


def default_due(local: LocalReview, kind: MilestoneKind) -> dt.date:
    """A milestone's default due date: its share of the way from the decision to the target,
    moved back to a working day."""
    span = (local.target_on - local.decided_on).days
    day = local.decided_on + dt.timedelta(days=round(span * MILESTONE_SHARE[kind]))
    closures = closures_of(local.case.partnership_id)
    while not is_working_day(day, closures) and day > local.decided_on:
        day -= dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class MilestoneLine:
    """One milestone of a local review, recorded or not, in the usual order."""

    kind: MilestoneKind
    milestone: Milestone | None
    overdue: bool

    @property
    def status(self) -> str:
        """Say where the milestone stands, in words."""
        row = self.milestone
        if row is not None and row.done_on is not None:
            return f"Done {long_date(row.done_on)}"
        if row is None or row.due_on is None:
            return "No due date"
        if self.overdue:
            return f"Overdue: due {long_date(row.due_on)}"
        return f"Due {long_date(row.due_on)}"


def milestone_lines(local: LocalReview | None, today: dt.date) -> list[MilestoneLine]:
    """Every kind of milestone with its row if recorded; overdue = due passed, not done."""
    if local is None:
        return []
    rows = {row.kind: row for row in local.milestones}
    lines = []
    for kind in MilestoneKind:
        row = rows.get(kind)
        overdue = (row is not None and row.done_on is None and row.due_on is not None
                   and row.due_on < today)
        lines.append(MilestoneLine(kind, row, overdue))
    return lines


class MilestonesChanged(ReviewError):
    """Someone saved the milestones after this user opened the form."""

    def __init__(self, kinds: list[MilestoneKind]) -> None:
        super().__init__(
            "Someone else saved these milestones while you were editing them ("
            + ", ".join(kind.label for kind in kinds)
            + "). Your changes are shown below and were not saved: check them against the "
              "saved dates on the case page and save again to keep yours.")
        self.kinds = kinds


def save_milestones(case: Case, values: Mapping[MilestoneKind, Mapping[str, Any]],
                    versions: Mapping[MilestoneKind, str], today: dt.date) -> int:
    """Save every milestone in one go; return how many changed.

    ``values``: kind -> {"due_on", "done_on", "note"}. ``versions``: kind -> the version the
    form was opened at ("" for a milestone not recorded then). Raises ReviewProblems (each
    field named ``due_<kind>``, ``done_<kind>``), MilestonesChanged, or LocalReviewMissing.
    """
    local = local_review_or_refuse(case)
    problems: list[ReviewError] = []
    for kind, row in values.items():
        done = row.get("done_on")
        if done is not None and done > today:
            problems.append(ReviewError(f"{kind.label}: the date done must be today or in the "
                                        "past", f"done_{kind.value}"))
        elif done is not None and done < local.decided_on:
            problems.append(ReviewError(
                f"{kind.label}: the date done must be on or after {long_date(local.decided_on)},"
                " the decision to hold the review", f"done_{kind.value}"))
    refuse_if_any(problems)
    existing = {row.kind: row for row in local.milestones}
    stale = [kind for kind in values
             if str(existing[kind].version if kind in existing else "")
             != str(versions.get(kind, ""))]
    if stale:
        raise MilestonesChanged(stale)
    changed = 0
    for kind, row in values.items():
        stored = {"due_on": row.get("due_on"), "done_on": row.get("done_on"),
                  "note": row.get("note", "")}
        milestone = existing.get(kind)
        if milestone is None:
            if not any(stored.values()):
                continue
            db.session.add(Milestone(local_review=local, kind=kind, **stored))
            changed += 1
        elif apply_edit(milestone, milestone.version, stored):
            changed += 1
    db.session.flush()
    return changed


# --- publication -----------------------------------------------------------------------------

PUBLICATION_FIELDS = ("publication_decision", "publication_risks", "publication_reason",
                      "published_on", "published_url")


def is_https_address(text: str) -> bool:
    """Say whether text is a web address starting https:// with a host name."""
    parts = urlsplit(text)
    return parts.scheme == "https" and bool(parts.hostname) and " " not in text


def publication_problems(local: LocalReview, values: Mapping[str, Any],
                         today: dt.date) -> list[ReviewError]:
    """Check the publication decision; return every problem found."""
    problems: list[ReviewError] = []
    decision = values.get("publication_decision")
    if decision is None:
        problems.append(ReviewError("Select whether the report is to be published",
                                    "publication_decision"))
    if not values.get("publication_risks"):
        problems.append(ReviewError("Enter the risks to the child's or others' welfare that "
                                    "were weighed", "publication_risks"))
    if not values.get("publication_reason"):
        problems.append(ReviewError("Enter the reason for the decision", "publication_reason"))
    published, url = values.get("published_on"), values.get("published_url")
    if published is not None:
        if decision is not None and decision not in PUBLISHING:
            problems.append(ReviewError("A report that is not to be published cannot have a "
                                        "date published: remove the date, or change the "
                                        "decision", "published_on"))
        elif published > today:
            problems.append(ReviewError("Date published must be today or in the past",
                                        "published_on"))
        elif published < local.decided_on:
            problems.append(ReviewError(
                f"Date published must be on or after {long_date(local.decided_on)}, the "
                "decision to hold the review", "published_on"))
    if published is not None and not any(p.field == "published_on" for p in problems):
        # Before a report is published: the group's approval and the board's presentation
        # (the publication decision itself is checked above).
        before = [item for item in gates.publication_missing(local)
                  if "publication decision" not in item]
        if before:
            problems.append(ReviewError("Before the report is published, record in the "
                                        "milestones " + " and ".join(before), "published_on"))
    if url:
        if not is_https_address(url):
            problems.append(ReviewError("Enter the address it was published at, starting "
                                        "https://, like https://www.example.gov.uk/reviews",
                                        "published_url"))
        elif published is None:
            problems.append(ReviewError("Enter the date it was published", "published_on"))
    return problems


def save_publication(case: Case, started_from: object, values: Mapping[str, Any],
                     today: dt.date) -> LocalReview:
    """Record the publication decision (and the publication); when a date published is
    recorded, the "Published" milestone is marked done that day if it was not already."""
    local = local_review_or_refuse(case)
    refuse_if_any(publication_problems(local, values, today))
    apply_edit(local, started_from, {name: values.get(name) for name in PUBLICATION_FIELDS})
    published = values.get("published_on")
    if published is not None:
        milestone = next((m for m in local.milestones if m.kind is MilestoneKind.PUBLISHED),
                         None)
        if milestone is None:
            local.milestones.append(Milestone(kind=MilestoneKind.PUBLISHED,
                                              due_on=local.target_on, done_on=published))
        elif milestone.done_on is None:
            milestone.done_on = published
    return local


# --- monitoring ------------------------------------------------------------------------------


def add_monitoring(case: Case, values: Mapping[str, Any], author: User,
                   today: dt.date) -> MonitoringEntry:
    """Record a check of the review's timeliness and quality, by the signed-in user."""
    local = local_review_or_refuse(case)
    problems: list[ReviewError] = []
    not_in_future(problems, values, "recorded_on", "Date of the check", today)
    if values["recorded_on"] < local.decided_on and not problems:
        problems.append(ReviewError(
            f"Date of the check must be on or after {long_date(local.decided_on)}, the decision "
            "to hold the review", "recorded_on"))
    refuse_if_any(problems)
    entry = MonitoringEntry(local_review=local, author_id=author.id, **values)
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass(frozen=True)
class MonitoringLine:
    """A monitoring entry with the name of whoever recorded it."""

    entry: MonitoringEntry
    author: str

    @property
    def on_time(self) -> str:
        """The timeliness judgement, in words."""
        return "On time" if self.entry.on_time else "Not on time"


def monitoring_lines(local_review: LocalReview | None) -> list[MonitoringLine]:
    """The review's monitoring entries, oldest first, with their authors (two queries)."""
    if local_review is None:
        return []
    entries = list(local_review.monitoring)
    ids = {entry.author_id for entry in entries if entry.author_id is not None}
    names: dict[int, str] = {}
    if ids:
        names = {row.id: row.name
                 for row in db.session.execute(sa.select(User.id, User.name)
                                               .where(User.id.in_(ids)))}
    return [MonitoringLine(entry, names.get(entry.author_id, "") if entry.author_id else "")
            for entry in entries]
