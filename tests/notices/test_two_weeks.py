"""Done means: two weeks of simulated time, two schedulers and two workers sharing one
database, and the right people get the right digests and notices, exactly once.

The clock moves hour by hour (06:00 to 20:00 UK time) from Monday 1 February 2027 to Sunday
14 February. At each hour both schedulers enqueue what their triggers say is due (keyed by
occurrence), then two workers in two threads run the queue at the same time, each through its
own app and connection pool, and mail goes to a real SMTP server. Along the way a chair makes
an agency lead the lead of an action, and the team moves the digest from Monday 07:00 to
Tuesday 08:00.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_login import login_user

from partnership import clock
from partnership.accounts.models import User
from partnership.actions.models import Action
from partnership.derived import DerivedDay
from partnership.extensions import db
from partnership.jobs import services as jobs
from partnership.jobs.models import Job, JobStatus
from partnership.jobs.schedule import Scheduler
from partnership.notices import services
from partnership.notices.models import (
    Notice,
    NoticeKind,
    OutboxMessage,
    OutboxStatus,
    RunOutcome,
    ScheduledRun,
)
from partnership.policy import Role
from partnership.register.models import Partnership, Person
from partnership.reviews.models import Case, IncidentType
from tests.notices import world
from tests.notices.conftest import Inbox
from tests.support.clock import pin_clock

DAYS = 14
HOURS = range(6, 21)


@dataclass(frozen=True)
class Sent:
    """A message as the SMTP server received it, with the simulated time it was queued."""

    to: str
    subject: str
    queued: dt.datetime
    text: str


def _work(index: int, app: Flask, ran: list[int], failures: list[BaseException]) -> None:
    """One worker: run what is due through its own app, then let its connection go."""
    try:
        with app.app_context():
            ran[index] = jobs.run_pending(worker=f"worker-{index}")
            db.session.remove()
    except BaseException as error:  # pragma: no cover - reported by _drain
        failures.append(error)


def _drain(apps: list[Flask]) -> int:
    """Run the queue with one worker per app, at the same time, until nothing is due."""
    total = 0
    while True:
        ran = [0] * len(apps)
        failures: list[BaseException] = []
        threads = [threading.Thread(target=_work, args=(i, app, ran, failures))
                   for i, app in enumerate(apps)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures
        total += sum(ran)
        if not sum(ran):
            return total


def test_two_weeks_of_digests_and_notices(make_app: Callable[..., Flask],
                                          make_user: Callable[..., User],
                                          smtp: tuple[Inbox, int],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, port = smtp
    first, second = make_app(MAIL_PORT=port), make_app(MAIL_PORT=port)
    chair = make_user(Role.CHAIR, email="cara@example.org", name="Cara Chair")
    team = make_user(Role.TEAM, email="tess@example.org", name="Tess Team")
    ann = make_user(Role.AGENCY, email="ann@example.org", name="Ann Agency")
    idle = make_user(Role.AGENCY, email="idle@example.org", name="Ida Idle")
    ids = world.build(first, chair.id)
    with first.app_context():
        ann_person = Person(name="Ann Agency", user_id=ann.id)
        db.session.add(ann_person)
        # A Rapid Review whose 15 working days run from Monday 25 January: day 10 is Monday
        # 8 February, and two working days are left on Thursday 11 February.
        db.session.add(Case(partnership_id=ids.partnership_id, reference="Child Y",
                            reviewing_body_id=ids.body_id, incident_type=IncidentType.DEATH,
                            aware_on=dt.date(2027, 1, 25), notified_on=dt.date(2027, 1, 26),
                            retention_until=dt.date(2042, 1, 25)))
        db.session.commit()
        ann_person_id = ann_person.id
    schedulers = [Scheduler(first), Scheduler(second)]

    seen = 0
    received: list[Sent] = []
    matched: Counter[tuple[str, str]] = Counter()
    for day_number in range(DAYS):
        day = world.MONDAY + dt.timedelta(days=day_number)
        for hour in HOURS:
            now = world.at(day, hour).astimezone(dt.UTC)
            pin_clock(monkeypatch, now)
            if (day.isoformat(), hour) == ("2027-02-03", 10):
                # The chair makes Ann the lead of an action due on Friday 12 February.
                with first.test_request_context("/"):
                    login_user(db.session.get(User, chair.id))
                    action = db.session.get(Action, ids.quiet)
                    action.lead_person_id = ann_person_id
                    action.target_date = dt.date(2027, 2, 12)
                    db.session.commit()
            if (day.isoformat(), hour) == ("2027-02-05", 12):
                with first.app_context():
                    services.set_digest_time(db.session.get(Partnership, ids.partnership_id),
                                             1, dt.time(8, 0))
                    db.session.commit()
            for scheduler in schedulers:
                scheduler.tick(now)
            _drain([first, second])
            with first.app_context():
                for message in inbox.messages[seen:]:
                    same = (message["To"], message["Subject"])
                    rows = db.session.scalars(sa.select(OutboxMessage).where(
                        OutboxMessage.email_address == same[0], OutboxMessage.subject == same[1])
                        .order_by(OutboxMessage.sent_at, OutboxMessage.id)).all()
                    row = rows[matched[same]]
                    matched[same] += 1
                    received.append(Sent(message["To"], message["Subject"], row.created_at,
                                         inbox.text(message)))
                seen = len(inbox.messages)

    def uk(sent: Sent) -> str:
        return f"{sent.queued.astimezone(clock.UK_TIME):%a %d %b %H:%M}"

    def to(address: str) -> list[tuple[str, str]]:
        return [(uk(sent), sent.subject) for sent in received if sent.to == address]

    digest_one = "Your weekly digest: {} things to look at (1 February 2027)"
    digest_two = "Your weekly digest: {} things to look at (9 February 2027)"
    # Child Z: the notification is due Tuesday 2 February (1 working day left on Monday);
    # its Rapid Review runs from awareness on 26 January: day 10 on Tuesday 9 February, two
    # working days left on Friday 12. Child Y's day 10 is Monday 8, two left on Thursday 11.
    case_notices = {
        "z notification": ("Mon 01 Feb 06:00", "Case Child Z: Serious incident notification"),
        "y day 10": ("Mon 08 Feb 06:00", "Case Child Y: Rapid Review"),
        "z day 10": ("Tue 09 Feb 06:00", "Case Child Z: Rapid Review"),
        "y soon": ("Thu 11 Feb 06:00", "Case Child Y: Rapid Review"),
        "z soon": ("Fri 12 Feb 06:00", "Case Child Z: Rapid Review")}

    def expected(first_digest: int, second_digest: int) -> list[tuple[str, str]]:
        return sorted([*case_notices.values(),
                       ("Mon 01 Feb 07:00", digest_one.format(first_digest)),
                       ("Tue 09 Feb 08:00", digest_two.format(second_digest))])

    assert sorted(to("cara@example.org")) == expected(6, 7)
    assert sorted(to("tess@example.org")) == expected(2, 3)
    assert to("ann@example.org") == [
        ("Wed 03 Feb 10:00", "An action was assigned to you: Plan next year's conference"),
        ("Tue 09 Feb 08:00", "Your weekly digest: 1 thing to look at (9 February 2027)")]
    assert to("idle@example.org") == []
    assert len(inbox.messages) == len(received) == 16

    ann_digest = next(s.text for s in received if s.to == "ann@example.org"
                      and "digest" in s.subject)
    assert "- Plan next year's conference\n  Due 12 February 2027" in ann_digest
    rapid = next(s.text for s in received if s.to == "cara@example.org"
                 and s.queued.day == 8 and "Child Y" in s.subject)
    assert "Due 15 February 2027 (5 working days left): day 10 of the Rapid Review's 15 " \
           "working days" in rapid
    for sent in received:  # a case is named by its reference only
        assert "Child" not in sent.text or "Child Y" in sent.text or "Child Z" in sent.text

    with first.app_context():
        kinds = Counter((n.user_id, n.kind) for n in db.session.scalars(sa.select(Notice)))
        assert kinds == Counter({
            (chair.id, NoticeKind.CASE_DEADLINE): 5, (chair.id, NoticeKind.DIGEST): 2,
            (team.id, NoticeKind.CASE_DEADLINE): 5, (team.id, NoticeKind.DIGEST): 2,
            (ann.id, NoticeKind.ACTION_ASSIGNED): 1, (ann.id, NoticeKind.DIGEST): 1})
        assert idle.id not in {user_id for user_id, _ in kinds}
        statuses = set(db.session.scalars(sa.select(OutboxMessage.status)))
        assert statuses == {OutboxStatus.SENT}
        # Each occurrence ran once, though two schedulers enqueued it and two workers ran.
        runs = Counter((run.job_name, run.occurrence) for run in db.session.scalars(
            sa.select(ScheduledRun).where(ScheduledRun.occurrence != "")))
        assert runs and max(runs.values()) == 1
        assert set(db.session.scalars(sa.select(ScheduledRun.outcome))) == {RunOutcome.OK}
        assert {name for name, _ in runs} == {"digests", "notices", "outbox", "retention",
                                              "daily", "derived"}
        # The lists' kept values were worked out for each new day, once a day.
        assert sum(name == "derived" for name, _ in runs) in (14, 15)
        assert set(db.session.scalars(sa.select(DerivedDay.name))) == {"action ratings",
                                                                     "case urgency"}
        assert len([key for key in db.session.scalars(sa.select(Job.key))
                    if key and key.startswith("digest:")]) == 2
        assert jobs.counts()[JobStatus.FAILED] == 0
        workers = set(db.session.scalars(sa.select(Job.locked_by)))
        assert workers == {None}
