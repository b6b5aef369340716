"""The job table: one row per piece of background work, claimed by one worker at a time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from partnership.database import UTCDateTime, utcnow
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column


class JobStatus(LabelledEnum):
    """Where a job is: waiting (perhaps to be retried), being run, finished or given up."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """One piece of background work of a ``kind``, run by the handler registered for it.

    ``key`` makes enqueueing idempotent: a second job with the same key is never created
    (a render keyed by its digest, a scheduled run keyed by its occurrence).
    """

    __tablename__ = "job"
    __audited__ = False  # machinery, not a record anyone edits; what a job changes is audited
    __table_args__ = (sa.Index("ix_job_status_run_after", "status", "run_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus, 10),
                                              default=JobStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    run_after: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(sa.String(200))
    locked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(sa.Text)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"
