"""What an action's record says about it on a given day: each rule written once.

The tracker, the business plan and the yearly report all ask these functions whether an
action was complete by a day, completed in a period, closed (cancelled or carried forward)
by a day, and how it was rated on a day. Nothing here is stored or reads the database: an
action is given as its current fields plus, when a past day is asked about, its dated
progress log (:class:`Step`), and everything is read back from those.

How the past is read back from the record:

* **Status.** Progress updates that report a status are dated changes; an update later
  corrected by another is left out (the correction speaks for itself, on its own date). A
  complete action's completion date is a change too, and it wins over any update dated
  after it. A status set by editing the action rather than by an update has no date of its
  own: it is taken to hold from the day after the last update (or throughout, when there
  is none). Before its first dated change an action stood as that change first reported it,
  or in progress when the first change already closed it. A complete action with no
  completion date was complete throughout (the business plan's rule).
* **Per cent complete** is the latest update's figure on or before the day (100 once
  complete); the action's own figure stands while nothing later is recorded.
* **Carried forward.** Carrying an action into the next year takes effect when the copy was
  made, or at the end of the action's own reporting year if the copy was made later (the
  carry is the year-end decision it records): ``carried_on``, worked out by whoever loads
  the action.
* **The rating** on a day is :func:`partnership.actions.rag.judge` given the facts as they
  stood on that day (status, per cent complete, last update, latest proposed rating,
  carried or not).

Without a progress log (``log`` is None) an action is taken as it stands now: that is how
the lists rate today, without reading every update.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from partnership.actions.models import Rating, Status
from partnership.actions.rag import Facts, Judgement, Settings, judge

DAY = dt.timedelta(days=1)
# Statuses an action can stand in before its first recorded change.
DEFAULT_SETTINGS = Settings()  # an action outside any plan
STARTING = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.ONGOING, Status.DEFERRED})


@dataclass(frozen=True)
class Step:
    """One progress update as the rules read it: its date and the figures it reported."""

    on: dt.date
    status: Status | None = None
    percent_complete: int | None = None
    proposed_rating: Rating | None = None
    corrected: bool = False  # a later update corrects it


class ActionLike(Protocol):
    """What the rules read of an action (a tracked row, a report's record, a test's)."""

    @property
    def status(self) -> Status: ...
    @property
    def start_date(self) -> dt.date | None: ...
    @property
    def target_date(self) -> dt.date | None: ...
    @property
    def percent_complete(self) -> int | None: ...
    @property
    def completed_on(self) -> dt.date | None: ...
    @property
    def created_on(self) -> dt.date: ...
    @property
    def last_update_on(self) -> dt.date | None: ...
    @property
    def latest_proposed(self) -> Rating | None: ...
    @property
    def carried_on(self) -> dt.date | None: ...
    @property
    def log(self) -> Sequence[Step] | None: ...


@dataclass(frozen=True)
class ActionRecord:
    """An action as the rules read it, for callers that hold no tracked row."""

    status: Status
    completed_on: dt.date | None = None
    start_date: dt.date | None = None
    target_date: dt.date | None = None
    percent_complete: int | None = None
    created_on: dt.date = dt.date.min
    last_update_on: dt.date | None = None
    latest_proposed: Rating | None = None
    carried_on: dt.date | None = None
    log: tuple[Step, ...] | None = None


def carried_on(created: dt.date | None, year_last_day: dt.date) -> dt.date | None:
    """The day carrying forward took effect: the copy's making, or its year's end if later."""
    return None if created is None else min(created, year_last_day)


def steps(rows: Sequence[tuple[int, dt.date, Status | str | None, int | None,
                               Rating | str | None, int | None]]) -> tuple[Step, ...]:
    """Turn one action's updates (id, recorded on, status, %, rating, corrects id), in
    recorded order, into its log, marking the corrected ones."""
    corrected = {row[5] for row in rows if row[5] is not None}
    return tuple(
        Step(on=on, status=Status(status) if status else None, percent_complete=percent,
             proposed_rating=Rating(rating) if rating else None, corrected=update_id in corrected)
        for update_id, on, status, percent, rating, _ in rows)


# --- status over time -------------------------------------------------------------------------


def _changes(action: ActionLike) -> tuple[Status, list[tuple[dt.date, Status]]]:
    """The status before any dated change, and the dated status changes in order."""
    if action.status is Status.COMPLETE and action.completed_on is None:
        return Status.COMPLETE, []  # complete on a day not recorded: complete throughout
    reported = [(step.on, step.status) for step in (action.log or ())
                if step.status is not None and not step.corrected]
    reported.sort(key=lambda change: change[0])  # stable: same-day updates keep their order
    if action.status is Status.COMPLETE:
        done = action.completed_on
        assert done is not None
        reported = [change for change in reported if change[0] < done]
        reported.append((done, Status.COMPLETE))
    elif not reported:
        return action.status, []
    elif reported[-1][1] is not action.status:
        # Set by editing the action, on a day the record does not keep.
        reported.append((reported[-1][0] + DAY, action.status))
    first = reported[0][1]
    return (first if first in STARTING else Status.IN_PROGRESS), reported


def status_as_at(action: ActionLike, day: dt.date) -> Status:
    """The action's status as it stood on ``day``."""
    if action.log is None:
        return action.status
    status, changes = _changes(action)
    for on, changed_to in changes:
        if on > day:
            break
        status = changed_to
    return status


