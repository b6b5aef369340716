"""The scheduler: triggers only enqueue a job keyed by its occurrence, so several schedulers
make one job; one that was stopped catches up with the latest occurrence it missed."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from partnership import clock
from partnership.extensions import db
from partnership.jobs import schedule
from partnership.jobs.models import Job
from partnership.jobs.schedule import Schedule, Scheduler, occurrence_key, occurrences
from tests.support.clock import pin_clock

HOURLY = Schedule("hourly-test", "notices.outbox", CronTrigger(minute=0, timezone=clock.UK_TIME))
START = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)


def test_occurrences_are_the_triggers_fire_times() -> None:
    found = list(occurrences(HOURLY, START, START + dt.timedelta(hours=3)))
    assert found == [START + dt.timedelta(hours=n) for n in (1, 2, 3)]
    assert occurrence_key(HOURLY, found[0]) == "hourly-test:2027-02-01T10:00Z"
    # Summer time: 07:00 in London is 06:00 UTC.
    digest = Schedule("d", "k", CronTrigger(day_of_week="mon", hour=7, timezone=clock.UK_TIME))
    june = dt.datetime(2027, 6, 1, tzinfo=dt.UTC)
    assert next(occurrences(digest, june, june + dt.timedelta(days=7))) == dt.datetime(
        2027, 6, 7, 6, 0, tzinfo=dt.UTC)


def test_two_schedulers_make_one_job_per_occurrence(make_app: object,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = make_app(), make_app()  # type: ignore[operator]
    monkeypatch.setattr(schedule, "_schedules", {HOURLY.name: HOURLY})
    pin_clock(monkeypatch, START)
    one, other = Scheduler(first), Scheduler(second)
    assert one.tick() == other.tick() == 1  # each catches up with 09:00
    for hour in (1, 2):
        now = START + dt.timedelta(hours=hour, seconds=5)
        pin_clock(monkeypatch, now)
        assert one.tick(now) == other.tick(now) == 1
    assert one.tick() == 0  # nothing new within the hour
    with first.app_context():
        keys = db.session.scalars(sa.select(Job.key).order_by(Job.key)).all()
    assert keys == ["hourly-test:2027-02-01T09:00Z", "hourly-test:2027-02-01T10:00Z",
                    "hourly-test:2027-02-01T11:00Z"]


def test_a_scheduler_that_was_stopped_coalesces_what_it_missed(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schedule, "_schedules", {HOURLY.name: HOURLY})
    later = START + dt.timedelta(hours=5, minutes=30)
    pin_clock(monkeypatch, later)
    assert Scheduler(app).tick() == 1
    with app.app_context():
        [job] = db.session.scalars(sa.select(Job)).all()
    assert job.key == "hourly-test:2027-02-01T14:00Z"
    assert job.payload == {"schedule": "hourly-test", "occurrence": "2027-02-01T14:00:00+00:00"}


def test_the_worker_runs_each_schedule_as_an_apscheduler_job(app: Flask) -> None:
    scheduler = Scheduler(app)
    background = scheduler.start()
    try:
        names = {job.id for job in background.get_jobs()}
        assert {"digests", "notices", "outbox", "retention", "daily"} <= names
        assert all(job.next_run_time is not None for job in background.get_jobs())
    finally:
        scheduler.stop()
    assert scheduler.background is None
