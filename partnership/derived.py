"""Values derived by one rule and kept in their records, so lists sort and page by them in SQL.

Some things a list sorts or filters by are worked out, not typed in: an action's rating, how
urgent a case is. Working them out for every record on every request makes a list cost what
the whole database costs; keeping a copy in each row lets the database do it. A *keeper*
says, for one such copy:

* which records a flushed change may have moved (``mark``: a set of tokens it understands);
* how to work the copy out again, by the feature's own rule, for those records or for all
  (``refresh``), storing only what changed.

This module runs every keeper at the two moments a copy can go stale:

* **on each write**: after each flush it asks every keeper to mark, and before the
  transaction commits it refreshes what was marked (in the same transaction, so the copy
  and what it was made from commit together);
* **once a day**, for the passage of time alone: :func:`refresh_all`, run by the scheduled
  "derived" job just after midnight UK time (and after the demo is loaded), records the day
  in :class:`DerivedDay`.

A reader asks :func:`current` whether the copies were made for today, and otherwise works the
values out itself, so a late or missed job makes a list slower, never wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from partnership import clock
from partnership.database import UTCDateTime, utcnow
from partnership.extensions import db

_MARKED = "derived.marked"  # the session's marks, per keeper


class DerivedDay(db.Model):
    """The day each keeper's copies were last all made for."""

    __tablename__ = "derived_day"
    __audited__ = False

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    day: Mapped[dt.date] = mapped_column(sa.Date)
    refreshed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass(frozen=True)
class Keeper:
    """One kept copy: how to tell what a flush moved, and how to work it out again."""

    name: str
    one: str  # what one copy is, in words, for the daily job's report ("action rating")
    many: str  # and several ("action ratings")
    mark: Callable[[Session, Any], Iterable[Hashable]]  # (session, flushed object) -> tokens
    refresh: Callable[[set[Hashable] | None, dt.date], int]  # tokens (None: all) -> changed


_keepers: dict[str, Keeper] = {}


def keep(keeper: Keeper) -> Keeper:
    """Register a keeper (once per name) and make sure the session hooks are installed."""
    _keepers[keeper.name] = keeper
    for event, listener in (("after_flush", _mark), ("before_commit", _refresh_marked),
                            ("after_rollback", _forget_marks)):
        if not sa.event.contains(Session, event, listener):
            sa.event.listen(Session, event, listener)
    return keeper


def current(name: str, today: dt.date | None = None) -> bool:
    """Say whether the keeper's copies were all made for ``today`` (one read by key)."""
    today = today or clock.today()
    return today == clock.today() and db.session.scalar(
        sa.select(DerivedDay.day).where(DerivedDay.name == name)) == today


def refresh_all(today: dt.date | None = None) -> str:
    """Work out every keeper's copies for ``today``, store what changed and record the day
    (the daily job); return what it did, in words."""
    today = today or clock.today()
    session = db.session
    session.flush()
    session.info.pop(_MARKED, None)  # everything is worked out below
    done = []
    for keeper in _keepers.values():
        changed = keeper.refresh(None, today)
        found = session.get(DerivedDay, keeper.name)
        if found is None:
            session.add(DerivedDay(name=keeper.name, day=today, refreshed_at=utcnow()))
        else:
            found.day, found.refreshed_at = today, utcnow()
        done.append(f"{changed} {keeper.one if changed == 1 else keeper.many}")
    session.flush()
    return f"Changed for {today:%-d %B %Y}: {', '.join(done) or 'nothing kept'}"


def _mark(session: Session, _context: Any) -> None:
    """After a flush, let each keeper note what the flushed changes may have moved."""
    marked: dict[str, set[Hashable]] = session.info.setdefault(_MARKED, {})
    for obj in (*session.new, *session.dirty, *session.deleted):
        for keeper in _keepers.values():
            tokens = keeper.mark(session, obj)
            if tokens:
                marked.setdefault(keeper.name, set()).update(tokens)


def _refresh_marked(session: Session) -> None:
    """Before a commit, work out again what the transaction's changes may have moved."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # the last changes, and their marks
    marked: dict[str, set[Hashable]] = session.info.pop(_MARKED, {})
    if not marked:
        return
    days = {row.name: row.day for row in session.execute(
        sa.select(DerivedDay.name, DerivedDay.day).where(DerivedDay.name.in_(sorted(marked))))}
    today = clock.today()
    for name, tokens in marked.items():
        # Until the day's refresh, readers work everything out themselves: nothing to keep.
        if days.get(name) == today and name in _keepers:
            _keepers[name].refresh(tokens, today)


def _forget_marks(session: Session, *_args: Any) -> None:
    session.info.pop(_MARKED, None)
