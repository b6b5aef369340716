"""User accounts and their server-side sign-in sessions."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.database import UTCDateTime, Versioned, utcnow
from partnership.extensions import db
from partnership.policy import Role


class User(UserMixin, Versioned, db.Model):
    """A person who can sign in, with one role."""

    __tablename__ = "user_account"
    __realm__ = "users"
    __audit_redacted__ = frozenset({"password_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    disabled: Mapped[bool] = mapped_column(default=False)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    sessions: Mapped[list[UserSession]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Disabled accounts cannot sign in or keep a session."""
        return not self.disabled

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class UserSession(db.Model):
    """One signed-in browser; the cookie holds only a token whose hash is stored here."""

    __tablename__ = "user_session"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(sa.String(20))
    client_addr: Mapped[str | None] = mapped_column(sa.String(45))

    user: Mapped[User] = relationship(back_populates="sessions")


class SignInThrottle(db.Model):
    """Sign-in attempts for one email address in its current window (known or not).

    Each attempt takes its place here, committed, before the password is checked, so
    parallel guesses cannot all read "under the limit" at once. ``checking`` counts the
    places whose password is being checked now; a failure gives its place up as a failure,
    a success removes the row (the count starts again).
    """

    __tablename__ = "sign_in_throttle"
    __audited__ = False  # every attempt is in the audit trail already, as a sign-in event

    email: Mapped[str] = mapped_column(sa.String(254), primary_key=True)
    window_started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int]
    checking: Mapped[int]
