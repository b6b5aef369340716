"""The append-only audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from partnership.database import UTCDateTime, utcnow
from partnership.extensions import db


class AuditEvent(db.Model):
    """One thing that happened: a change to a record, a sign-in, a refusal, a view, an export.

    Rows are never updated or deleted: database triggers refuse it (see the migration).
    """

    __tablename__ = "audit_event"
    __audited__ = False
    __realm__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_event_record", "record_type", "record_id"),
        sa.Index("ix_audit_event_actor_action_at", "actor", "action", "at"),
        sa.Index("ix_audit_event_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.Integer)
    actor: Mapped[str] = mapped_column(sa.String(254), default="")
    role: Mapped[str | None] = mapped_column(sa.String(20))
    action: Mapped[str] = mapped_column(sa.String(40))
    record_type: Mapped[str | None] = mapped_column(sa.String(60))
    record_id: Mapped[str | None] = mapped_column(sa.String(60))
    outcome: Mapped[str] = mapped_column(sa.String(20), default="success")
    request_id: Mapped[str | None] = mapped_column(sa.String(32))
    client_addr: Mapped[str | None] = mapped_column(sa.String(45))
    changes: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    partnerships: Mapped[str | None] = mapped_column(
        sa.String(200),
        doc="The partnerships the record belongs to, as ',1,3,' (None: none, or not known)")
