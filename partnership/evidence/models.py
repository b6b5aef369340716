"""Evidence files: one attachment mechanism for every record that carries evidence.

A file belongs to one record (its *owner*, named by kind and id: a progress update, an audit
return, a self-assessment return, a scrutiny activity, a meeting) and to that record's
partnership, whose quota it counts against. The bytes live outside the web root under a
random name (``stored_name``); the row keeps what the uploader called it, its sniffed type,
size and SHA-256. A removed file keeps its row (``removed_at``, ``removed_by``) and loses its
bytes, so the audit trail still says what was there.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.accounts.models import User
from partnership.database import UTCDateTime, utcnow
from partnership.extensions import db
from partnership.policy import EVIDENCE_OWNERS


class EvidenceFile(db.Model):
    """A file attached as evidence to one record of one partnership."""

    __tablename__ = "evidence_file"
    __realm__ = "evidence"
    __table_args__ = (
        sa.Index("ix_evidence_file_owner", "owner_kind", "owner_id"),
        sa.CheckConstraint("size >= 0", name="size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    owner_kind: Mapped[str] = mapped_column(
        sa.String(40), doc="The kind of record it is attached to (see evidence.owners)")
    owner_id: Mapped[int] = mapped_column(doc="The id of the record it is attached to")
    filename: Mapped[str] = mapped_column(sa.String(200), doc="The name the uploader gave it")
    media_type: Mapped[str] = mapped_column(sa.String(120), doc="As sniffed from its content")
    size: Mapped[int] = mapped_column(sa.BigInteger, doc="In bytes")
    sha256: Mapped[str] = mapped_column(sa.String(64))
    stored_name: Mapped[str] = mapped_column(
        sa.String(64), unique=True, doc="Its random name in the evidence store")
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])

    def __str__(self) -> str:
        return self.filename

    @property
    def owner(self) -> object | None:
        """The record the file is attached to (None if it is gone or its kind unknown)."""
        model, _verb = EVIDENCE_OWNERS.get(self.owner_kind, (None, ""))
        return None if model is None else db.session.get(model, self.owner_id)

    @property
    def owner_verb(self) -> str:
        """What a user must be allowed to do to the owner to attach or remove files."""
        return EVIDENCE_OWNERS.get(self.owner_kind, (None, "edit"))[1]
