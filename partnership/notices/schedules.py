"""The scheduled jobs: weekly digests, immediate notices, mail delivery, retention, and the
daily recomputation; each run recorded for the administrator's page.

Each schedule's trigger only enqueues a job keyed by its occurrence (``partnership.jobs.
schedule``), and the queue runs each job once, whatever the number of schedulers and workers.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from apscheduler.triggers.cron import CronTrigger

from partnership import clock, derived
from partnership.actions.models import ImportUpload
from partnership.documents import renders
from partnership.evidence import store
from partnership.evidence.models import EvidenceFile
from partnership.extensions import db
from partnership.jobs import services as jobs
from partnership.jobs.schedule import Schedule, schedule, schedules
from partnership.jobs.schedule import next_run as next_run_of
from partnership.notices import mail, services
from partnership.notices.models import OutboxMessage, OutboxStatus, RunOutcome, ScheduledRun
from partnership.policy import EVIDENCE_OWNERS
from partnership.register.models import Partnership

log = logging.getLogger(__name__)

IMPORTS_KEPT = dt.timedelta(days=90)
RUNS_KEPT = dt.timedelta(days=90)
SENT_MAIL_KEPT = dt.timedelta(days=90)

DIGESTS = "digests"
NOTICES = "notices"
OUTBOX = "outbox"
RETENTION = "retention"
DAILY = "daily"
DERIVED = "derived"

_daily_hooks: list[Callable[[], str]] = []


def add_daily_hook(hook: Callable[[], str]) -> None:
    """Run ``hook`` in the daily recomputation (it returns what it did, in words)."""
    if hook not in _daily_hooks:
        _daily_hooks.append(hook)


def register_schedules() -> None:
    """Register the scheduled jobs and their handlers (at app creation)."""
    uk = clock.UK_TIME
    for item in (
        Schedule(DIGESTS, "notices.digests", CronTrigger(minute="*/15", timezone=uk),
                 "Weekly digests: each partnership's on its day and time"),
        Schedule(NOTICES, "notices.sweep", CronTrigger(minute="*/5", timezone=uk),
                 "Immediate notices: close case deadlines and lapsed sign-offs"),
        Schedule(OUTBOX, "notices.outbox", CronTrigger(minute="*", timezone=uk),
                 "Mail delivery from the outbox, with retries"),
        Schedule(RETENTION, "notices.retention", CronTrigger(hour=2, minute=30, timezone=uk),
                 "Retention: imported spreadsheets after 90 days, files of deleted records"),
        Schedule(DAILY, "notices.daily", CronTrigger(hour=3, minute=0, timezone=uk),
                 "Daily recomputation of what is kept ready (rendered drafts) and tidying"),
        # Just after midnight: until it has run, lists rate every action themselves (slower).
        Schedule(DERIVED, "notices.derived", CronTrigger(hour=0, minute=1, timezone=uk),
                 "What lists sort and filter by, worked out for the new day (each action's "
                 "rating)"),
    ):
        schedule(item)
    for kind, handler in (("notices.digests", run_digests), ("notices.digest", run_digest),
                          ("notices.sweep", run_sweep), ("notices.outbox", run_outbox),
                          ("notices.retention", run_retention), ("notices.daily", run_daily),
                          ("notices.derived", run_derived)):
        jobs.handler(kind)(handler)
    add_daily_hook(_prune_renders)
    add_daily_hook(_forget_old_records)


def recorded(name: str) -> Callable[[Callable[[dict[str, Any]], str]],
                                    Callable[[dict[str, Any]], None]]:
    """Record each run of the decorated handler (its outcome and what it did) for the admin."""

    def wrap(function: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], None]:
        @functools.wraps(function)
        def run(payload: dict[str, Any]) -> None:
            started = clock.now()
            occurrence = str(payload.get("occurrence", ""))[:40]
            try:
                detail = function(payload)
            except Exception as error:
                db.session.rollback()
                db.session.add(ScheduledRun(
                    job_name=name, occurrence=occurrence, started_at=started,
                    finished_at=clock.now(), outcome=RunOutcome.FAILED,
                    detail=f"{type(error).__name__}: {error}"[:2000]))
                db.session.commit()
                raise
            db.session.add(ScheduledRun(job_name=name, occurrence=occurrence,
                                        started_at=started, finished_at=clock.now(),
                                        outcome=RunOutcome.OK, detail=detail[:2000]))
            db.session.flush()

        return run

    return wrap


def _occurrence(payload: dict[str, Any]) -> dt.datetime:
    raw = payload.get("occurrence")
    return dt.datetime.fromisoformat(raw) if raw else clock.now()


@recorded(DIGESTS)
def run_digests(payload: dict[str, Any]) -> str:
    """Enqueue this week's digest job of each partnership whose day and time have come."""
    due = services.partnerships_due(max(_occurrence(payload), clock.now()))
    for partnership_id, week in due:
        jobs.enqueue("notices.digest", {"partnership_id": partnership_id, "week": week},
                     key=f"digest:{partnership_id}:{week}")
    return f"{len(due)} partnership(s) due this week"


