"""The demo's scrutiny: the county's plan for this year covers all five functions at every
stage from planned to answered, last year's is complete, and the demo scrutineer finds it on
their home page."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.actions.models import Action, Status
from partnership.clock import today
from partnership.extensions import db
from partnership.kernel.dates import reporting_year
from partnership.register.models import Partnership
from partnership.scrutiny.models import (
    ActivityStatus,
    ScrutinyActivity,
    ScrutinyFunction,
    ScrutinyPlan,
)
from tests.support.client import BrowserLikeClient, page
from tests.support.demo import on_days


def _plans(app: Flask) -> dict[int, ScrutinyPlan]:
    county = db.session.scalars(sa.select(Partnership).where(Partnership.slug == "wscp")).one()
    return {p.year: p for p in db.session.scalars(
        sa.select(ScrutinyPlan).where(ScrutinyPlan.partnership_id == county.id))}


@pytest.mark.demo
def test_the_county_s_plans_show_every_stage(app: Flask) -> None:
    with app.app_context():
        day = today()
        year = reporting_year(day)
        plans = _plans(app)
        assert sorted(plans) == [year - 1, year]
        current = plans[year].activities
        assert 6 <= len(current) <= 8
        assert {a.function for a in current} == set(ScrutinyFunction)
        statuses = {a.status for a in current}
        assert {ActivityStatus.PLANNED, ActivityStatus.UNDER_WAY, ActivityStatus.REPORTED,
                ActivityStatus.RESPONDED} <= statuses
        assert all(a.status is ActivityStatus.RESPONDED for a in plans[year - 1].activities)
        assert any(a.case_audit is not None for a in current)
        assert any(a.meeting is not None for a in current)
        assert any(a.engagements for a in current)
        acted = db.session.scalars(sa.select(Action).where(
            Action.scrutiny_recommendation_id.is_not(None))).all()
        assert any(a.status is Status.COMPLETE for a in acted)
        assert any(a.status is Status.IN_PROGRESS and a.updates for a in acted)
        waiting = [a for a in current if a.status is ActivityStatus.REPORTED]
        assert any(r for a in waiting for r in a.recommendations)


# Days the review tests load the demo on too (a demo loaded on a new day costs a load):
# just before the year ends, and the start of a reporting year.
@pytest.mark.parametrize("day", on_days([dt.date(2027, 3, 29), dt.date(2026, 4, 7)]))
def test_no_activity_is_further_on_than_the_day_allows(app: Flask, day: dt.date) -> None:
    with app.app_context():
        for activity in db.session.scalars(sa.select(ScrutinyActivity)):
            if activity.status in (ActivityStatus.REPORTED, ActivityStatus.RESPONDED):
                assert activity.reported_on is not None and activity.reported_on < day
                assert activity.findings and activity.reported_by is not None
            else:
                assert not activity.findings and not activity.recommendations
            if activity.status is ActivityStatus.RESPONDED:
                assert activity.responded_at is not None
                assert activity.responded_at.date() < day and activity.response
            if activity.status is ActivityStatus.PLANNED:
                assert activity.planned_start is None or activity.planned_start > day
            if activity.meeting is not None:
                assert activity.meeting.held_on < day
            for engagement in activity.engagements:
                assert activity.planned_start is None or (
                    engagement.held_from <= activity.planned_start)


@pytest.mark.demo
def test_the_demo_scrutineer_finds_their_plan_and_writes_findings(app: Flask) -> None:
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in("scrutineer@demo.example",
                          "demo scrutineer hare lighthouse").status_code == 302
    panel = page(client.get("/")).select_one("#scrutiny-plan-panel")
    assert panel is not None
    link = panel.select_one("a")
    plan = page(client.get(link["href"]))
    assert "No activity is planned for this function" not in plan.get_text()
    with app.app_context():
        under_way = db.session.scalars(sa.select(ScrutinyActivity).where(
            ScrutinyActivity.status == ActivityStatus.UNDER_WAY)).first()
        assert under_way is not None
        url = f"/partnerships/wscp/scrutiny/activities/{under_way.id}/findings"
    assert client.get(url).status_code == 200
