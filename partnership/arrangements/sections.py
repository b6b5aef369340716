"""The arrangements' narrative: the partnership's own sections, in its order, and its figures.

A section is free or covers one statutory topic; the draft says which statutory topics are
not covered yet, by a section with text or by what the register holds. Figures are pictures
uploaded into a section (see :mod:`partnership.arrangements.figures`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from partnership.arrangements.figures import store_image
from partnership.arrangements.models import (
    ALT_MAX_LENGTH,
    CAPTION_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Figure,
    NarrativeSection,
    Topic,
)
from partnership.documents.markdown import render_markdown
from partnership.editing import apply_edit, commit_edit
from partnership.extensions import db
from partnership.kernel import ordering
from partnership.kernel.errors import DomainError, NotFound
from partnership.register.models import Partnership
from partnership.register.services.agencies import ACTIVE, agency_roster
from partnership.register.services.scrutiny import scrutineers_on

# The statutory topics the register itself can cover (its data prints in the document).
REGISTER_TOPICS = {
    Topic.PARTNERS: "the safeguarding partners in the register",
    Topic.GEOGRAPHY: "the partnership's area in the register",
    Topic.RELEVANT_AGENCIES: "the relevant agencies in the register",
    Topic.SCRUTINY: "the scrutineers in the register",
}
IMAGE_MESSAGE = ("Pictures cannot be written in the text: remove the ![…](…) and upload the "
                 "picture as a figure of this section instead, with its alternative text")

_finder = MarkdownIt("commonmark").enable("table")


class SectionRefused(DomainError):
    """A section or figure the rules refuse (the message says why)."""


def has_image(markdown: str) -> bool:
    """Say whether Markdown text writes a picture (``![alt](address)``)."""
    for token in _finder.parse(markdown or ""):
        if any(child.type == "image" for child in token.children or ()):
            return True
    return False


@dataclass(frozen=True)
class SectionEntry:
    """A section as the arrangements page lists it: can it move up or down?"""

    section: NarrativeSection
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


@dataclass(frozen=True)
class Coverage:
    """A statutory topic and what covers it (nothing yet: ``by`` is empty)."""

    topic: Topic
    by: str

    @property
    def covered(self) -> bool:
        """Say whether anything covers the topic."""
        return bool(self.by)


def sections_of(partnership: Partnership) -> list[NarrativeSection]:
    """Return the partnership's sections in its order, with their figures (one query each,
    however many sections)."""
    return list(db.session.scalars(
        sa.select(NarrativeSection)
        .where(NarrativeSection.partnership_id == partnership.id)
        .options(selectinload(NarrativeSection.figures))
        .order_by(NarrativeSection.position, NarrativeSection.id)))


def entries(partnership: Partnership) -> list[SectionEntry]:
    """Return the sections in order, each knowing whether it can move up or down."""
    rows = sections_of(partnership)
    return [SectionEntry(row, index == 0, index == len(rows) - 1)
            for index, row in enumerate(rows)]


def section_of(partnership: Partnership, section_id: int) -> NarrativeSection:
    """Return one of the partnership's sections, or refuse (NotFound) if it is not theirs."""
    row = db.session.get(NarrativeSection, section_id)
    if row is None or row.partnership_id != partnership.id:
        raise NotFound("That section is not part of these arrangements.")
    return row


def figure_of(section: NarrativeSection, figure_id: int) -> Figure:
    """Return one of the section's figures, or refuse (NotFound)."""
    figure = db.session.get(Figure, figure_id)
    if figure is None or figure.section_id != section.id:
        raise NotFound("That figure is not part of this section.")
    return figure


def topic_of(value: str | Topic | None) -> Topic | None:
    """Read a topic from a form or a file ("" or None: a free section)."""
    if value is None or value == "":
        return None
    try:
        return Topic(value)
    except ValueError:
        raise SectionRefused("Choose a statutory topic from the list, or none",
                             field="topic") from None


