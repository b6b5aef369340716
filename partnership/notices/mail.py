"""Email over SMTP through an outbox: each message is queued once (a unique key), claimed by
one worker, sent, and retried after a failure with a growing pause.

Settings: ``MAIL_HOST``, ``MAIL_PORT``, ``MAIL_USE_TLS`` (STARTTLS), ``MAIL_USE_SSL``
(implicit TLS), ``MAIL_USERNAME``, ``MAIL_PASSWORD``, ``MAIL_FROM``, ``MAIL_TIMEOUT_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

import sqlalchemy as sa
from flask import current_app

from partnership import clock
from partnership.extensions import db
from partnership.jobs.services import insert_unless_present
from partnership.notices.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
RETRY_BASE = dt.timedelta(minutes=1)
# A message claimed longer ago than this by a worker that then died is tried again.
SENDING_STALE_AFTER = dt.timedelta(minutes=15)


def queue(key: str, user: Any, subject: str, text: str, html: str = "") -> None:
    """Queue an email to a user once per ``key`` (flushed with the caller's transaction)."""
    now = clock.now()
    insert_unless_present(OutboxMessage, {
        "key": key[:200], "user_id": user.id, "email_address": user.email, "subject": subject[:300],
        "text_body": text, "html_body": html, "status": OutboxStatus.PENDING, "attempts": 0,
        "next_attempt_at": now, "created_at": now, "sent_at": None, "last_error": None}, "key")


def retry_after(attempts: int) -> dt.timedelta:
    """The pause before the next attempt after ``attempts`` failed ones (1, 4, 16 min ...)."""
    return RETRY_BASE * 4 ** max(0, attempts - 1)


def message_of(row: OutboxMessage) -> EmailMessage:
    """Build the email: plain text, with the HTML version as an alternative."""
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = formataddr((config["SERVICE_NAME"], config["MAIL_FROM"]))
    message["To"] = row.email_address
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    return message


def send(message: EmailMessage) -> None:
    """Send one email through the configured SMTP server."""
    config = current_app.config
    host, port = config["MAIL_HOST"], int(config["MAIL_PORT"])
    timeout = float(config["MAIL_TIMEOUT_SECONDS"])
    context = ssl.create_default_context()
    server: smtplib.SMTP
    if config["MAIL_USE_SSL"]:
        server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
    with server:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            server.starttls(context=context)
        if config["MAIL_USERNAME"]:
            server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        server.send_message(message)


def _claim(message_id: int) -> bool:
    """Take one pending message for this worker (committed); False if another has it."""
    taken = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, attempts=OutboxMessage.attempts + 1,
                next_attempt_at=clock.now())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return taken == 1


def deliver_due(limit: int = 200) -> tuple[int, int]:
    """Send the messages that are due; return (sent, failed this time). Commits per message."""
    now = clock.now()
    # A message left "sending" by a worker that died goes back to the queue.
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING,
               OutboxMessage.next_attempt_at < now - SENDING_STALE_AFTER)
        .values(status=OutboxStatus.PENDING).execution_options(synchronize_session=False))
    db.session.commit()
    due = list(db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING,
               OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))
    db.session.commit()
    sent = failed = 0
    for message_id in due:
        if not _claim(message_id):
            continue
        row = db.session.get(OutboxMessage, message_id, populate_existing=True)
        assert row is not None
        try:
            send(message_of(row))
        except (OSError, smtplib.SMTPException) as error:
            failed += 1
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
            if row.attempts >= MAX_ATTEMPTS:
                row.status = OutboxStatus.FAILED
            else:
                row.status = OutboxStatus.PENDING
                row.next_attempt_at = clock.now() + retry_after(row.attempts)
            log.warning("mail %s to user %s not sent (attempt %d): %s", row.id, row.user_id,
                        row.attempts, row.last_error)
        else:
            sent += 1
            row.status = OutboxStatus.SENT
            row.sent_at = clock.now()
            row.last_error = None
        db.session.commit()
    return sent, failed


def outbox_counts() -> dict[OutboxStatus, int]:
    """Messages in each state (the admin's page)."""
    found = {status: 0 for status in OutboxStatus}
    found.update(dict(db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)).all()))
    return found
