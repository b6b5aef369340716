"""The published arrangements document: narrative sections, versions and partners' sign-off."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from partnership.database import UTCDateTime, Versioned, utcnow
from partnership.extensions import db
from partnership.register.models import Partnership, StatutoryPartner, enum_column


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


class VersionStatus(StrEnum):
    """Where a version of the arrangements stands."""

    DRAFT = "draft"
    PUBLISHED = "published"


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


class ArrangementsVersion(Versioned, db.Model):
    """A version of the arrangements: a draft being signed off, or published and immutable.

    Publishing stores the data snapshot the document was made from, the PDF and its
    SHA-256, so later edits to the register never change what was published.
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
    status: Mapped[VersionStatus] = mapped_column(enum_column(VersionStatus),
                                                  default=VersionStatus.DRAFT)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    review_due: Mapped[dt.date | None] = mapped_column(sa.Date)
    snapshot: Mapped[dict[str, Any] | None] = deferred(mapped_column(sa.JSON))
    pdf: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pages: Mapped[int | None] = mapped_column()

    partnership: Mapped[Partnership] = relationship()
    sign_offs: Mapped[list[SignOff]] = relationship(
        back_populates="version", order_by="SignOff.signed_at", cascade="all, delete-orphan")


class SignOff(db.Model):
    """One statutory partner's sign-off of a version (who, for which partner, when)."""

    __tablename__ = "sign_off"
    __realm__ = "arrangements"
    __table_args__ = (sa.UniqueConstraint("version_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("arrangements_version.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("statutory_partner.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    signed_by: Mapped[str] = mapped_column(sa.String(120), doc="Name as signed")
    role: Mapped[str] = mapped_column(sa.String(200), doc="Their title when signing")
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[ArrangementsVersion] = relationship(back_populates="sign_offs")
    partner: Mapped[StatutoryPartner] = relationship()