def clean(title: str, markdown: str) -> tuple[str, str]:
    """Tidy a title and text, or refuse them (next to their field)."""
    title = " ".join((title or "").split())
    markdown = (markdown or "").replace("\r\n", "\n")
    if not title:
        raise SectionRefused("Enter a title for the section", field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise SectionRefused(f"Title must be {TITLE_MAX_LENGTH} characters or fewer",
                             field="title")
    if len(markdown) > TEXT_MAX_LENGTH:
        raise SectionRefused(f"Text must be {TEXT_MAX_LENGTH:,} characters or fewer",
                             field="markdown")
    if has_image(markdown):
        raise SectionRefused(IMAGE_MESSAGE, field="markdown")
    return title, markdown


def _refuse_a_title_used_twice(partnership: Partnership, title: str,
                               section_id: int | None) -> None:
    """Each title once: the contents list, the changes a partner reads and links rely on it."""
    taken = db.session.scalar(
        sa.select(NarrativeSection.id)
        .where(NarrativeSection.partnership_id == partnership.id,
               sa.func.lower(NarrativeSection.title) == title.lower(),
               NarrativeSection.id != (section_id or 0)).limit(1))
    if taken is not None:
        raise SectionRefused(f"There is already a section called “{title}”: choose another "
                             "title", field="title")


def add_section(partnership: Partnership, title: str, topic: str | Topic | None,
                markdown: str = "") -> NarrativeSection:
    """Add a section at the end of the narrative (flushed, not committed)."""
    title, markdown = clean(title, markdown)
    chosen = topic_of(topic)
    _refuse_a_title_used_twice(partnership, title, None)
    last = db.session.scalar(sa.select(sa.func.max(NarrativeSection.position))
                             .where(NarrativeSection.partnership_id == partnership.id))
    row = NarrativeSection(partnership=partnership, position=(last or 0) + 1, title=title,
                           topic=chosen, markdown=markdown)
    db.session.add(row)
    db.session.flush()
    return row


def edit_section(row: NarrativeSection, started_from: object, title: str,
                 topic: str | Topic | None, markdown: str) -> bool:
    """Save a section's title, topic and text unless someone saved it after the editor
    opened it (:class:`partnership.editing.EditConflict`); commit, say whether it changed."""
    title, markdown = clean(title, markdown)
    values = {"title": title, "topic": topic_of(topic), "markdown": markdown}
    _refuse_a_title_used_twice(row.partnership, title, row.id)
    if not apply_edit(row, started_from, values):
        return False
    commit_edit(row, values)
    return True


def remove_section(row: NarrativeSection) -> None:
    """Remove a section and its figures; the ones after it close up (flushed)."""
    partnership = row.partnership
    db.session.delete(row)
    db.session.flush()
    ordering.close_up(sections_of(partnership))
    db.session.flush()


def move_section(row: NarrativeSection, direction: str) -> bool:
    """Move a section one place up or down; say whether it moved (flushed, not committed)."""
    if direction not in ordering.MOVES:
        raise SectionRefused("Choose whether to move the section up or down")
    moved = ordering.move(sections_of(row.partnership), row, direction)
    db.session.flush()
    return moved


def coverage(partnership: Partnership, day: dt.date) -> list[Coverage]:
    """Say, topic by topic, what covers each statutory topic on a day (or nothing yet)."""
    written: dict[Topic, str] = {}
    for row in sections_of(partnership):
        if row.topic is not None and (row.markdown.strip() or row.figures):
            written.setdefault(row.topic, f"the section “{row.title}”")
    held = register_covers(partnership, day)
    return [Coverage(topic, written.get(topic) or (REGISTER_TOPICS[topic] if topic in held
                                                   else ""))
            for topic in Topic]


def register_covers(partnership: Partnership, day: dt.date) -> set[Topic]:
    """The statutory topics the register holds something on for a day."""
    held = set()
    if any(p.representatives_on(day) for p in partnership.partners):
        held.add(Topic.PARTNERS)
    if partnership.area.strip():
        held.add(Topic.GEOGRAPHY)
    roster = agency_roster(partnership, status=ACTIVE, on=day)
    if roster.groups or roster.sectors:
        held.add(Topic.RELEVANT_AGENCIES)
    if scrutineers_on(partnership, day):
        held.add(Topic.SCRUTINY)
    return held


def not_covered(partnership: Partnership, day: dt.date) -> list[Topic]:
    """The statutory topics nothing covers yet."""
    return [c.topic for c in coverage(partnership, day) if not c.covered]


# --- figures ------------------------------------------------------------------------------


def clean_figure_text(alt: str, caption: str) -> tuple[str, str]:
    """Tidy a figure's alternative text and caption, or refuse them."""
    alt = " ".join((alt or "").split())
    caption = " ".join((caption or "").split())
    if not alt:
        raise SectionRefused("Enter the alternative text: what the picture shows, for "
                             "someone who cannot see it", field="alt")
    if len(alt) > ALT_MAX_LENGTH:
        raise SectionRefused(f"Alternative text must be {ALT_MAX_LENGTH} characters or fewer",
                             field="alt")
    if len(caption) > CAPTION_MAX_LENGTH:
        raise SectionRefused(f"Caption must be {CAPTION_MAX_LENGTH} characters or fewer",
                             field="caption")
    return alt, caption


def add_figure(section: NarrativeSection, data: bytes, alt: str, caption: str = "") -> Figure:
    """Add a picture at the end of a section: checked, re-encoded and stored once (flushed).

    Nothing is stored when the picture or its text is refused.
    """
    alt, caption = clean_figure_text(alt, caption)
    image = store_image(data)
    last = db.session.scalar(sa.select(sa.func.max(Figure.position))
                             .where(Figure.section_id == section.id))
    figure = Figure(partnership_id=section.partnership_id, section=section, image=image,
                    alt=alt, caption=caption, position=(last or 0) + 1)
    db.session.add(figure)
    db.session.flush()
    return figure


def remove_figure(figure: Figure) -> None:
    """Take a figure out of its section (the stored picture stays: it is append-only)."""
    section = figure.section
    section.figures.remove(figure)
    db.session.flush()
    for index, other in enumerate(section.figures, start=1):
        if other.position != index:
            other.position = index
    db.session.flush()


def image_in(partnership: Partnership, sha256: str) -> bytes | None:
    """Return a stored picture that one of the partnership's figures shows (else None)."""
    figure = db.session.scalars(
        sa.select(Figure).where(Figure.partnership_id == partnership.id,
                                Figure.image_sha256 == sha256).limit(1)).first()
    return figure.image.data if figure is not None else None
