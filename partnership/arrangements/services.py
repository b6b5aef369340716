"""The arrangements: narrative sections, sign-off rounds, review dates and comparing versions.

A sign-off round is a draft :class:`ArrangementsVersion`; signing, publishing and superseding
are the one publishing workflow's (``partnership.publishing``), which this document joins
through :class:`partnership.arrangements.adapter.ArrangementsDocument`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import undefer

from partnership.arrangements.models import ArrangementsVersion
from partnership.clock import today
from partnership.extensions import db
from partnership.kernel.dates import add_months
from partnership.policy import readable
from partnership.publishing import workflow
from partnership.publishing.documents import PrintedSignature, document_for
from partnership.publishing.models import DocumentKind, PublicationStatus
from partnership.publishing.workflow import PublishingRefused, RoundAlreadyOpen
from partnership.register.exchange import RegisterChange, compare_registers
from partnership.register.models import Partnership

DRAFT_STATUS = workflow.DRAFT_STATUS
WorkflowRefused = PublishingRefused


def review_due_after(published_on: dt.date) -> dt.date:
    """Return when arrangements published on a date are due for review."""
    return add_months(published_on, current_app.config["ARRANGEMENTS_REVIEW_MONTHS"])


# --- versions and the sign-off round (the workflow itself is partnership.publishing) -------


def versions(partnership: Partnership) -> list[ArrangementsVersion]:
    """Return every version of the partnership's arrangements, newest first."""
    return list(db.session.scalars(
        sa.select(ArrangementsVersion)
        .where(ArrangementsVersion.partnership_id == partnership.id)
        .order_by(ArrangementsVersion.published_on.desc().nulls_first(),  # drafts, then by date
                  ArrangementsVersion.created_at.desc(), ArrangementsVersion.id.desc())
    ))


def published_versions(partnership: Partnership) -> list[ArrangementsVersion]:
    """Return the published versions (superseded ones too), newest first."""
    return [v for v in versions(partnership) if v.published]


def latest_published(partnership: Partnership) -> ArrangementsVersion | None:
    """Return the partnership's current published arrangements, if any."""
    return db.session.scalars(
        sa.select(ArrangementsVersion)
        .where(ArrangementsVersion.partnership_id == partnership.id,
               ArrangementsVersion.status == PublicationStatus.PUBLISHED)
        .order_by(ArrangementsVersion.published_at.desc(), ArrangementsVersion.id.desc())
        .limit(1)
    ).first()


def open_round(partnership: Partnership) -> ArrangementsVersion | None:
    """Return the draft version being signed off, if a round is open."""
    return cast(ArrangementsVersion | None,
                workflow.open_draft(document_for(DocumentKind.ARRANGEMENTS), partnership))


def default_title(partnership: Partnership, day: dt.date) -> str:
    """Suggest a title for a new version."""
    return f"{partnership.short_name or partnership.name} safeguarding arrangements {day.year}"


def start_round(partnership: Partnership, title: str) -> ArrangementsVersion:
    """Open a sign-off round: a new draft version with the given title."""
    current = open_round(partnership)
    if current is not None:
        raise RoundAlreadyOpen(
            f"A sign-off round is already open for “{current.title}”. "
            "Publish or withdraw it before starting another.", field="title")
    version = ArrangementsVersion(partnership=partnership, title=title.strip(),
                                  status=PublicationStatus.DRAFT)
    db.session.add(version)
    db.session.flush()
    return version


def current_signatures(partnership: Partnership,
                       day: dt.date | None = None) -> list[PrintedSignature]:
    """Return the open round's signatures of the draft as it reads now, to print on it."""
    current = open_round(partnership)
    if current is None:
        return []
    return workflow.printed(workflow.sign_off_lines(current, day=day))


def published_pdf(version: ArrangementsVersion) -> bytes | None:
    """Return the stored PDF of a published version (None while it is being made)."""
    return workflow.published_file(version)


