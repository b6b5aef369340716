"""A user's private calendar feed: only a hash of its secret address is stored."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.accounts.models import User
from partnership.database import UTCDateTime, utcnow
from partnership.extensions import db


class CalendarFeed(db.Model):
    """The one live feed address of a user; replacing it or revoking it ends the old one."""

    __tablename__ = "calendar_feed"
    # Creating, replacing and revoking a feed are audited; the hash itself is never written.
    __audit_redacted__: ClassVar[frozenset[str]] = frozenset({"secret_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
