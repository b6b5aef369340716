"""Each action's rating for today, kept in its row so that lists sort, filter and page in SQL.

Nothing here decides a rating: the rows are rated by the tracker's one rule, through the
same query and code every list uses (:func:`partnership.actions.queries.rate`), and this
module only stores what the rule says, as a keeper of :mod:`partnership.derived`: on each
write (a change to an action, to its progress log, to its plan's update interval or warning
period, or a carry into a later year marks the actions concerned) and once a day for the
passage of time alone (a target date passing, an update falling due).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from partnership import clock, derived
from partnership.actions.models import Action, ProgressUpdate
from partnership.actions.queries import RATINGS, ActionFilter, rate, statement
from partnership.extensions import db
from partnership.plans.models import Objective, Plan

NAME = RATINGS
_CHUNK = 500  # ids per statement: well under every backend's limit on bound parameters


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
        Action.rag.label("stored_rag"), Action.update_overdue.label("stored_overdue"),
        Action.list_closed.label("stored_closed"), Action.due_sort.label("stored_due"))).all()
    stored = {row.id: (row.stored_rag, row.stored_overdue, row.stored_closed, row.stored_due)
              for row in rows}
    changed = []
    for action in rate(rows, today):
        kept = (action.rag.value, action.judgement.update_overdue, not action.is_open,
                action.target_date or dt.date.max)
        if stored[action.id] != kept:
            changed.append(dict(zip(("action_id", "rag", "update_overdue", "list_closed",
                                     "due_sort"), (action.id, *kept), strict=True)))
    if changed:
        table = Action.__table__
        connection.execute(
            table.update().where(table.c.id == sa.bindparam("action_id"))
            .values(**{name: sa.bindparam(name)
                       for name in ("rag", "update_overdue", "list_closed", "due_sort")}),
            changed)
    return len(changed)


def _mark(session: Session, obj: Any) -> list[Hashable]:
    """The actions whose rating a flushed change may have moved (as tokens)."""
    if isinstance(obj, Action):
        if obj in session.deleted:
            return []
        return [("action", obj.id), *([("action", obj.carried_from_id)]
                                      if obj.carried_from_id is not None else [])]
    if isinstance(obj, ProgressUpdate):
        return [("action", obj.action_id)]
    if isinstance(obj, Plan) and obj not in session.new:
        state = sa.inspect(obj)
        if any(state.attrs[name].history.has_changes()
               for name in ("update_interval_days", "warning_days")):
            return [("plan", obj.id)]
    if (isinstance(obj, Objective) and obj not in session.new
            and sa.inspect(obj).attrs["plan_id"].history.has_changes()):
        return [("objective", obj.id)]
    return []


def _refresh_marked(tokens: set[Hashable] | None, today: dt.date) -> int:
    if tokens is None:
        return refresh(None, today)
    ids = {key for kind, key in tokens if kind == "action"}  # type: ignore[misc]
    plans = [key for kind, key in tokens if kind == "plan"]  # type: ignore[misc]
    objectives = [key for kind, key in tokens if kind == "objective"]  # type: ignore[misc]
    if plans or objectives:
        ids.update(db.session.scalars(sa.select(Action.id).join(
            Objective, Objective.id == Action.objective_id).where(
            sa.or_(Objective.plan_id.in_(plans), Objective.id.in_(objectives)))))
    return refresh(ids, today)


def install() -> None:
    """Keep each action's rating (once per process)."""
    derived.keep(derived.Keeper(NAME, "action rating", "action ratings", _mark,
                                _refresh_marked))
