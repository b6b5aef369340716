"""Accounts: creating users, signing in and out, and server-side sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from partnership.accounts.models import SignInThrottle, User, UserPartnership, UserSession
from partnership.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from partnership.audit.services import Actor, record_event
from partnership.database import UTCDateTime, utcnow
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.policy import Role


class AccountError(DomainError):
    """A request about an account that cannot be carried out; the message is for the user."""


def normalise_email(email: str) -> str:
    """Return the email as stored: trimmed and lower-cased."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    """Find the account with this email address."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def check_new_password(password: str, *, user_words: tuple[str, ...] = ()) -> None:
    """Raise AccountError if the password breaks the policy."""
    problem = password_problem(
        password,
        min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        context_words=(*current_app.config["PASSWORD_CONTEXT_WORDS"], *user_words),
    )
    if problem:
        raise AccountError(problem, field="password")


def _personal_words(email: str, name: str) -> tuple[str, ...]:
    return (email.split("@")[0], *name.split(), name)


def create_user(
    email: str, name: str, role: Role, password: str, *, must_change_password: bool = False
) -> User:
    """Create an account (not committed); refuses duplicates and weak passwords."""
    email = normalise_email(email)
    if user_by_email(email) is not None:
        raise AccountError("An account with this email address already exists", field="email")
    check_new_password(password, user_words=_personal_words(email, name))
    user = User(
        email=email,
        name=name.strip(),
        role=Role(role),
        password_hash=hash_password(password),
        must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.flush()
    return user


# --- the partnerships an account serves and the person it is -------------------------------

NO_PARTNERSHIP = "Select at least one partnership this account serves"
Choices = list[tuple[int, str]]


@dataclass(frozen=True)
class PersonLink:
    """Who an account is in the register: an existing person (``person_id``), a new person
    (``new_person``, named as the account, with a job title), or nobody; and their agency."""

    person_id: int | None = None
    new_person: bool = False
    job_title: str = ""
    agency_id: int | None = None


@dataclass(frozen=True)
class AccountPlace:
    """What the register says an account is: its person, their agency, its partnerships."""

    person_id: int | None = None
    person_name: str = ""
    agency_id: int | None = None
    agency_name: str = ""
    partnership_names: tuple[str, ...] = ()


class Directory(Protocol):
    """The register, as the accounts see it (the register sits above accounts and hands this
    in when the app is created): partnerships, people and agencies to offer, and the link."""

    def partnership_choices(self) -> Choices:
        """Offer every partnership, by name."""

    def person_choices(self, user: User | None) -> Choices:
        """Offer the people not linked to another account."""

    def agency_choices(self) -> Choices:
        """Offer every agency, with its partnership."""

    def place_of(self, user: User) -> AccountPlace:
        """Say who the account is in the register."""

    def link_person(self, user: User, link: PersonLink, display_name: str) -> None:
        """Make the account this person (with this agency); a DomainError names its field."""


_directory: Directory | None = None


def use_directory(directory: Directory) -> None:
    """Let the register tell the accounts about partnerships, people and agencies."""
    global _directory
    _directory = directory


def directory() -> Directory:
    """Return the register's directory (the app sets it at creation)."""
    if _directory is None:
        raise RuntimeError("the register has not given the accounts its directory")
    return _directory


def set_partnerships(user: User, partnership_ids: set[int] | frozenset[int]) -> None:
    """Make the account serve exactly these partnerships; an administrator serves all, so
    keeps none, and anyone else must serve at least one."""
    if user.role is Role.ADMIN:
        user.serve_only(frozenset())
        return
    known = {pid for pid, _label in directory().partnership_choices()}
    if not partnership_ids or not set(partnership_ids) <= known:
        raise AccountError(NO_PARTNERSHIP, field="partnerships")
    user.serve_only(frozenset(partnership_ids))


def serve_also(user: User, partnership_id: int) -> None:
    """Add a partnership to those the account serves (a new partnership its creator keeps)."""
    if user.role is not Role.ADMIN and partnership_id not in user.partnership_ids:
        user.served.append(UserPartnership(partnership_id=partnership_id))


def place_account(user: User, partnership_ids: set[int] | frozenset[int],
                  link: PersonLink) -> None:
    """Set the partnerships an account serves and the person it is, at once (the caller
    commits; any refusal is a DomainError naming its field, and nothing is kept)."""
    if link.job_title.strip() and not link.new_person:
        raise AccountError("Leave the job title blank unless you add someone new to the "
                           "register", field="job_title")
    set_partnerships(user, partnership_ids)
    db.session.flush()
    directory().link_person(user, link, user.name)
    db.session.flush()


def change_password(user: User, current: str, new: str, *, keep_session: str | None) -> None:
    """Change a user's own password, ending their other sessions."""
    if not verify_password(user.password_hash, current):
        raise AccountError("Your current password is not correct", field="current_password")
    if current == new:
        raise AccountError("Your new password must be different", field="password")
    check_new_password(new, user_words=_personal_words(user.email, user.name))
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    end_sessions(user, reason="password", keep_token=keep_session)


def set_password(user: User, new: str) -> None:
    """Set a password for someone else (administrator); they must change it at sign-in."""
    check_new_password(new, user_words=_personal_words(user.email, user.name))
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.must_change_password = True
    end_sessions(user, reason="password")


def set_disabled(user: User, disabled: bool) -> None:
    """Disable or re-enable an account; disabling ends its sessions at once."""
    user.disabled = disabled
    if disabled:
        end_sessions(user, reason="disabled")


# --- signing in -------------------------------------------------------------------------


class SignInOutcome(StrEnum):
    """How a sign-in attempt ended."""

    SUCCESS = "success"
    FAILURE = "failure"
    LOCKED = "locked"


@dataclass
class SignInResult:
    """The result of a sign-in attempt: the user only when it succeeded."""

    outcome: SignInOutcome
    user: User | None = None


# A full window whose places are still being checked is waited for, this often, this long.
WAIT_STEP_SECONDS = 0.05
WAIT_FOR_CHECKS_SECONDS = 10.0


def _window_cutoff(now: dt.datetime) -> dt.datetime:
    """Windows that started at or before this time have passed."""
    return now - dt.timedelta(minutes=current_app.config["SIGN_IN_WINDOW_MINUTES"])


def take_attempt(email: str) -> bool:
    """Take a place in this email's window to check a password; False if the window is full.

    The place is taken by one statement, committed before any password is checked: an
    insert, or an update that starts a new window if the last one has passed, and that
    changes nothing when the window already holds the limit. The database serialises the
    statements for one email (a row lock on PostgreSQL, the write lock on SQLite), so
    parallel attempts never all read "under the limit" together. When the window is full
    but some of its places are still being checked, this waits for them: a success among
    them starts the count again, so people signing in at once with the right password are
    not locked out by each other, while wrong guesses are checked no more than the limit.
    """
    limit = current_app.config["SIGN_IN_MAX_FAILURES"]
    give_up_at = time.monotonic() + WAIT_FOR_CHECKS_SECONDS
    while True:
        now = utcnow()
        table = SignInThrottle.__table__
        dialect = db.session.get_bind().dialect.name
        upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        window_passed = table.c.window_started_at <= _window_cutoff(now)
        statement = (
            upsert(table)
            .values(email=email, window_started_at=now, attempts=1, checking=1)
            .on_conflict_do_update(
                index_elements=[table.c.email],
                # Every expression reads the row as it was, so they agree on window_passed.
                set_={
                    "attempts": sa.case((window_passed, 1), else_=table.c.attempts + 1),
                    "checking": sa.case((window_passed, 1), else_=table.c.checking + 1),
                    "window_started_at": sa.case(
                        (window_passed, sa.literal(now, UTCDateTime())),
                        else_=table.c.window_started_at),
                },
                where=window_passed | (table.c.attempts < limit),
            )
            .returning(table.c.attempts)
        )
        placed = db.session.execute(statement).scalar_one_or_none() is not None
        checking = 0 if placed else db.session.scalar(
            sa.select(table.c.checking).where(table.c.email == email)) or 0
        db.session.commit()
        if placed:
            return True
        if not checking or time.monotonic() >= give_up_at:
            return False
        time.sleep(WAIT_STEP_SECONDS)


def _checked(email: str) -> None:
    """A failed check keeps its place in the window as a failure."""
    table = SignInThrottle.__table__
    db.session.execute(sa.update(table).where(table.c.email == email, table.c.checking > 0)
                       .values(checking=table.c.checking - 1))


def _forget_attempts(email: str) -> None:
    """A success starts the count again; windows that have passed go too (they count as none)."""
    db.session.execute(sa.delete(SignInThrottle).where(
        (SignInThrottle.email == email)
        | (SignInThrottle.window_started_at <= _window_cutoff(utcnow()))))


def authenticate(email: str, password: str) -> SignInResult:
    """Check credentials, apply the lock-out, and audit the attempt."""
    email = normalise_email(email)[:254]
    user = user_by_email(email)
    actor = Actor(user.id if user else None, email, str(user.role) if user else None)
    record_type, record_id = ("user_account", user.id) if user else (None, None)
    # Every attempt takes a place, since whether it fails is known only after the check; a
    # success clears the count, so between successes the places are the failures.
    if not take_attempt(email):
        verify_password(None, password)  # same cost as any other attempt
        record_event("sign-in", outcome=SignInOutcome.LOCKED, actor=actor,
                     record_type=record_type, record_id=record_id)
        return SignInResult(SignInOutcome.LOCKED)
    # Check a password even for an unknown email, so the answer takes as long either way.
    try:
        correct = verify_password(user.password_hash if user else None, password)
    except BaseException:
        db.session.rollback()
        _checked(email)
        db.session.commit()
        raise
    if user is None or not correct or not user.is_active:
        _checked(email)
        record_event("sign-in", outcome=SignInOutcome.FAILURE, actor=actor,
                     record_type=record_type, record_id=record_id)
        return SignInResult(SignInOutcome.FAILURE)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    _forget_attempts(email)
    record_event("sign-in", actor=actor, record_type=record_type, record_id=record_id)
    return SignInResult(SignInOutcome.SUCCESS, user)


# --- server-side sessions ---------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, client_addr: str | None) -> str:
    """Open a server-side session for the user and return the token for their cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(user_id=user.id, token_hash=_token_hash(token), client_addr=client_addr)
    )
    return token


def session_for(token: str | None) -> UserSession | None:
    """Return the live session for a cookie token, ending it if it has timed out."""
    if not token:
        return None
    # With its user: every signed-in request reads both, in one statement.
    live = db.session.scalar(
        sa.select(UserSession).where(
            UserSession.token_hash == _token_hash(token), UserSession.ended_at.is_(None)
        ).options(joinedload(UserSession.user))
    )
    if live is None:
        return None
    now = utcnow()
    idle = dt.timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    absolute = dt.timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    if now - live.last_seen_at > idle:
        _end(live, "idle", now)
        return None
    if now - live.created_at > absolute:
        _end(live, "expired", now)
        return None
    # Touch at most once a minute: the idle clock does not need to be finer.
    if now - live.last_seen_at > dt.timedelta(minutes=1):
        live.last_seen_at = now
        db.session.commit()
    return live


def _end(live: UserSession, reason: str, now: dt.datetime) -> None:
    live.ended_at = now
    live.end_reason = reason
    db.session.commit()


def end_session(token: str | None, reason: str = "signed-out") -> None:
    """End the session behind a cookie token (sign-out)."""
    if token:
        live = db.session.scalar(
            sa.select(UserSession).where(UserSession.token_hash == _token_hash(token))
        )
        if live is not None and live.ended_at is None:
            live.ended_at = utcnow()
            live.end_reason = reason


def end_sessions(user: User, *, reason: str, keep_token: str | None = None) -> int:
    """End every live session of a user except, optionally, the caller's own."""
    stmt = sa.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep_token:
        stmt = stmt.where(UserSession.token_hash != _token_hash(keep_token))
    ended = 0
    for live in db.session.scalars(stmt):
        live.ended_at = utcnow()
        live.end_reason = reason
        ended += 1
    return ended


def live_session_count(user: User) -> int:
    """Count the user's sessions that have not ended."""
    return db.session.scalar(
        sa.select(sa.func.count(UserSession.id)).where(
            UserSession.user_id == user.id, UserSession.ended_at.is_(None)
        )
    ) or 0
