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
    served: Mapped[list[UserPartnership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True,
        order_by="UserPartnership.partnership_id")

    @property
    def partnership_ids(self) -> frozenset[int]:
        """The partnerships this account serves (an administrator serves all, implicitly)."""
        return frozenset(link.partnership_id for link in self.served)

    def serve_only(self, partnership_ids: set[int] | frozenset[int]) -> None:
        """Make the account serve exactly these partnerships."""
        wanted = set(partnership_ids)
        self.served = [link for link in self.served if link.partnership_id in wanted] + [
            UserPartnership(partnership_id=pid)
            for pid in sorted(wanted - self.partnership_ids)]

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Disabled accounts cannot sign in or keep a session."""
        return not self.disabled

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class UserPartnership(db.Model):
    """A partnership an account serves: its rights reach that partnership's records only."""

    __tablename__ = "user_partnership"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True, index=True)

    user: Mapped[User] = relationship(back_populates="served")


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


class SavedFilter(db.Model):
    """A list's filters saved under a name by one user, for that user alone."""

    __tablename__ = "saved_filter"
    __realm__ = "own_account"
    __table_args__ = (sa.UniqueConstraint("user_id", "endpoint", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(80), doc="The list page it filters")
    name: Mapped[str] = mapped_column(sa.String(80))
    query: Mapped[str] = mapped_column(sa.String(1000), default="",
                                       doc="The list's query string, without the page")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
