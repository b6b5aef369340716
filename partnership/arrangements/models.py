"""The published arrangements document: narrative sections, versions and partners' sign-off."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from partnership.database import UTCDateTime, Versioned, utcnow
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.publishing.models import (
    DocumentKind,
    Publishable,
    Signature,
    signatures_of,
)
from partnership.register.models import Partnership


class Topic(LabelledEnum):
    """The statutory topics published arrangements cover (Working Together 2018 and 2023)."""

    PARTNERS = "partners"
    GEOGRAPHY = "geography"
    RELEVANT_AGENCIES = "relevant_agencies"
    EDUCATION = "education"
    YOUTH_CUSTODY = "youth_custody"
    SCRUTINY = "scrutiny"
    REVIEWS = "reviews"
    DATA = "data"
    TRAINING = "training"
    FUNDING = "funding"
    ESCALATION = "escalation"
    VOICE = "voice"
    THRESHOLDS = "thresholds"
    REVIEW_OF_ARRANGEMENTS = "review_of_arrangements"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {
            "partners": "The safeguarding partners",
            "geography": "Geographical area",
            "relevant_agencies": "Relevant agencies, and why they are included",
            "education": "Education and childcare",
            "youth_custody": "Youth custody and residential homes",
            "scrutiny": "Independent scrutiny",
            "reviews": "Child safeguarding practice reviews",
            "data": "Data and intelligence",
            "training": "Multi-agency training",
            "funding": "Funding",
            "escalation": "Escalation and professional disagreement",
            "voice": "Voice of children and families",
            "thresholds": "Thresholds",
            "review_of_arrangements": "Review of the arrangements",
        }


TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 20_000
ALT_MAX_LENGTH = 500
CAPTION_MAX_LENGTH = 500


class NarrativeSection(Versioned, db.Model):
    """One narrative section of a partnership's arrangements, in Markdown, in the team's order.

    A section is free (``topic`` None) or covers one statutory topic.
    """

    __tablename__ = "narrative_section"
    __realm__ = "arrangements"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(doc="Order in the document: 1 comes first")
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX_LENGTH))
    topic: Mapped[Topic | None] = mapped_column(enum_column(Topic), nullable=True,
                                                doc="The statutory topic covered (None: free)")
    markdown: Mapped[str] = mapped_column(sa.Text, default="")

    partnership: Mapped[Partnership] = relationship()
    figures: Mapped[list[Figure]] = relationship(
        back_populates="section", order_by="Figure.position, Figure.id",
        cascade="all, delete-orphan", passive_deletes=True)


class FigureImage(db.Model):
    """An uploaded picture, re-encoded as PNG, stored once by its SHA-256 (append-only)."""

    __tablename__ = "figure_image"
    __realm__ = "arrangements"
    # Not audited itself: the figure that shows it is, with this SHA-256.
    __audited__ = False

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(sa.String(40))
    data: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Figure(Versioned, db.Model):
    """A picture in a narrative section, with its alternative text and optional caption."""

    __tablename__ = "figure"
    __realm__ = "arrangements"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(
        sa.ForeignKey("narrative_section.id", ondelete="CASCADE"), index=True)
    image_sha256: Mapped[str] = mapped_column(sa.ForeignKey("figure_image.sha256"), index=True)
    alt: Mapped[str] = mapped_column(sa.String(ALT_MAX_LENGTH))
    caption: Mapped[str] = mapped_column(sa.String(CAPTION_MAX_LENGTH), default="")
    position: Mapped[int] = mapped_column(default=0)

    partnership: Mapped[Partnership] = relationship()
    section: Mapped[NarrativeSection] = relationship(back_populates="figures")
    image: Mapped[FigureImage] = relationship()


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
