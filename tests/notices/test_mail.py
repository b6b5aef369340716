"""Mail: a real SMTP server receives each message once, in plain text and HTML, retried after
a failure; a digest is never empty and names a case by its reference only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.notices import mail, services
from partnership.notices.models import Delivery, NoticeKind, OutboxMessage, OutboxStatus
from partnership.policy import Role
from tests.notices import world
from tests.notices.conftest import Inbox
from tests.support.clock import pin_clock


def test_a_queued_message_is_sent_once(make_app: Callable[..., Flask],
                                       make_user: Callable[..., User],
                                       smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    app = make_app(MAIL_PORT=port)
    user = make_user(Role.TEAM, email="tess@example.org", name="Tess Team")
    with app.app_context():
        mail.queue("hello", user, "A subject", "Plain words", "<p>Plain words</p>")
        mail.queue("hello", user, "A subject", "Plain words", "<p>Plain words</p>")
        db.session.commit()
        assert mail.deliver_due() == (1, 0)
        assert mail.deliver_due() == (0, 0)
    [message] = inbox.messages
    assert message["To"] == "tess@example.org"
    assert message["Subject"] == "A subject"
    assert "tracker@example.org" in message["From"]
    assert inbox.text(message).strip() == "Plain words"
    assert message.get_body(preferencelist=("html",)) is not None


def test_a_failure_is_retried_later(make_app: Callable[..., Flask],
                                    make_user: Callable[..., User],
                                    smtp: tuple[Inbox, int],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, port = smtp
    inbox.refuse = 1
    app = make_app(MAIL_PORT=port)
    user = make_user(Role.TEAM)
    start = dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC)
    pin_clock(monkeypatch, start)
    with app.app_context():
        mail.queue("retry", user, "Subject", "Body")
        db.session.commit()
        assert mail.deliver_due() == (0, 1)
        row = db.session.scalar(sa.select(OutboxMessage))
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
        assert "451" in (row.last_error or "")
        assert mail.deliver_due() == (0, 0)  # not before its next attempt
        pin_clock(monkeypatch, start + dt.timedelta(minutes=2))
        assert mail.deliver_due() == (1, 0)
    assert len(inbox.messages) == 1


def test_no_server_gives_up_after_the_last_attempt(app: Flask, make_user: Callable[..., User],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user(Role.TEAM)
    now = dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC)
    with app.app_context():
        mail.queue("nobody", user, "Subject", "Body")
        db.session.commit()
        for _ in range(mail.MAX_ATTEMPTS):
            pin_clock(monkeypatch, now)
            mail.deliver_due()
            now += dt.timedelta(days=1)
        row = db.session.scalar(sa.select(OutboxMessage))
        assert (row.status, row.attempts) == (OutboxStatus.FAILED, mail.MAX_ATTEMPTS)


def test_the_digest_lists_what_is_due_in_plain_words(make_app: Callable[..., Flask],
                                                     make_user: Callable[..., User],
                                                     smtp: tuple[Inbox, int],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, port = smtp
    app = make_app(MAIL_PORT=port)
    chair = make_user(Role.CHAIR, email="cara@example.org", name="Cara Chair")
    idle = make_user(Role.AGENCY, email="idle@example.org")  # leads nothing: no digest
    ids = world.build(app, chair.id)
    pin_clock(monkeypatch, world.at(world.MONDAY, 7))
    with app.app_context():
        assert services.send_digests(ids.partnership_id, "2027-W05") == 1
        assert services.send_digests(ids.partnership_id, "2027-W05") == 0
        db.session.commit()
        mail.deliver_due()
    assert inbox.to(idle.email) == []
    [digest] = inbox.to("cara@example.org")
    text = inbox.text(digest)
    assert digest["Subject"] == "Your weekly digest: 5 things to look at (1 February 2027)"
    assert "Actions you lead\n----------------" in text
    assert "- Audit the neglect pathway\n  Overdue: its target date was 29 January 2027" in text
    assert f"https://tracker.example.org/actions/{ids.overdue}" in text
    assert "- Case Child Z: Serious incident notification\n  Due 2 February 2027" in text
    assert "Meetings coming up" in text
    assert "https://tracker.example.org/notices/preferences" in text
    html = str(digest.get_body(preferencelist=("html",)).get_content())  # type: ignore[union-attr]
    assert f'href="https://tracker.example.org/cases/{ids.case_id}"' in html


def test_a_person_may_keep_the_digest_in_the_app_or_turn_it_off(
        app: Flask, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch) -> None:
    chair = make_user(Role.CHAIR, email="cara@example.org")
    ids = world.build(app, chair.id)
    pin_clock(monkeypatch, world.at(world.MONDAY, 7))
    with app.app_context():
        services.set_preferences(chair.id, {NoticeKind.DIGEST: Delivery.APP})
        assert services.send_digests(ids.partnership_id, "2027-W05") == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
        assert services.unread_count(chair) == 1
        services.set_preferences(chair.id, {NoticeKind.DIGEST: Delivery.OFF})
        assert services.send_digests(ids.partnership_id, "2027-W06") == 0
