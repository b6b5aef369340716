"""Notices in the app, what each person chooses to receive, the digest's day, the mail outbox
and the record of each scheduled run."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from partnership.database import UTCDateTime, Versioned, utcnow
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column


class NoticeKind(LabelledEnum):
    """What a notice is about; each person chooses per kind how they receive it."""

    DIGEST = "digest"
    CASE_DEADLINE = "case_deadline"
    SIGN_OFF_LAPSED = "sign_off_lapsed"
    ACTION_ASSIGNED = "action_assigned"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"digest": "Your weekly digest",
                "case_deadline": "A case deadline within two working days",
                "sign_off_lapsed": "A sign-off of yours that has lapsed",
                "action_assigned": "An action assigned to you"}


class Delivery(LabelledEnum):
    """How a person receives one kind of notice."""

    EMAIL = "email"
    APP = "app"
    OFF = "off"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"email": "By email and in the app", "app": "In the app only", "off": "Off"}


class OutboxStatus(LabelledEnum):
    """Where a message is: waiting (perhaps for a retry), being sent, sent, or given up."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class RunOutcome(LabelledEnum):
    """How a scheduled run ended."""

    OK = "ok"
    FAILED = "failed"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"ok": "Succeeded", "failed": "Failed"}


class Notice(db.Model):
    """One thing a person was told in the app (and perhaps by email), once: ``key`` is unique."""

    __tablename__ = "notice"
    __audited__ = False  # machinery: what it tells of is audited where it happened
    __table_args__ = (sa.Index("ix_notice_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind))
    title: Mapped[str] = mapped_column(sa.String(300))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    path: Mapped[str] = mapped_column(sa.String(500), default="",
                                      doc="Where the notice leads, within the service")
    partnership_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    mail_pending: Mapped[bool] = mapped_column(default=False,
                                               doc="To be sent by email by the next sweep")


class NoticePreference(db.Model):
    """How one person receives one kind of notice (no row: by email)."""

    __tablename__ = "notice_preference"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind), primary_key=True)
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery, 10))


class DigestSchedule(Versioned, db.Model):
    """When a partnership's weekly digest goes out (no row: Monday 07:00 UK time)."""

    __tablename__ = "digest_schedule"
    __table_args__ = (sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),)

    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True)
    weekday: Mapped[int] = mapped_column(doc="0 is Monday, 6 is Sunday")
    send_at: Mapped[dt.time] = mapped_column(sa.Time, doc="UK time")


class OutboxMessage(db.Model):
    """One email to send, once (``key`` is unique), retried after a failure."""

    __tablename__ = "outbox_message"
    __audited__ = False
    __table_args__ = (sa.Index("ix_outbox_message_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    email_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus, 10),
                                                 default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)


class ScheduledRun(db.Model):
    """One run of a scheduled job: when, how it ended, and what it did (the admin's page)."""

    __tablename__ = "scheduled_run"
    __audited__ = False
    __table_args__ = (sa.Index("ix_scheduled_run_name_started", "job_name", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(sa.String(60))
    occurrence: Mapped[str] = mapped_column(sa.String(40), default="")
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[RunOutcome] = mapped_column(enum_column(RunOutcome, 10))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
