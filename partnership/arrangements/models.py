"""The published arrangements document: narrative sections, versions and partners' sign-off."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.database import Versioned
from partnership.extensions import db
from partnership.kernel.enums import enum_column
from partnership.publishing.models import (
    DocumentKind,
    Publishable,
    Signature,
    signatures_of,
)
from partnership.register.models import Partnership


class Section(StrEnum):
    """The narrative sections the team writes around the register, in document order."""

    FOREWORD = "foreword"
    CONTEXT = "context"
    THRESHOLDS = "thresholds"
    TRAINING = "training"
    VOICE = "voice"
    DATA = "data"
    PROCEDURES = "procedures"
    ESCALATION = "escalation"
    FUNDING = "funding"
    REVIEW = "review"

    @property
    def title(self) -> str:  # type: ignore[override]
        """Return the section's heading in the document."""
        return SECTION_TITLES[self]


SECTION_TITLES = {
    Section.FOREWORD: "Foreword",
    Section.CONTEXT: "Introduction and context",
    Section.THRESHOLDS: "Thresholds",
    Section.TRAINING: "Multi-agency training",
    Section.VOICE: "Voice of children and families",
    Section.DATA: "Data and intelligence",
    Section.PROCEDURES: "Multi-agency procedures",
    Section.ESCALATION: "Escalation and professional disagreement",
    Section.FUNDING: "Funding",
    Section.REVIEW: "Review of these arrangements",
}


class NarrativeSection(Versioned, db.Model):
    """One narrative section of a partnership's arrangements, in Markdown."""

    __tablename__ = "narrative_section"
    __realm__ = "arrangements"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"))
    section: Mapped[Section] = mapped_column(enum_column(Section))
    markdown: Mapped[str] = mapped_column(sa.Text, default="")

    partnership: Mapped[Partnership] = relationship()


class ArrangementsVersion(Versioned, Publishable, db.Model):
    """A version of the arrangements: a draft being signed off, or published and immutable.

    Publishing (``partnership.publishing``) stores the content the partners signed (the
    register and the narrative), the PDF and its SHA-256, so later edits never change what
    was published.
    """

    __tablename__ = "arrangements_version"
    __realm__ = "arrangements"
    # The audit row notes that these changed; the PDF bytes and the whole register do not
    # belong in it (the SHA-256 column identifies the PDF).
    __audit_redacted__ = frozenset({"pdf", "snapshot"})

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    review_due: Mapped[dt.date | None] = mapped_column(sa.Date)

    partnership: Mapped[Partnership] = relationship()
    sign_offs: Mapped[list[Signature]] = signatures_of(DocumentKind.ARRANGEMENTS,
                                                       "ArrangementsVersion")
