"""What every signed document shares: its versions' lifecycle, the partners' signatures,
the content each signature binds to, and the deputies who may sign for a partner.

A document feature (the arrangements, the yearly report, the threshold document, the budget
statement…) keeps its own working content and a table of versions that mixes in
:class:`Publishable`. Everything else lives here, once, for every kind of document.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, deferred, mapped_column, relationship

from partnership.accounts.models import User
from partnership.clock import UK_TIME
from partnership.database import UTCDateTime, utcnow
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.register.models import Partnership, Person, StatutoryPartner


class DocumentKind(LabelledEnum):
    """The documents the lead safeguarding partners sign off (Working Together 2023)."""

    ARRANGEMENTS = "arrangements"
    YEARLY_REPORT = "yearly_report"
    THRESHOLDS = "thresholds"
    BUDGET = "budget"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"arrangements": "Safeguarding arrangements", "yearly_report": "Yearly report",
                "thresholds": "Threshold document", "budget": "Shared budget statement"}


class PublicationStatus(LabelledEnum):
    """Where a version stands: a draft in its sign-off round, published, or replaced."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"draft": "Draft", "published": "Published", "superseded": "Superseded"}

    @property
    def frozen(self) -> bool:
        """Say whether a version in this state may never change again."""
        return self is not PublicationStatus.DRAFT


class Publishable:
    """Columns of a version of a signed document: mixed into each document's version table.

    ``digest`` is the SHA-256 of the content published (the same digest every signature
    of it binds to); ``snapshot`` is that content; ``pdf``, ``sha256`` and ``pages`` are the
    file, rendered once in the background from what was fixed at publication (the database
    lets them be filled once, and nothing else change, after publication).
    """

    __audit_redacted__ = frozenset({"pdf", "snapshot"})

    status: Mapped[PublicationStatus] = mapped_column(
        enum_column(PublicationStatus), default=PublicationStatus.DRAFT)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    number: Mapped[int | None] = mapped_column(doc="Version number once published: 1, 2, 3…")
    digest: Mapped[str | None] = mapped_column(
        sa.String(64), doc="SHA-256 of the published content (what the partners signed)")
    published_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    superseded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    def snapshot(cls) -> Mapped[dict[str, Any] | None]:
        return deferred(mapped_column(sa.JSON))

    @declared_attr
    def pdf(cls) -> Mapped[bytes | None]:
        return deferred(mapped_column(sa.LargeBinary))

    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pages: Mapped[int | None] = mapped_column()

    @property
    def published(self) -> bool:
        """Say whether this version was published (it may have been superseded since)."""
        return self.status in (PublicationStatus.PUBLISHED, PublicationStatus.SUPERSEDED)

    @property
    def is_draft(self) -> bool:
        """Say whether this version is still a draft in its sign-off round."""
        return self.status == PublicationStatus.DRAFT


class Signature(db.Model):
    """One statutory partner's sign-off of one version of a document, bound to its digest.

    A signature whose digest is not the draft's current digest has *lapsed*: the partner
    signed an earlier draft. Publishing seals the signatures it relied on; a sealed
    signature never changes (the database refuses it too).
    """

    __tablename__ = "signature"
    __realm__ = "publishing"
    __table_args__ = (sa.UniqueConstraint("document", "version_id", "partner_id"),
                      sa.Index("ix_signature_document_version", "document", "version_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    version_id: Mapped[int] = mapped_column(doc="The id in the document's own version table")
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("statutory_partner.id"))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    signed_by: Mapped[str] = mapped_column(sa.String(120), doc="Name as signed")
    role: Mapped[str] = mapped_column(sa.String(200), doc="Their title when signing")
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    digest: Mapped[str] = mapped_column(sa.String(64), doc="The content signed (SHA-256)")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    deputy_for: Mapped[str] = mapped_column(
        sa.String(330), default="", doc="Whom a deputy signed for: name and title")
    delegated_on: Mapped[dt.date | None] = mapped_column(
        sa.Date, doc="The day the delegation a deputy signed under began")
    sealed: Mapped[bool] = mapped_column(default=False, doc="Relied on by a publication")
    on_paper: Mapped[bool] = mapped_column(
        default=False,
        doc="Signed on paper and entered by the team (a version of an earlier date, say)")
    signed_on: Mapped[dt.date | None] = mapped_column(
        sa.Date, doc="The date on the paper (a signature made in the app: None)")
    entered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"),
        doc="Who entered a paper signature")

    partner: Mapped[StatutoryPartner] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])

    @property
    def signed_day(self) -> dt.date:
        """The day it was signed: the date on the paper, or the day it was signed here."""
        if self.on_paper and self.signed_on is not None:
            return self.signed_on
        return self.signed_at.astimezone(UK_TIME).date()


class SignedContent(db.Model):
    """Content that someone signed, kept by its digest so a lapsed signer can see what changed.

    Append-only: the database refuses UPDATE and DELETE.
    """

    __tablename__ = "signed_content"
    __realm__ = "publishing"
    # Not audited itself: the signature that keeps it is, with the same digest.
    __audited__ = False

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    document: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    content: Mapped[dict[str, Any]] = deferred(mapped_column(sa.JSON, nullable=False))
    stored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublishedPage(db.Model):
    """A published version as it reads in the browser: the very HTML (and the files it
    shows, such as the structure chart) its PDF is made from, fixed at publication.

    Append-only: the database refuses UPDATE and DELETE, as for a published version.
    """

    __tablename__ = "published_page"
    __realm__ = "publishing"
    __audit_redacted__ = frozenset({"html", "resources"})

    document: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind), primary_key=True)
    version_id: Mapped[int] = mapped_column(primary_key=True,
                                            doc="The id in the document's own version table")
    title: Mapped[str] = mapped_column(sa.String(300))
    html: Mapped[str] = deferred(mapped_column(sa.Text, nullable=False))
    resources: Mapped[dict[str, str]] = deferred(mapped_column(
        sa.JSON, nullable=False, doc="The files the page shows, by name: base64 of their bytes"))
    stored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delegation(db.Model):
    """A partner's representative names a deputy who may sign off documents for them.

    Dated: the deputy may sign from ``starts_on`` until ``ends_on`` (open-ended if None),
    and the document shows who signed for whom under a delegation of which date.
    """

    __tablename__ = "delegation"
    __realm__ = "deputies"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("statutory_partner.id",
                                                          ondelete="CASCADE"))
    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"),
                                         doc="The representative who delegates")
    deputy_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"),
                                           doc="The person who may sign for them")
    starts_on: Mapped[dt.date] = mapped_column(sa.Date)
    ends_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    partnership: Mapped[Partnership] = relationship()
    partner: Mapped[StatutoryPartner] = relationship()
    lead: Mapped[Person] = relationship(foreign_keys=[lead_id])
    deputy: Mapped[Person] = relationship(foreign_keys=[deputy_id])

    def active_on(self, day: dt.date) -> bool:
        """Say whether the deputy may sign on a day."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


def signatures_of(kind: DocumentKind, version_class: str) -> Any:
    """Relate a document's version table to its signatures (used by each version model)."""
    return relationship(
        Signature,
        primaryjoin=(f"and_(Signature.document == '{kind.value}', "
                     f"foreign(Signature.version_id) == {version_class}.id)"),
        order_by=Signature.signed_at, viewonly=True)
