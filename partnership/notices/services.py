"""Telling people: notices in the app, each person's choices, the digest's day, the sweeps.

Everything told is read from live data when it is told (:mod:`partnership.notices.sources`),
so a changed owner or date changes who is told what, and when. Each notice and each email has
a unique key, written with ``INSERT ... ON CONFLICT DO NOTHING``: however many workers run a
sweep, a person is told a thing once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from partnership import clock
from partnership.accounts.models import User
from partnership.extensions import db
from partnership.jobs.services import insert_unless_present
from partnership.kernel.errors import DomainError
from partnership.notices import mail
from partnership.notices.digest import compose_digest, compose_notice
from partnership.notices.items import Item, Window, link
from partnership.notices.models import (
    Delivery,
    DigestSchedule,
    Notice,
    NoticeKind,
    NoticePreference,
)
from partnership.notices.sources import items_for
from partnership.policy import Role, forget_scopes
from partnership.register.models import Partnership

DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_SEND_AT = dt.time(7, 0)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PAGE_SIZE = 50
# The families whose items may be told at once (the others wait for the digest).
IMMEDIATE_FAMILIES = frozenset({"cases", "sign_offs"})


class NoticeProblem(DomainError):
    """A notice or setting that cannot be changed as asked."""


@contextmanager
def in_service() -> Iterator[None]:
    """Run a block as the service itself, with links built for ``SERVICE_URL`` (jobs, tests)."""
    with current_app.test_request_context("/", base_url=current_app.config["SERVICE_URL"]):
        yield


# --- choices ---------------------------------------------------------------------------------


def preferences_of(user_id: int) -> dict[NoticeKind, Delivery]:
    """How the user receives each kind of notice (by email unless they chose otherwise)."""
    chosen = dict(db.session.execute(
        sa.select(NoticePreference.kind, NoticePreference.delivery)
        .where(NoticePreference.user_id == user_id)).all())
    return {kind: chosen.get(kind, Delivery.EMAIL) for kind in NoticeKind}


def set_preferences(user_id: int, choices: Mapping[NoticeKind, Delivery]) -> None:
    """Save the user's choices (flushed, not committed)."""
    existing = {row.kind: row for row in db.session.scalars(
        sa.select(NoticePreference).where(NoticePreference.user_id == user_id))}
    for kind, delivery in choices.items():
        row = existing.get(kind)
        if row is None:
            db.session.add(NoticePreference(user_id=user_id, kind=kind, delivery=delivery))
        elif row.delivery is not delivery:
            row.delivery = delivery
    db.session.flush()


# --- notices ---------------------------------------------------------------------------------


def notify(user: Any, kind: NoticeKind, key: str, title: str, *, detail: str = "",
           path: str = "", partnership_id: int | None = None,
           delivery: Delivery | None = None) -> bool:
    """Tell a user something once (``key``), as they chose; say whether it was told now.

    Off: nothing is kept. In the app: a notice. By email: a notice, mailed by the next sweep.
    Flushed, not committed.
    """
    delivery = delivery or preferences_of(user.id)[kind]
    if delivery is Delivery.OFF:
        return False
    full_key = f"{kind.value}:{user.id}:{key}"[:200]
    if db.session.scalar(sa.select(Notice.id).where(Notice.key == full_key)) is not None:
        return False
    insert_unless_present(Notice, {
        "user_id": user.id, "kind": kind, "title": title[:300], "detail": detail,
        "path": path[:500], "partnership_id": partnership_id, "created_at": clock.now(),
        "read_at": None, "key": full_key, "mail_pending": delivery is Delivery.EMAIL}, "key")
    return True


def unread_count(user: Any) -> int:
    """How many of the user's notices are unread."""
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(Notice).where(
        Notice.user_id == user.id, Notice.read_at.is_(None))) or 0)


def notices_of(user: Any, limit: int = PAGE_SIZE) -> list[Notice]:
    """The user's latest notices, unread first, newest first."""
    return list(db.session.scalars(
        sa.select(Notice).where(Notice.user_id == user.id)
        .order_by(Notice.read_at.is_not(None), Notice.created_at.desc(), Notice.id.desc())
        .limit(limit)))


def notice_of(user: Any, notice_id: int) -> Notice | None:
    """One of the user's own notices (None for anyone else's)."""
    return db.session.scalar(sa.select(Notice).where(Notice.id == notice_id,
                                                     Notice.user_id == user.id))


def mark_read(notice: Notice) -> None:
    """Mark a notice read (flushed, not committed)."""
    if notice.read_at is None:
        notice.read_at = clock.now()
        db.session.flush()


def mark_all_read(user: Any) -> int:
    """Mark every notice of the user read; return how many were unread (not committed)."""
    return int(db.session.execute(
        sa.update(Notice).where(Notice.user_id == user.id, Notice.read_at.is_(None))
        .values(read_at=clock.now()).execution_options(synchronize_session=False)).rowcount)


# --- the digest's day ------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestTime:
    """When a partnership's digest goes out: a weekday and a time, UK time."""

    weekday: int
    send_at: dt.time

    @property
    def words(self) -> str:
        """Say when: "Mondays at 07:00"."""
        return f"{WEEKDAYS[self.weekday]}s at {self.send_at:%H:%M}"

    def slot_in_week_of(self, day: dt.date) -> dt.datetime:
        """The instant (UTC) the digest goes out in the week (Monday to Sunday) of ``day``."""
        monday = day - dt.timedelta(days=day.weekday())
        local = dt.datetime.combine(monday + dt.timedelta(days=self.weekday), self.send_at,
                                    tzinfo=clock.UK_TIME)
        return local.astimezone(dt.UTC)