def completion_date(action: ActionLike, day: dt.date) -> dt.date | None:
    """The day the completion standing on ``day`` was reached (None: not recorded, or not
    complete on ``day``)."""
    if action.log is None:
        return action.completed_on if action.status is Status.COMPLETE else None
    status, changes = _changes(action)
    since: dt.date | None = None
    for on, changed_to in changes:
        if on > day:
            break
        if changed_to is Status.COMPLETE and status is not Status.COMPLETE:
            since = on
        elif changed_to is not Status.COMPLETE:
            since = None
        status = changed_to
    return since if status is Status.COMPLETE else None


def complete_by(action: ActionLike, day: dt.date) -> bool:
    """Complete on ``day``: completed on or before it (or on a day not recorded)."""
    if action.log is None:
        return action.status is Status.COMPLETE and (
            action.completed_on is None or action.completed_on <= day)
    return status_as_at(action, day) is Status.COMPLETE


def completed_in(action: ActionLike, start: dt.date, end: dt.date) -> bool:
    """Completed from ``start`` to ``end`` (both included): complete on ``end``, reached on
    or after ``start`` (or on a day not recorded: the business plan's rule)."""
    if not complete_by(action, end):
        return False
    reached = completion_date(action, end)
    return reached is None or reached >= start


def carried_forward(action: ActionLike, day: dt.date) -> bool:
    """Carried forward into a later year by ``day`` (a period's end, say)."""
    return action.carried_on is not None and action.carried_on <= day


def closed_by(action: ActionLike, day: dt.date) -> bool:
    """Closed on ``day``, by a decision rather than for lack of progress: cancelled or
    carried forward, and not complete."""
    if complete_by(action, day):
        return False
    return carried_forward(action, day) or status_as_at(action, day) is Status.CANCELLED


def in_progress_at(action: ActionLike, day: dt.date) -> bool:
    """Under way on ``day``: in progress or ongoing, and neither complete nor closed."""
    return (status_as_at(action, day) in (Status.IN_PROGRESS, Status.ONGOING)
            and not carried_forward(action, day))


def unfinished_at(action: ActionLike, day: dt.date) -> bool:
    """Still to be finished on ``day``: not complete, deferred or closed, and due to have
    started (the business plan's test for an action with little or no progress)."""
    status = status_as_at(action, day)
    if status in (Status.COMPLETE, Status.DEFERRED) or closed_by(action, day):
        return False
    return action.start_date is None or action.start_date <= day


# --- the rating on a day ----------------------------------------------------------------------


def percent_as_at(action: ActionLike, day: dt.date) -> int | None:
    """Per cent complete on ``day``: 100 once complete, else the latest update's figure."""
    if action.log is None:
        return action.percent_complete
    status = status_as_at(action, day)
    if status is Status.COMPLETE:
        return 100
    dated = [s for s in action.log if s.percent_complete is not None and not s.corrected]
    if status is action.status and not any(s.on > day for s in dated):
        return action.percent_complete
    before = [s.percent_complete for s in dated if s.on <= day]
    return before[-1] if before else None


def facts_as_at(action: ActionLike, day: dt.date) -> Facts:
    """What the rating rule looks at, as it stood on ``day``."""
    if action.log is None:
        return Facts(status=action.status, start_date=action.start_date,
                     target_date=action.target_date, percent_complete=action.percent_complete,
                     created_on=action.created_on, last_update_on=action.last_update_on,
                     latest_proposed=action.latest_proposed,
                     carried_forward=action.carried_on is not None)
    given = [s for s in action.log if s.on <= day]
    standing = [s for s in given if not s.corrected]
    return Facts(status=status_as_at(action, day), start_date=action.start_date,
                 target_date=action.target_date, percent_complete=percent_as_at(action, day),
                 created_on=action.created_on,
                 last_update_on=max((s.on for s in given), default=None),
                 latest_proposed=standing[-1].proposed_rating if standing else None,
                 carried_forward=carried_forward(action, day))


def rating_as_at(action: ActionLike, day: dt.date, settings: Settings = DEFAULT_SETTINGS
                 ) -> Judgement:
    """Rate the action as it stood on ``day``, by the tracker's one rule."""
    return judge(facts_as_at(action, day), day, settings)
