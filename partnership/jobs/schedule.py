"""Scheduled jobs: APScheduler triggers that only *enqueue* a job keyed by its occurrence.

Features register a :class:`Schedule` (a name, the kind of job, an APScheduler trigger) when
the app is created. The worker process runs a ``BackgroundScheduler`` with one APScheduler
job per schedule; each firing enqueues the job of that occurrence with the key
``"<name>:<UTC minute of the occurrence>"``. Keyed enqueue is idempotent and the queue runs a
job once (:mod:`partnership.jobs.services`), so any number of schedulers, in any number of
worker processes, produce one run per occurrence. Nothing about *when* lives in APScheduler's
own job stores: the triggers are code, the jobs are rows.

A scheduler that was stopped catches up when it starts again: the latest occurrence missed
within ``CATCH_UP`` is enqueued (earlier ones are coalesced into it, as every scheduled job
here reads live data).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from flask import Flask

from partnership import clock
from partnership.extensions import db
from partnership.jobs import services

log = logging.getLogger(__name__)

CATCH_UP = dt.timedelta(days=1)
_STEP = dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class Schedule:
    """A job enqueued at each firing of an APScheduler trigger."""

    name: str
    kind: str
    trigger: BaseTrigger
    description: str = ""
    max_attempts: int = 3


_schedules: dict[str, Schedule] = {}


def schedule(item: Schedule) -> Schedule:
    """Register a schedule (once per name; registering it again replaces it)."""
    _schedules[item.name] = item
    return item


def schedules() -> list[Schedule]:
    """Every registered schedule, by name."""
    return [_schedules[name] for name in sorted(_schedules)]


def occurrences(item: Schedule, after: dt.datetime, until: dt.datetime) -> Iterator[dt.datetime]:
    """The trigger's fire times later than ``after`` and no later than ``until``."""
    fire = item.trigger.get_next_fire_time(None, after + _STEP)
    while fire is not None and fire <= until:
        yield fire
        fire = item.trigger.get_next_fire_time(fire, fire + _STEP)


def next_run(item: Schedule, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the schedule fires next (after ``now``)."""
    return item.trigger.get_next_fire_time(None, (now or clock.now()) + _STEP)


def occurrence_key(item: Schedule, at: dt.datetime) -> str:
    """The job key of one occurrence: the schedule's name and the UTC minute it fired at."""
    return f"{item.name}:{at.astimezone(dt.UTC):%Y-%m-%dT%H:%MZ}"


def enqueue_occurrence(item: Schedule, at: dt.datetime) -> None:
    """Enqueue the schedule's job for one occurrence (idempotent; not committed)."""
    services.enqueue(item.kind, {"schedule": item.name,
                                 "occurrence": at.astimezone(dt.UTC).isoformat()},
                     key=occurrence_key(item, at), run_after=at.astimezone(dt.UTC),
                     max_attempts=item.max_attempts)


class Scheduler:
    """Enqueue each schedule's occurrences as they come (one per process; several may run)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.last: dict[str, dt.datetime] = {}
        self.lock = threading.Lock()
        self.background: BackgroundScheduler | None = None

    def due(self, item: Schedule, now: dt.datetime) -> dt.datetime | None:
        """The latest occurrence not yet enqueued by this scheduler (earlier ones coalesced)."""
        since = self.last.get(item.name, now - CATCH_UP)
        latest = None
        for at in occurrences(item, since, now):
            latest = at
        return latest

    def fire(self, name: str, now: dt.datetime | None = None) -> bool:
        """Enqueue the latest due occurrence of one schedule; say whether there was one."""
        item = _schedules[name]
        now = now or clock.now()
        with self.lock, self.app.app_context():
            at = self.due(item, now)
            if at is None:
                return False
            enqueue_occurrence(item, at)
            db.session.commit()
            self.last[name] = at
            return True

    def tick(self, now: dt.datetime | None = None) -> int:
        """Enqueue whatever is due of every schedule (tests drive simulated time with this)."""
        now = now or clock.now()
        return sum(self.fire(item.name, now) for item in schedules())

    def start(self) -> BackgroundScheduler:
        """Run the schedules' triggers in a background thread until :meth:`stop`."""
        background = BackgroundScheduler(timezone=dt.UTC)
        self.tick()  # catch up on what was missed while no scheduler ran
        for item in schedules():
            background.add_job(self._fire_safely, item.trigger, args=[item.name], id=item.name,
                               name=item.description or item.name, coalesce=True,
                               max_instances=1, misfire_grace_time=None)
        background.start()
        self.background = background
        log.info("scheduler started with %d schedule(s)", len(schedules()))
        return background

    def stop(self) -> None:
        """Stop the background scheduler (jobs already enqueued stay queued)."""
        if self.background is not None:
            self.background.shutdown(wait=False)
            self.background = None

    def _fire_safely(self, name: str) -> None:
        try:
            self.fire(name)
        except Exception:
            # A database outage must not kill the scheduler's thread; the next firing (or the
            # next start's catch-up) enqueues the occurrence.
            log.exception("scheduler: could not enqueue %s", name)