def digest_time(partnership_id: int) -> DigestTime:
    """The partnership's digest day and time (Monday 07:00 unless the team changed it)."""
    row = db.session.get(DigestSchedule, partnership_id)
    if row is None:
        return DigestTime(DEFAULT_WEEKDAY, DEFAULT_SEND_AT)
    return DigestTime(row.weekday, row.send_at)


def set_digest_time(partnership: Partnership, weekday: int, send_at: dt.time) -> None:
    """Change when the partnership's digest goes out (flushed, not committed)."""
    if not 0 <= weekday <= 6:
        raise NoticeProblem("Choose a day of the week", "weekday")
    row = db.session.get(DigestSchedule, partnership.id)
    if row is None:
        db.session.add(DigestSchedule(partnership_id=partnership.id, weekday=weekday,
                                      send_at=send_at))
    else:
        row.weekday, row.send_at = weekday, send_at
    db.session.flush()


def week_of(day: dt.date) -> str:
    """Name the ISO week a day is in: "2026-W50"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def home_partnership(user: User, partnership_ids: list[int]) -> int | None:
    """The partnership whose digest day a user's digest keeps: the first they serve."""
    if user.role is Role.ADMIN:
        return partnership_ids[0] if partnership_ids else None
    served = sorted(user.partnership_ids)
    return served[0] if served else None


def partnerships_served(user: Any) -> list[Partnership]:
    """The partnerships a user serves (every one, for an administrator), by name."""
    statement = sa.select(Partnership).order_by(Partnership.name)
    if user.role is not Role.ADMIN:
        statement = statement.where(Partnership.id.in_(sorted(user.partnership_ids)))
    return list(db.session.scalars(statement))


def active_users() -> list[User]:
    """Every account that can sign in."""
    return list(db.session.scalars(
        sa.select(User).where(User.disabled.is_(False)).order_by(User.id)))


def partnerships_due(now: dt.datetime) -> list[tuple[int, str]]:
    """The partnerships whose digest of this week is due by ``now``: (id, week) pairs."""
    today = now.astimezone(clock.UK_TIME).date()
    due = []
    for partnership_id in db.session.scalars(sa.select(Partnership.id).order_by(Partnership.id)):
        if digest_time(partnership_id).slot_in_week_of(today) <= now:
            due.append((partnership_id, week_of(today)))
    return due


def send_digests(partnership_id: int, week: str, window: Window | None = None) -> int:
    """Compose and queue this week's digest for everyone whose digest day is the
    partnership's; return how many were queued. Nobody with nothing to read gets one."""
    window = window or Window.starting()
    forget_scopes()
    all_ids = list(db.session.scalars(sa.select(Partnership.id).order_by(Partnership.id)))
    queued = 0
    with in_service():
        for user in active_users():
            if home_partnership(user, all_ids) != partnership_id:
                continue
            delivery = preferences_of(user.id)[NoticeKind.DIGEST]
            if delivery is Delivery.OFF:
                continue
            items = items_for(user, window)
            if not items:
                continue  # never an empty digest
            told = notify(user, NoticeKind.DIGEST, week,
                          f"Your weekly digest: {len(items)} thing"
                          f"{'' if len(items) == 1 else 's'} to look at",
                          path=link("notices.centre"), partnership_id=partnership_id,
                          delivery=Delivery.APP)
            if told and delivery is Delivery.EMAIL:
                subject, text, html = compose_digest(user, items, window)
                mail.queue(f"digest:{user.id}:{week}", user, subject, text, html)
            queued += told
    return queued


def sweep_notices(window: Window | None = None) -> int:
    """Tell everyone at once what cannot wait for the digest; mail what is to be mailed.

    Returns the number of notices made.
    """
    window = window or Window.starting()
    forget_scopes()
    told = 0
    with in_service():
        for user in active_users():
            preferences = preferences_of(user.id)
            for item in immediate_items(user, window):
                assert item.immediate is not None
                told += notify(user, item.immediate, item.identity, item.title,
                               detail=item.detail, path=item.path,
                               partnership_id=item.partnership_id,
                               delivery=preferences[item.immediate])
        mail_pending_notices()
    return told


def immediate_items(user: Any, window: Window) -> list[Item]:
    """The items to tell the user at once (a close case deadline, a lapsed sign-off)."""
    return [item for item in items_for(user, window, IMMEDIATE_FAMILIES)
            if item.immediate is not None]


def mail_pending_notices() -> int:
    """Queue an email for each notice marked to be mailed; return how many (not committed)."""
    pending = list(db.session.scalars(
        sa.select(Notice).where(Notice.mail_pending.is_(True)).order_by(Notice.id)))
    for notice in pending:
        user = db.session.get(User, notice.user_id)
        if user is not None and not user.disabled:
            subject, text, html = compose_notice(user, notice)
            mail.queue(f"notice:{notice.key}", user, subject, text, html)
        notice.mail_pending = False
    db.session.flush()
    return len(pending)
