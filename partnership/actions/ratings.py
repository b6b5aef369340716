"""Each action's rating for today, kept in its row so that lists sort, filter and page in SQL.

Nothing here decides a rating: the rows are rated by the tracker's one rule, through the
same query and code every list uses (:func:`partnership.actions.queries.rate`), and this
module only stores what the rule says:

* **on each write**: a change to an action, to its progress log, to its plan's update
  interval or warning period, or a carry into a later year marks the actions concerned, and
  before the transaction commits they are rated again (in the same transaction, so the
  stored rating and what it was made from commit together);
* **once a day**, for the passage of time alone (a target date passing, an update falling
  due): :func:`refresh_all`, run by the scheduled "ratings" job just after midnight UK time
  and after the demo is loaded. It records the day in :class:`RatingDay`.

Lists use the stored ratings only when :class:`RatingDay` says today (``queries.listed``);
otherwise they rate every action themselves, so a missed job makes lists slower, never wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from partnership import clock
from partnership.actions.models import Action, ProgressUpdate, RatingDay
from partnership.actions.queries import ActionFilter, rate, statement
from partnership.database import utcnow
from partnership.extensions import db
from partnership.plans.models import Objective, Plan

_CHUNK = 500  # ids per statement: well under every backend's limit on bound parameters
_STALE = "actions.ratings_stale"  # the session's marked actions (and plans)


def refresh(action_ids: Iterable[int] | None = None, today: dt.date | None = None) -> int:
    """Rate these actions (every action: None) on ``today`` by the one rule and store the
    ratings that changed; return how many changed."""
    today = today or clock.today()
    if action_ids is None:
        return _store(statement(ActionFilter()), today)
    ids = sorted(set(action_ids))
    return sum(_store(statement(ActionFilter()).where(Action.id.in_(ids[start:start + _CHUNK])),
                      today)
               for start in range(0, len(ids), _CHUNK))


def _store(stmt: sa.Select[Any], today: dt.date) -> int:
    connection = db.session.connection()
    rows = connection.execute(stmt.add_columns(
        Action.rag.label("stored_rag"), Action.update_overdue.label("stored_overdue"))).all()
    stored = {row.id: (row.stored_rag, row.stored_overdue) for row in rows}
    changed = [
        {"action_id": action.id, "rag": action.rag.value,
         "update_overdue": action.judgement.update_overdue}
        for action in rate(rows, today)
        if stored[action.id] != (action.rag.value, action.judgement.update_overdue)]
    if changed:
        table = Action.__table__
        connection.execute(
            table.update().where(table.c.id == sa.bindparam("action_id"))
            .values(rag=sa.bindparam("rag"), update_overdue=sa.bindparam("update_overdue")),
            changed)
    return len(changed)


def refresh_all(today: dt.date | None = None) -> str:
    """Rate every action for ``today``, store what changed and record the day (the daily
    job); return what it did, in words."""
    today = today or clock.today()
    session = db.session
    session.flush()
    session.info.pop(_STALE, None)  # every action is rated below
    changed = refresh(None, today)
    marker = session.scalar(sa.select(RatingDay).order_by(RatingDay.id).limit(1))
    if marker is None:
        session.add(RatingDay(day=today, refreshed_at=utcnow()))
    else:
        marker.day, marker.refreshed_at = today, utcnow()
    session.flush()
    return f"{changed} action rating{'' if changed == 1 else 's'} changed for {today:%-d %B %Y}"


# --- on each write ----------------------------------------------------------------------------


def _mark(session: Session, _context: Any) -> None:
    """After a flush, note the actions whose rating the flushed changes may have moved."""
    stale: set[tuple[str, int]] = session.info.setdefault(_STALE, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Action):
            if obj in session.deleted:
                continue
            stale.add(("action", obj.id))
            if obj.carried_from_id is not None:
                stale.add(("action", obj.carried_from_id))
        elif isinstance(obj, ProgressUpdate):
            stale.add(("action", obj.action_id))
        elif isinstance(obj, Plan) and obj not in session.new:
            state = sa.inspect(obj)
            if any(state.attrs[name].history.has_changes()
                   for name in ("update_interval_days", "warning_days")):
                stale.add(("plan", obj.id))
        elif (isinstance(obj, Objective) and obj not in session.new
              and sa.inspect(obj).attrs["plan_id"].history.has_changes()):
            stale.add(("objective", obj.id))


def _rate_marked(session: Session) -> None:
    """Before a commit, rate again the actions the transaction's changes may have moved."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # the last changes, and their marks
    stale: set[tuple[str, int]] = session.info.pop(_STALE, set())
    if not stale:
        return
    today = clock.today()
    if session.scalar(sa.select(RatingDay.day).order_by(RatingDay.id).limit(1)) != today:
        return  # lists rate everything themselves until the day's refresh: nothing to keep
    ids = {key for kind, key in stale if kind == "action"}
    plans = [key for kind, key in stale if kind == "plan"]
    objectives = [key for kind, key in stale if kind == "objective"]
    if plans or objectives:
        ids.update(session.scalars(sa.select(Action.id).join(
            Objective, Objective.id == Action.objective_id).where(
            sa.or_(Objective.plan_id.in_(plans), Objective.id.in_(objectives)))))
    refresh(ids, today)


def _forget_marks(session: Session, *_args: Any) -> None:
    session.info.pop(_STALE, None)


def install_listeners() -> None:
    """Hook the rating keeper into every ORM session, once."""
    for name, listener in (("after_flush", _mark), ("before_commit", _rate_marked),
                           ("after_rollback", _forget_marks)):
        if not sa.event.contains(Session, name, listener):
            sa.event.listen(Session, name, listener)