def pdf_filename(version: ArrangementsVersion) -> str:
    """Name the downloaded file: ``<slug>-arrangements-v3-2026-03-03.pdf``."""
    return document_for(DocumentKind.ARRANGEMENTS).file_name(version)


def draft_filename(partnership: Partnership, day: dt.date | None = None) -> str:
    """Name the downloaded draft PDF safely, with the date it was made."""
    return document_for(DocumentKind.ARRANGEMENTS).file_name(
        ArrangementsVersion(partnership=partnership, status=PublicationStatus.DRAFT), day)


# --- the dashboard -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewDate:
    """When a partnership's published arrangements are next due for review."""

    partnership: Partnership
    version: ArrangementsVersion | None
    days_left: int | None

    @property
    def overdue(self) -> bool:
        """Say whether the review date has passed."""
        return self.days_left is not None and self.days_left < 0

    @property
    def summary(self) -> str:
        """Say in words how far away the review is."""
        if self.days_left is None:
            return "not published yet"
        if self.days_left < 0:
            late = -self.days_left
            return f"overdue by {late} day{'' if late == 1 else 's'}"
        if self.days_left == 0:
            return "due today"
        return f"due in {self.days_left} day{'' if self.days_left == 1 else 's'}"


def days_until(due: dt.date, day: dt.date) -> int:
    """Return the days from ``day`` to ``due`` (negative once it has passed)."""
    return (due - day).days


def review_dates(day: dt.date | None = None) -> list[ReviewDate]:
    """Return, for every partnership the reader serves, the next review of its latest published
    arrangements."""
    day = day or today()
    rows = []
    for partnership in db.session.scalars(
            sa.select(Partnership).where(readable(Partnership)).order_by(Partnership.name)):
        version = latest_published(partnership)
        due = version.review_due if version else None
        rows.append(ReviewDate(partnership, version, days_until(due, day) if due else None))
    return rows


# --- comparing two published versions ----------------------------------------------------


@dataclass(frozen=True)
class ChangeGroup:
    """Changes of one kind in one part of the register, e.g. "Agencies added"."""

    heading: str
    changes: tuple[RegisterChange, ...]


CHANGE_ORDER = ("added", "removed", "changed")


def with_snapshot(version_id: int) -> ArrangementsVersion | None:
    """Load a version with its snapshot (deferred otherwise)."""
    return db.session.scalars(
        sa.select(ArrangementsVersion).options(undefer(ArrangementsVersion.snapshot))
        .where(ArrangementsVersion.id == version_id)
    ).one_or_none()


def register_of(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Return the register in a published version's snapshot.

    Versions published before the one workflow stored the register alone; since, the
    snapshot is the whole signed content (title, register and narrative).
    """
    return cast(dict[str, Any], snapshot.get("register", snapshot))


def compare_versions(older: ArrangementsVersion,
                     newer: ArrangementsVersion) -> list[ChangeGroup]:
    """Return what changed in the register between two published versions, grouped."""
    for version in (older, newer):
        if not version.published or version.snapshot is None:
            raise WorkflowRefused(f"“{version.title}” has not been published, so it has no "
                                  "register snapshot to compare.")
    return group_changes(compare_registers(register_of(older.snapshot or {}),
                                           register_of(newer.snapshot or {})))


def group_changes(changes: Sequence[RegisterChange]) -> list[ChangeGroup]:
    """Group changes by section (in the order they come) and kind (added, removed, changed)."""
    sections: list[str] = []
    for change in changes:
        if change.section not in sections:
            sections.append(change.section)
    groups = []
    for section in sections:
        for kind in CHANGE_ORDER:
            found = tuple(c for c in changes if c.section == section and c.change == kind)
            if found:
                groups.append(ChangeGroup(f"{_section_heading(section)} {kind}", found))
    return groups


def _section_heading(section: str) -> str:
    words = section.replace("_", " ").strip()
    return words[:1].upper() + words[1:]
