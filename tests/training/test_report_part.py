"""The yearly report's training part: what ran in the period and what it reached, uptake
against expected places, what learners said and what changed in practice, all judged as at
``as_of``; plainly missing when nothing was recorded; a fixed number of statements."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.extensions import db
from partnership.kernel.dates import reporting_year, year_span
from partnership.register.models import Partnership
from partnership.reports.content import Training, UptakeRow
from partnership.reports.parts.records import Records
from partnership.reports.parts.training import NOTHING, training
from partnership.training.models import (
    Course,
    PracticeChange,
    SessionAttendance,
    SessionFormat,
    TrainingSession,
)
from tests.support.queries import sql_statements
from tests.training.world import (
    World,
    add_evaluations,
    add_follow_up,
    add_line,
    set_expected,
    set_settings,
    world,
)


@pytest.fixture
def ids(app: Flask) -> World:
    return world(app)


def the_year() -> int:
    """The reporting year of the session held 120 days ago."""
    return reporting_year(clock.today() - dt.timedelta(days=120), 4)


def part(app: Flask, partnership_id: int, year: int, as_of: dt.date | None = None) -> Training:
    start, end = year_span(year, 4)
    with app.app_context(), app.test_request_context():
        partnership = db.session.get(Partnership, partnership_id)
        assert partnership is not None
        today = clock.today()
        records = Records(partnership=partnership, start=start, end=end, today=today,
                          as_of=as_of or min(today, end), month=4)
        return training(records)


def test_the_part_counts_what_ran_what_learners_said_and_what_changed(
        app: Flask, ids: World) -> None:
    set_settings(app, ids.partnership, 3, True)
    held = clock.today() - dt.timedelta(days=120)
    add_line(app, ids.held, ids.police, "Response officer", 10, 8)
    add_line(app, ids.held, ids.school, "Designated safeguarding lead", 6, 6)
    add_line(app, ids.coming, ids.school, "Designated safeguarding lead", 5, 0)
    add_evaluations(app, ids.held, [(2, 4, 5), (2, 4, 4), (3, 5, 3), (1, 3, 5)])
    add_follow_up(app, ids.held, ids.police, PracticeChange.YES,
                  "I ask who else lives in the home.", held + dt.timedelta(days=100), True)
    add_follow_up(app, ids.held, ids.school, PracticeChange.PARTLY,
                  "We check in with the child the same morning.",
                  held + dt.timedelta(days=101))
    add_follow_up(app, ids.held, ids.school, PracticeChange.NO, "",
                  held + dt.timedelta(days=102))
    set_expected(app, ids.police, the_year(), 20)
    result = part(app, ids.partnership, the_year())
    assert result.missing == ""
    assert (result.sessions_held, result.places, result.booked, result.attended,
            result.did_not_attend) == (1, 30, 16, 14, 2)
    assert [(c.title, c.priority, c.sessions, c.attended, c.evaluations, c.confidence_before,
             c.confidence_after, c.useful_percent) for c in result.courses] == [
        ("Recognising neglect", "A1 Responding to neglect", 1, 14, 4, 2.0, 4.0, 75)]
    assert (result.evaluations, result.confidence_before, result.confidence_after) == (
        4, 2.0, 4.0)
    assert (result.follow_ups_sent, result.follow_ups_answered, result.practice_changed,
            result.manager_confirmed, result.manager_confirmation_used) == (14, 3, 2, 1, True)
    assert result.examples == [
        "Social worker, Eastvale Police: I ask who else lives in the home.",
        "Social worker, Eastvale Primary Schools: We check in with the child the same "
        "morning."]
    assert UptakeRow("Police and justice", 20, 8, 40) in result.by_sector
    assert UptakeRow("Eastvale Police", 20, 8, 40) in result.by_agency
    assert UptakeRow("Education", None, 6, None) in result.by_sector
    assert result.link == "/partnerships/eastvale/training"


def test_the_part_judges_as_at_its_day(app: Flask, ids: World) -> None:
    held = clock.today() - dt.timedelta(days=120)
    add_line(app, ids.held, ids.police, "Response officer", 10, 8)
    add_follow_up(app, ids.held, ids.police, PracticeChange.YES, "An example.",
                  held + dt.timedelta(days=100))
    before_follow_up = held + dt.timedelta(days=50)
    result = part(app, ids.partnership, the_year(), as_of=before_follow_up)
    assert result.sessions_held == 1
    assert (result.follow_ups_sent, result.follow_ups_answered, result.examples) == (0, 0, [])
    assert result.manager_confirmation_used is False and result.manager_confirmed == 0
    earlier = part(app, ids.partnership, the_year(), as_of=held - dt.timedelta(days=1))
    assert earlier.sessions_held == 0 and earlier.missing == NOTHING


def test_nothing_recorded_is_said_plainly(app: Flask, ids: World) -> None:
    result = part(app, ids.partnership, the_year() - 3)
    assert result.missing == NOTHING and result.courses == [] and result.by_agency == []
    assert result.confidence_before is None and result.attended == 0


def _grow(app: Flask, ids: World, sessions: int) -> None:
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.id == ids.course))
        for n in range(sessions):
            session = TrainingSession(course=course, format=SessionFormat.ONLINE, places=20,
                                      trainer="T", starts_on=clock.today()
                                      - dt.timedelta(days=100 + n % 30))
            db.session.add(session)
            for agency in (ids.police, ids.school, ids.council):
                db.session.add(SessionAttendance(training_session=session, agency_id=agency,
                                                 role=f"Role {n}", booked=3, attended=2))
        db.session.commit()


def test_the_part_reads_a_fixed_number_of_statements(app: Flask, ids: World) -> None:
    add_follow_up(app, ids.held, ids.police, PracticeChange.YES, "Example.", clock.today())
    _grow(app, ids, 2)
    part(app, ids.partnership, the_year())  # warm up
    with sql_statements(app) as small:
        part(app, ids.partnership, the_year())
    _grow(app, ids, 25)
    with sql_statements(app) as large:
        result = part(app, ids.partnership, the_year())
    assert result.sessions_held == 28
    assert len(large) == len(small) <= 12
