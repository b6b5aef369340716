"""The demo's escalations log: the county's eighteen months, at every stage, mostly resolved,
some with the demo agency lead's agency, and nothing that identifies a child."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.accounts.models import User
from partnership.escalations import services
from partnership.escalations.models import Escalation, EscalationStage
from partnership.extensions import db
from partnership.kernel.identifiers import identifier_problems
from partnership.policy import can, scope
from partnership.register.models import Partnership

pytestmark = pytest.mark.demo


def test_the_county_logs_thirty_escalations_over_eighteen_months(app: Flask) -> None:
    with app.app_context():
        county = db.session.scalars(sa.select(Partnership).where(Partnership.slug == "wscp")).one()
        rows = services.escalations_of(county)
        today = clock.today()
        assert 25 <= len(rows) <= 35
        assert min(row.raised_on for row in rows) >= today - dt.timedelta(days=550)
        assert set(Counter(row.stage for row in rows)) == set(EscalationStage)
        summary = services.summarise(rows)
        assert 0 < summary.open < len(rows) // 4
        assert summary.median_days is not None and 2 <= summary.median_days <= 15
        themes = {theme for row in rows for theme in row.themes}
        assert themes <= set(app.config["ESCALATION_THEMES"]) and len(themes) >= 6
        for row in db.session.scalars(sa.select(Escalation)):
            for text in (row.summary, row.resolution, row.learning):
                assert identifier_problems(text) == [], text

        lead = db.session.scalars(sa.select(User).where(
            User.email == "agency@demo.example")).one()
        agency_id = scope(lead).agency_id
        theirs = [row for row in rows if agency_id in {
            row.raised_by_id, row.raised_with_id, *(a.id for a in row.other_agencies)}]
        assert 3 <= len(theirs) < len(rows)
        assert all(can(lead, "view", row) == (row in theirs) for row in rows)
