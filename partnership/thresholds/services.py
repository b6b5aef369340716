"""The threshold document: its sections (add, edit, reorder, remove), its content, and the
sign-off round.

A sign-off round is a draft :class:`ThresholdVersion`; signing, publishing and superseding
are the one publishing workflow's (``partnership.publishing``), which this document joins
through :class:`partnership.thresholds.adapter.ThresholdDocument`. The levels of need are the
partnership's own words, written in its sections; nothing here names them, except the
suggested starting structure a team may take and rewrite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from markupsafe import Markup

from partnership.documents.markdown import render_markdown
from partnership.editing import apply_edit, commit_edit
from partnership.extensions import db
from partnership.kernel import ordering
from partnership.kernel.errors import DomainError, NotFound
from partnership.publishing import workflow
from partnership.publishing.documents import PrintedSignature, document_for
from partnership.publishing.models import DocumentKind, PublicationStatus
from partnership.publishing.workflow import RoundAlreadyOpen
from partnership.register.models import Partnership
from partnership.thresholds.models import (
    HEADING_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    ThresholdSection,
    ThresholdVersion,
)

DRAFT_STATUS = workflow.DRAFT_STATUS


class SectionRefused(DomainError):
    """A section the rules refuse (no heading, a heading used twice, text too long)."""


# --- the suggested starting structure --------------------------------------------------------

# Offered once, to a partnership with no sections yet: headings and prompts the team replaces
# with its own words. The levels below are the usual four; the team names its own.
STARTING_STRUCTURE: tuple[tuple[str, str], ...] = (
    ("Introduction",
     "Say what this document is for and who it is for: everyone who works with children "
     "and families in the area, and families themselves. Say that it is agreed by the three "
     "safeguarding partners, and that it is a guide to judgement, not a checklist."),
    ("Levels of need",
     "Describe each level of need in your own words, with examples of what a child's and "
     "family's needs look like at that level and who usually helps.\n\n"
     "### Universal\n\nNeeds met by the services every child uses.\n\n"
     "### Early help\n\nNeeds that call for extra help, coordinated by a lead practitioner.\n\n"
     "### Targeted\n\nComplex needs that call for several agencies working together.\n\n"
     "### Specialist and statutory\n\nA child in need, or a child suffering or likely to "
     "suffer significant harm: social care's statutory assessment."),
    ("How to get help or make a referral",
     "Say how to contact the front door (the multi-agency safeguarding hub or children's "
     "services): telephone numbers, the online form, out-of-hours arrangements, and what "
     "to do when a child is in immediate danger."),
    ("Consent and information sharing",
     "Say when consent is sought, when information is shared without it, and how to "
     "record the decision."),
    ("Professional disagreement and escalation",
     "Say what a practitioner does when they disagree with a decision about a child's "
     "level of need, and how the disagreement is escalated and resolved."),
)


# --- sections ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionEntry:
    """One section as the threshold pages show it."""

    section: ThresholdSection
    first: bool
    last: bool

    @property
    def written(self) -> bool:
        """Say whether the section has any text."""
        return bool(self.section.markdown.strip())

    @property
    def html(self) -> Markup:
        """Return the section's Markdown rendered and sanitised."""
        return render_markdown(self.section.markdown)


def sections_of(partnership: Partnership) -> list[ThresholdSection]:
    """Return the partnership's sections in document order."""
    return list(db.session.scalars(
        sa.select(ThresholdSection)
        .where(ThresholdSection.partnership_id == partnership.id)
        .order_by(ThresholdSection.position, ThresholdSection.id)))


def entries(partnership: Partnership) -> list[SectionEntry]:
    """Return the sections in order, each knowing whether it can move up or down."""
    rows = sections_of(partnership)
    return [SectionEntry(row, index == 0, index == len(rows) - 1)
            for index, row in enumerate(rows)]


def section_of(partnership: Partnership, section_id: int) -> ThresholdSection:
    """Return one of the partnership's sections, or refuse (NotFound) if it is not theirs."""
    row = db.session.get(ThresholdSection, section_id)
    if row is None or row.partnership_id != partnership.id:
        raise NotFound("That section is not part of this threshold document.")
    return row


def _clean(heading: str, markdown: str) -> tuple[str, str]:
    heading = " ".join((heading or "").split())
    markdown = (markdown or "").replace("\r\n", "\n")
    if not heading:
        raise SectionRefused("Enter a heading for the section", field="heading")
    if len(heading) > HEADING_MAX_LENGTH:
        raise SectionRefused(f"Heading must be {HEADING_MAX_LENGTH} characters or fewer",
                             field="heading")
    if len(markdown) > TEXT_MAX_LENGTH:
        raise SectionRefused(f"Text must be {TEXT_MAX_LENGTH:,} characters or fewer",
                             field="markdown")
    return heading, markdown


def _refuse_a_heading_used_twice(partnership: Partnership, heading: str,
                                 section_id: int | None) -> None:
    """Each heading once: the contents, the changes a partner reads and links rely on it."""
    taken = db.session.scalar(
        sa.select(ThresholdSection.id)
        .where(ThresholdSection.partnership_id == partnership.id,
               sa.func.lower(ThresholdSection.heading) == heading.lower(),
               ThresholdSection.id != (section_id or 0)).limit(1))
    if taken is not None:
        raise SectionRefused(f"There is already a section called “{heading}”: choose another "
                             "heading", field="heading")


