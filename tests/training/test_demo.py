"""The demo's training: the county's programme of about ten courses tied to its plan
priorities over three reporting years, schools among those who came, confidence rising,
practice changed, some agencies below their expected places; and a yearly report of the last
complete year that can show it. Nobody is named."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.extensions import db
from partnership.kernel.dates import reporting_year, year_span
from partnership.kernel.identifiers import identifier_problems
from partnership.register.models import Partnership
from partnership.reports.parts.records import Records
from partnership.reports.parts.training import training
from partnership.training.models import Course, FollowUp, TrainingSession

pytestmark = pytest.mark.demo


def test_the_county_s_programme_reached_agencies_and_changed_practice(app: Flask) -> None:
    with app.app_context(), app.test_request_context():
        county = db.session.scalars(sa.select(Partnership).where(Partnership.slug == "wscp")).one()
        courses = list(db.session.scalars(sa.select(Course).where(
            Course.partnership_id == county.id)))
        assert 9 <= len(courses) <= 12
        assert sum(course.objective_id is not None for course in courses) >= 8
        first = db.session.scalar(sa.select(sa.func.min(TrainingSession.starts_on))
                                  .join(Course).where(Course.partnership_id == county.id))
        month = county.year_start_month
        last_complete = reporting_year(clock.today(), month) - 1
        assert first is not None and reporting_year(first, month) == last_complete - 1
        for answer in db.session.scalars(sa.select(FollowUp)):
            assert identifier_problems(answer.example) == [], answer.example

        start, end = year_span(last_complete, month)
        result = training(Records(partnership=county, start=start, end=end,
                                  today=clock.today(), as_of=end, month=month))
        assert result.missing == "" and result.sessions_held >= 25
        assert result.confidence_before is not None and result.confidence_after is not None
        assert result.confidence_after - result.confidence_before >= 0.8
        assert result.follow_ups_answered > 20 and result.practice_changed > 10
        assert result.manager_confirmation_used and result.manager_confirmed > 0
        assert len(result.examples) >= 4
        sectors = {row.label: row for row in result.by_sector}
        assert sectors["Education"].attended > 50
        assert any(row.percent is not None and row.percent < 80 for row in result.by_agency)
        assert any(row.percent is not None and row.percent >= 100 for row in result.by_agency)

        island = db.session.scalars(sa.select(Partnership).where(
            Partnership.slug == "imscp")).one()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Course).where(
            Course.partnership_id == island.id)) == 2
