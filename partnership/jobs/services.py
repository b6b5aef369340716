"""The job queue: enqueue work, claim it (one worker per job), run it, retry it, recover it.

Why our own queue and not APScheduler
-------------------------------------
APScheduler 3 (already a dependency) is a scheduler, not a queue: its job stores keep *when*
to run something, and its documentation says a job store must not be shared by several
schedulers, so with several web servers or workers each would run every job. APScheduler 4
coordinates schedulers through its data store but is still a pre-release, and we pin ``<4``.
A queue that runs each job once needs only a table and a row lock, which both our databases
give us directly:

* PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` picks the oldest due job no other worker
  holds, without waiting on the rows they hold;
* SQLite: the claim is a conditional ``UPDATE ... WHERE status = 'queued'``; SQLite runs one
  writer at a time, so only one worker's update matches (the same condition guards
  PostgreSQL too).

A job is finished in the same transaction as the work its handler did, and only if the
worker still holds it; so even a job taken back from a worker presumed dead (see
:func:`recover_stale`) has its effects committed once. Enqueueing with a ``key`` is
idempotent: the key is unique in the table, so a second enqueue returns the first job.

The scheduled jobs of a later issue can be an APScheduler in the worker process whose
triggers only *enqueue* a job keyed by the occurrence (``"weekly-digest:2027-01-04"``):
several schedulers then still produce one job, and this queue runs it once.

Features register handlers with :func:`handler` when the app is created; this package
imports nothing from them.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import os
import socket
import traceback
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from partnership import clock
from partnership.extensions import db
from partnership.jobs.models import Job, JobStatus

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]
_handlers: dict[str, Handler] = {}
_running_job: contextvars.ContextVar[int | None] = contextvars.ContextVar("running_job",
                                                                         default=None)

# Seconds to wait before the next attempt after a failure: attempt 1 -> 30 s, 2 -> 2 min, ...
RETRY_BASE_SECONDS = 30
ERROR_LENGTH = 4000


class UnknownJobKind(LookupError):
    """No handler is registered for a job's kind."""


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of jobs of ``kind`` (one per kind)."""

    def register(function: Handler) -> Handler:
        existing = _handlers.get(kind)
        if existing is not None and existing is not function:
            # Re-registering the same function is harmless (an app created twice in tests).
            qualified = f"{existing.__module__}.{existing.__qualname__}"
            if qualified != f"{function.__module__}.{function.__qualname__}":
                raise ValueError(f"a handler for {kind!r} is registered already: {qualified}")
        _handlers[kind] = function
        return function

    return register


def handler_for(kind: str) -> Handler:
    """Return the handler registered for ``kind``."""
    try:
        return _handlers[kind]
    except KeyError:
        raise UnknownJobKind(f"no handler is registered for jobs of kind {kind!r}") from None


def worker_name() -> str:
    """Name this process as a worker: host and process id (shown in ``locked_by``)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def insert_unless_present(model: type[Any], values: dict[str, Any], unique: str) -> None:
    """INSERT a row unless one with the same ``unique`` column value exists (no error).

    ``INSERT ... ON CONFLICT DO NOTHING`` on both databases: a request that loses the race
    for the value waits for the winner's commit and then inserts nothing, and its own
    transaction carries on (a savepoint would do on PostgreSQL, but SQLite's driver commits
    a savepoint opened before any write).
    """
    table = model.__table__
    dialect = db.session.get_bind().dialect.name
    insert_of = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    db.session.execute(insert_of(table).values(**values)
                       .on_conflict_do_nothing(index_elements=[table.c[unique]]))


def enqueue(kind: str, payload: dict[str, Any] | None = None, key: str | None = None, *,
            run_after: dt.datetime | None = None, max_attempts: int = 3) -> Job:
    """Add a job (not committed); with a ``key`` already enqueued, return that job instead.

    The caller commits: the job becomes visible to workers with the work that asked for it.
    """
    values = {"kind": kind, "payload": payload or {}, "key": key, "status": JobStatus.QUEUED,
              "attempts": 0, "max_attempts": max_attempts,
              "run_after": run_after or clock.now(), "created_at": clock.now()}
    if key is None:
        job = Job(**values)
        db.session.add(job)
        db.session.flush()
        return job
    existing = job_with_key(key)
    if existing is not None:
        return existing
    insert_unless_present(Job, values, "key")
    found = job_with_key(key)
    if found is None:  # the winner of the race rolled back after all: try once more
        insert_unless_present(Job, values, "key")
        found = job_with_key(key)
    assert found is not None
    return found


def job_with_key(key: str) -> Job | None:
    """Return the job enqueued with ``key``, if any."""
    return db.session.scalar(sa.select(Job).where(Job.key == key))


def requeue(job: Job) -> Job:
    """Queue a finished or failed job again, with its attempts reset (flushed, not committed)."""
    if job.status in (JobStatus.DONE, JobStatus.FAILED):
        job.status = JobStatus.QUEUED
        job.attempts = 0
        job.run_after = clock.now()
        job.locked_by = job.locked_at = job.finished_at = None
        job.error = None
        db.session.flush()
    return job


