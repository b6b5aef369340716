"""Calendar feeds: each user's private feed address, and what goes in it.

A feed address carries a random secret; only its SHA-256 is stored, so the address is shown
once, when it is made, and a copy of the database opens no feed. Replacing the address or
revoking it ends the old one at once.

What a feed holds is read for the feed's own user, never for whoever asks (the address is
opened by calendar programs, signed in as nobody): their meetings, the actions they lead,
and the deadlines of the cases they may see (need-to-know, as the case board asks it). A
case's event names only its pseudonymous reference and the kind of deadline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from partnership import clock
from partnership.accounts.models import User
from partnership.actions.models import Action
from partnership.actions.queries import tracked
from partnership.actions.services import mine_filter
from partnership.calendar.models import CalendarFeed
from partnership.extensions import db
from partnership.meetings.models import Meeting, MeetingStatus
from partnership.meetings.services import owner_name
from partnership.policy import Role, scope, visible
from partnership.register.models import Body
from partnership.reviews.models import Case
from partnership.reviews.services.board import cases_for, standings
from partnership.reviews.services.deadlines import DeadlineKind

SECRET_BYTES = 32
# A feed looks back a little (last month's meetings stay in the calendar) and a year ahead.
LOOK_BACK = dt.timedelta(days=90)
LOOK_AHEAD = dt.timedelta(days=400)
# The words a case's deadline is shown with: its kind, never anything about the child.
DEADLINE_WORDS = {
    DeadlineKind.NOTIFICATION: "serious incident notification due",
    DeadlineKind.RAPID_REVIEW: "Rapid Review due",
    DeadlineKind.LOCAL_REVIEW: "local review to be completed and published",
    DeadlineKind.INFORMATION: "agency information for the Rapid Review due",
}


# --- the feed's address ----------------------------------------------------------------------


def secret_hash(secret: str) -> str:
    """Return the stored form of a feed secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_of(user: User) -> CalendarFeed | None:
    """Return the user's live feed, if they have one."""
    return db.session.scalars(
        sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id)).first()


def issue_feed(user: User) -> str:
    """Give the user a new feed address (ending any old one); return its secret, shown once."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.secret_hash = secret_hash(secret)
    feed.created_at = clock.now()
    db.session.flush()
    return secret


def revoke_feed(user: User) -> bool:
    """End the user's feed address; False if they had none."""
    feed = feed_of(user)
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.flush()
    return True


def user_for_secret(secret: str) -> User | None:
    """Return the active user whose live feed has this secret, else None."""
    if not secret or len(secret) > 200:
        return None
    feed = db.session.scalars(sa.select(CalendarFeed).where(
        CalendarFeed.secret_hash == secret_hash(secret))).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


# --- what a feed holds -----------------------------------------------------------------------


@dataclass(frozen=True)
class DueDate:
    """A deadline shown as an all-day event: what is due, when, and where to read about it."""

    uid: str
    summary: str
    due: dt.date
    endpoint: str
    values: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class FeedContents:
    """A user's meetings and due dates, for their feed."""

    meetings: list[Meeting]
    due_dates: list[DueDate]


def meetings_for(user: User, today: dt.date) -> list[Meeting]:
    """The user's meetings near today: of the bodies they chair or sit on (every meeting the
    team serves, since the team runs them), that they may view."""
    conditions = [visible(user, Meeting),
                  Meeting.held_on.between(today - LOOK_BACK, today + LOOK_AHEAD)]
    if user.role is not Role.TEAM:
        conditions.append(Meeting.body_id.in_(sorted(scope(user).body_ids)))
    return list(db.session.scalars(
        sa.select(Meeting).where(*conditions)
        .options(selectinload(Meeting.body).selectinload(Body.partnership),
                 selectinload(Meeting.body).selectinload(Body.collaboration))
        .order_by(Meeting.held_on, Meeting.starts_at, Meeting.id)))


def actions_due(user: User, today: dt.date) -> list[DueDate]:
    """The open actions the user leads that have a target date and that they may view.

    An action from a case review names only the case's reference, like the case's deadlines.
    """
    flt = mine_filter(user)
    if flt is None:
        return []
    rows = [a for a in tracked(flt, today) if a.is_open and a.target_date is not None]
    if not rows:
        return []
    # The tracked query reads for whoever asks; the feed reads for its own user.
    allowed = set(db.session.scalars(sa.select(Action.id).where(
        Action.id.in_([a.id for a in rows]), visible(user, Action))))
    case_ids = {a.case_id for a in rows if a.case_id is not None and a.id in allowed}
    references: dict[int, str] = {}
    if case_ids:
        references = {case_id: reference for case_id, reference in db.session.execute(
            sa.select(Case.id, Case.reference).where(Case.id.in_(sorted(case_ids))))}
    found = []
    for action in rows:
        if action.id not in allowed:
            continue
        assert action.target_date is not None
        if action.case_id is not None:
            summary = f"{references.get(action.case_id, 'Case review')}: action due"
        else:
            summary = f"Action due: {action.title}"
        found.append(DueDate(uid=f"action-{action.id}-due", summary=summary,
                             due=action.target_date, endpoint="actions.detail",
                             values=(("action_id", action.id),)))
    return found


def case_deadlines(user: User, today: dt.date) -> list[DueDate]:
    """The open deadlines of the cases the user may see, as the case board computes them."""
    found = []
    for standing in standings(cases_for(user, open_only=True), today):
        case = standing.case
        for deadline in standing.deadlines:
            words = DEADLINE_WORDS.get(
                deadline.kind, f"local review milestone due: {deadline.name[:1].lower()}"
                               f"{deadline.name[1:]}")
            # The same deadline keeps its identity when others are met or added.
            which = hashlib.sha256(deadline.name.encode()).hexdigest()[:12]
            found.append(DueDate(
                uid=f"case-{case.id}-{deadline.kind}-{which}",
                summary=f"{case.reference}: {words}", due=deadline.due,
                endpoint="cases.detail", values=(("case_id", case.id),)))
    return found


def feed_contents(user: User, today: dt.date) -> FeedContents:
    """Everything the user's feed holds today."""
    due = [*actions_due(user, today), *case_deadlines(user, today)]
    due.sort(key=lambda d: (d.due, d.summary, d.uid))
    return FeedContents(meetings=meetings_for(user, today), due_dates=due)


def meeting_words(meeting: Meeting) -> str:
    """Say what a meeting is, for its event's title: "Executive Group (cancelled)"."""
    cancelled = " (cancelled)" if meeting.status is MeetingStatus.CANCELLED else ""
    return f"{meeting.body.name}{cancelled}"


def meeting_owner(meeting: Meeting) -> str:
    """Name the partnership (or collaboration) a meeting's body belongs to."""
    return owner_name(meeting.body)