@recorded(DIGESTS)
def run_digest(payload: dict[str, Any]) -> str:
    """Compose and queue one partnership's digests of one week."""
    partnership = db.session.get(Partnership, payload["partnership_id"])
    if partnership is None:
        return "The partnership no longer exists"
    queued = services.send_digests(partnership.id, payload["week"])
    return f"{partnership.name}, {payload['week']}: {queued} digest(s)"


@recorded(NOTICES)
def run_sweep(_payload: dict[str, Any]) -> str:
    """Tell everyone what cannot wait."""
    told = services.sweep_notices()
    return f"{told} notice(s)"


@recorded(OUTBOX)
def run_outbox(_payload: dict[str, Any]) -> str:
    """Send what is due in the outbox."""
    sent, failed = mail.deliver_due()
    return f"{sent} sent, {failed} failed"


@recorded(RETENTION)
def run_retention(_payload: dict[str, Any]) -> str:
    """Delete imported spreadsheets after 90 days, and the files of records deleted."""
    uploads = db.session.execute(
        sa.delete(ImportUpload).where(ImportUpload.created_at < clock.now() - IMPORTS_KEPT)
        .execution_options(synchronize_session=False)).rowcount
    orphans = 0
    for kind, (model, _verb) in EVIDENCE_OWNERS.items():
        files = db.session.scalars(sa.select(EvidenceFile).where(
            EvidenceFile.owner_kind == kind, EvidenceFile.removed_at.is_(None),
            ~sa.exists().where(model.id == EvidenceFile.owner_id)))
        for evidence in files:
            evidence.removed_at = clock.now()
            store.delete_after_commit(evidence.stored_name)
            orphans += 1
    db.session.flush()
    return f"{uploads} imported spreadsheet(s) and {orphans} file(s) of deleted records removed"


@recorded(DERIVED)
def run_derived(_payload: dict[str, Any]) -> str:
    """Work out for today every value kept for the lists, storing what changed."""
    return derived.refresh_all()


@recorded(DAILY)
def run_daily(_payload: dict[str, Any]) -> str:
    """Run the daily hooks."""
    return "; ".join(hook() for hook in _daily_hooks)


def _prune_renders() -> str:
    return f"{renders.prune()} rendered draft(s) dropped"


def _forget_old_records() -> str:
    runs = db.session.execute(
        sa.delete(ScheduledRun).where(ScheduledRun.started_at < clock.now() - RUNS_KEPT)
        .execution_options(synchronize_session=False)).rowcount
    sent = db.session.execute(
        sa.delete(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENT,
                                       OutboxMessage.sent_at < clock.now() - SENT_MAIL_KEPT)
        .execution_options(synchronize_session=False)).rowcount
    return f"{runs} old run record(s) and {sent} sent message(s) forgotten"


@dataclass(frozen=True)
class Health:
    """One scheduled job as the administrator sees it."""

    name: str
    description: str
    last_started: dt.datetime | None
    last_outcome: RunOutcome | None
    last_detail: str
    next_run: dt.datetime | None
    failures_last_day: int


def health() -> list[Health]:
    """Each scheduled job's last run, outcome and next run."""
    now = clock.now()
    rows = []
    for item in schedules():
        last = db.session.scalar(sa.select(ScheduledRun).where(ScheduledRun.job_name == item.name)
                                 .order_by(ScheduledRun.started_at.desc(),
                                           ScheduledRun.id.desc()).limit(1))
        failures = db.session.scalar(sa.select(sa.func.count()).select_from(ScheduledRun).where(
            ScheduledRun.job_name == item.name, ScheduledRun.outcome == RunOutcome.FAILED,
            ScheduledRun.started_at > now - dt.timedelta(days=1))) or 0
        rows.append(Health(item.name, item.description,
                           last.started_at if last else None, last.outcome if last else None,
                           last.detail if last else "", next_run_of(item, now), int(failures)))
    return rows