def claim(worker: str) -> Job | None:
    """Take the oldest due job for ``worker`` and commit the claim; None if there is none.

    On PostgreSQL the candidate row is locked with ``FOR UPDATE SKIP LOCKED`` (other workers
    pass over it); on every database the claim itself is an UPDATE that only matches a job
    still queued, so two workers can never both take one job.
    """
    while True:
        now = clock.now()
        candidate = db.session.scalar(
            sa.select(Job.id)
            .where(Job.status == JobStatus.QUEUED, Job.run_after <= now)
            .order_by(Job.run_after, Job.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if candidate is None:
            db.session.commit()  # end the transaction: hold no snapshot while idle
            return None
        taken = db.session.execute(
            sa.update(Job)
            .where(Job.id == candidate, Job.status == JobStatus.QUEUED)
            .values(status=JobStatus.RUNNING, locked_by=worker, locked_at=now,
                    attempts=Job.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if taken == 1:
            return db.session.get(Job, candidate, populate_existing=True)
        # Another worker took it between our SELECT and UPDATE (SQLite): look again.


def run_one(worker: str | None = None) -> Job | None:
    """Claim one due job and run it; return it (done, queued again or failed), or None."""
    worker = worker or worker_name()
    job = claim(worker)
    if job is None:
        return None
    job_id, kind, payload = job.id, job.kind, dict(job.payload or {})
    started = clock.now()
    running = _running_job.set(job_id)
    try:
        handler_for(kind)(payload)
        db.session.flush()
    except Exception as error:
        db.session.rollback()
        log.warning("job %s (%s) failed: %s", job_id, kind, error)
        _record_failure(job_id, worker, error)
        return db.session.get(Job, job_id, populate_existing=True)
    finally:
        _running_job.reset(running)
    # Finish the job in the handler's transaction, and only if we still hold it: a job taken
    # back as stale and run elsewhere keeps its effects committed once.
    finished = db.session.execute(
        sa.update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.RUNNING, Job.locked_by == worker)
        .values(status=JobStatus.DONE, finished_at=clock.now(), locked_by=None,
                locked_at=None, error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if finished != 1:
        db.session.rollback()
        log.warning("job %s (%s) was taken back from %s before it finished; its work was "
                    "discarded", job_id, kind, worker)
    else:
        db.session.commit()
        log.info("job %s (%s) done in %.2f s", job_id, kind,
                 (clock.now() - started).total_seconds())
    return db.session.get(Job, job_id, populate_existing=True)


def running_job_id() -> int | None:
    """The id of the job whose handler is running now (for a handler that records a result)."""
    return _running_job.get()


def _record_failure(job_id: int, worker: str, error: BaseException) -> None:
    """Queue the job again after a pause, or mark it failed after its last attempt."""
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None or job.status != JobStatus.RUNNING or job.locked_by != worker:
        db.session.rollback()
        return
    text = "".join(traceback.format_exception_only(type(error), error)).strip()
    job.error = text[:ERROR_LENGTH]
    job.locked_by = job.locked_at = None
    if job.attempts >= job.max_attempts:
        job.status = JobStatus.FAILED
        job.finished_at = clock.now()
    else:
        job.status = JobStatus.QUEUED
        job.run_after = clock.now() + retry_delay(job.attempts)
    db.session.commit()


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait before the next attempt, after ``attempts`` failed ones (4x each)."""
    return dt.timedelta(seconds=RETRY_BASE_SECONDS * 4 ** max(0, attempts - 1))


def run_pending(worker: str | None = None, limit: int = 1000) -> int:
    """Run every due job now, one after another (tests, the demo, ``flask worker drain``).

    Stops when no job is due (a failed job waits for its retry time), or after ``limit``.
    Returns the number of jobs run.
    """
    worker = worker or worker_name()
    ran = 0
    while ran < limit and run_one(worker) is not None:
        ran += 1
    return ran


def stale_after() -> dt.timedelta:
    """How long a job may stay claimed before its worker is presumed dead (a setting)."""
    return dt.timedelta(seconds=current_app.config["JOB_STALE_AFTER_SECONDS"])


def recover_stale(older_than: dt.timedelta | None = None) -> int:
    """Put back jobs claimed longer ago than ``older_than`` by a worker that must have died.

    A job that has had all its attempts is marked failed instead. Returns how many were
    recovered. Committed.
    """
    cutoff = clock.now() - (older_than if older_than is not None else stale_after())
    stale = db.session.scalars(
        sa.select(Job).where(Job.status == JobStatus.RUNNING, Job.locked_at < cutoff)
        .with_for_update(skip_locked=True)
    ).all()
    for job in stale:
        job.error = (f"the worker {job.locked_by} stopped answering while running this job "
                     f"(claimed at {job.locked_at:%Y-%m-%d %H:%M:%S} UTC)")
        job.locked_by = job.locked_at = None
        if job.attempts >= job.max_attempts:
            job.status = JobStatus.FAILED
            job.finished_at = clock.now()
        else:
            job.status = JobStatus.QUEUED
            job.run_after = clock.now()
    db.session.commit()
    if stale:
        log.warning("recovered %d job(s) from workers that stopped", len(stale))
    return len(stale)


def forget_finished(older_than: dt.timedelta, kinds: tuple[str, ...] = ()) -> int:
    """Delete jobs done more than ``older_than`` ago (of ``kinds``, if given); not committed.

    Failed jobs are kept for the operator to read (``flask worker status``).
    """
    statement = sa.delete(Job).where(Job.status == JobStatus.DONE,
                                     Job.finished_at < clock.now() - older_than)
    if kinds:
        statement = statement.where(Job.kind.in_(kinds))
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def forget_keys(keys: list[str]) -> int:
    """Delete the jobs with these keys, whatever their status (not committed)."""
    if not keys:
        return 0
    return db.session.execute(
        sa.delete(Job).where(Job.key.in_(keys)).execution_options(synchronize_session=False)
    ).rowcount


def counts() -> dict[JobStatus, int]:
    """Number of jobs in each status."""
    rows = db.session.execute(sa.select(Job.status, sa.func.count()).group_by(Job.status))
    found = {status: 0 for status in JobStatus}
    found.update({status: number for status, number in rows})
    return found
