"""The threshold document: the sections the team writes, and its signed, published versions.

Working Together 2023 asks the lead safeguarding partners to sign off a local threshold
document: the levels of need, and how practitioners and families get help at each. The
partnership writes it as sections (a heading and Markdown text, in an order the team sets);
a version fixes the sections as they read when all three partners signed them.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.database import UTCDateTime, Versioned, utcnow
from partnership.extensions import db
from partnership.publishing.models import (
    DocumentKind,
    Publishable,
    Signature,
    signatures_of,
)
from partnership.register.models import Partnership

HEADING_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 20_000


class ThresholdSection(Versioned, db.Model):
    """One section of a partnership's threshold document as the team is writing it."""

    __tablename__ = "threshold_section"
    __realm__ = "thresholds"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(doc="Order in the document: 1 comes first")
    heading: Mapped[str] = mapped_column(sa.String(HEADING_MAX_LENGTH))
    markdown: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    partnership: Mapped[Partnership] = relationship()


class ThresholdVersion(Versioned, Publishable, db.Model):
    """A version of the threshold document: a draft being signed off, or published and fixed.

    Publishing (``partnership.publishing``) stores the sections the partners signed as the
    snapshot, and the PDF made from exactly them, so later edits never change what was
    published.
    """

    __tablename__ = "threshold_version"
    __realm__ = "thresholds"
    __audit_redacted__ = frozenset({"pdf", "snapshot"})

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))

    partnership: Mapped[Partnership] = relationship()
    sign_offs: Mapped[list[Signature]] = signatures_of(DocumentKind.THRESHOLDS,
                                                       "ThresholdVersion")