def add_section(partnership: Partnership, heading: str, markdown: str) -> ThresholdSection:
    """Add a section at the end of the document (flushed, not committed)."""
    heading, markdown = _clean(heading, markdown)
    _refuse_a_heading_used_twice(partnership, heading, None)
    last = db.session.scalar(sa.select(sa.func.max(ThresholdSection.position))
                             .where(ThresholdSection.partnership_id == partnership.id))
    row = ThresholdSection(partnership=partnership, position=(last or 0) + 1, heading=heading,
                           markdown=markdown)
    db.session.add(row)
    db.session.flush()
    return row


def edit_section(row: ThresholdSection, started_from: object, heading: str,
                 markdown: str) -> bool:
    """Save a section's heading and text, unless someone saved it after the editor opened it
    (:class:`EditConflict`); commit, and say whether anything changed."""
    heading, markdown = _clean(heading, markdown)
    values = {"heading": heading, "markdown": markdown}
    _refuse_a_heading_used_twice(row.partnership, heading, row.id)
    if not apply_edit(row, started_from, values):
        return False
    commit_edit(row, values)
    return True


def remove_section(row: ThresholdSection) -> None:
    """Remove a section; the ones after it close up (flushed, not committed)."""
    partnership = row.partnership
    db.session.delete(row)
    db.session.flush()
    ordering.close_up(sections_of(partnership))
    db.session.flush()


def move_section(row: ThresholdSection, direction: str) -> bool:
    """Move a section one place up or down; say whether it moved (flushed, not committed)."""
    if direction not in ordering.MOVES:
        raise SectionRefused("Choose whether to move the section up or down")
    moved = ordering.move(sections_of(row.partnership), row, direction)
    db.session.flush()
    return moved


def start_with_suggested_sections(partnership: Partnership) -> list[ThresholdSection]:
    """Give a partnership with no sections the suggested starting structure to rewrite."""
    if sections_of(partnership):
        raise SectionRefused("This threshold document has sections already: add, edit or "
                             "remove them instead.")
    return [add_section(partnership, heading, markdown)
            for heading, markdown in STARTING_STRUCTURE]


# --- what is signed and published -----------------------------------------------------------


def content_of(partnership: Partnership, title: str) -> dict[str, Any]:
    """Return the document as plain data: its title and its sections in order.

    Each section keeps its id as ``key``, so that a section renamed, rewritten or moved is
    told apart from one removed and another added.
    """
    return {"title": title,
            "sections": [{"key": row.id, "heading": row.heading, "markdown": row.markdown,
                          "order": order}
                         for order, row in enumerate(sections_of(partnership), start=1)]}


def sections_in(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return a content's sections in their order."""
    return sorted((dict(s) for s in content.get("sections") or []),
                  key=lambda s: (int(s.get("order") or 0), str(s.get("heading"))))


# --- versions and the sign-off round --------------------------------------------------------


def versions(partnership: Partnership) -> list[ThresholdVersion]:
    """Return every version of the partnership's threshold document, newest first."""
    return list(db.session.scalars(
        sa.select(ThresholdVersion)
        .where(ThresholdVersion.partnership_id == partnership.id)
        .order_by(ThresholdVersion.published_on.desc().nulls_first(),  # drafts, then by date
                  ThresholdVersion.created_at.desc(), ThresholdVersion.id.desc())))


def latest_published(partnership: Partnership) -> ThresholdVersion | None:
    """Return the partnership's current published threshold document, if any."""
    return db.session.scalars(
        sa.select(ThresholdVersion)
        .where(ThresholdVersion.partnership_id == partnership.id,
               ThresholdVersion.status == PublicationStatus.PUBLISHED)
        .order_by(ThresholdVersion.published_at.desc(), ThresholdVersion.id.desc())
        .limit(1)).first()


def open_round(partnership: Partnership) -> ThresholdVersion | None:
    """Return the draft version being signed off, if a round is open."""
    return cast(ThresholdVersion | None,
                workflow.open_draft(document_for(DocumentKind.THRESHOLDS), partnership))


def default_title(partnership: Partnership, day: dt.date) -> str:
    """Suggest a title for a new version."""
    return f"{partnership.short_name or partnership.name} threshold document {day.year}"


def start_round(partnership: Partnership, title: str) -> ThresholdVersion:
    """Open a sign-off round: a new draft version with the given title (flushed)."""
    title = " ".join((title or "").split())
    if not title:
        raise SectionRefused("Enter a title for this version", field="title")
    current = open_round(partnership)
    if current is not None:
        raise RoundAlreadyOpen(
            f"A sign-off round is already open for “{current.title}”. "
            "Publish or withdraw it before starting another.", field="title")
    if not sections_of(partnership):
        raise SectionRefused("Write the document's sections before asking the partners to "
                             "sign it off", field="title")
    version = ThresholdVersion(partnership=partnership, title=title,
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


def draft_filename(partnership: Partnership, day: dt.date | None = None) -> str:
    """Name the downloaded draft PDF, with the day it was made."""
    return document_for(DocumentKind.THRESHOLDS).file_name(
        ThresholdVersion(partnership=partnership, status=PublicationStatus.DRAFT), day)

