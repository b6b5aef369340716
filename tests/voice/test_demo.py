"""The demo's voice register: the county heard children and families six to eight times in
eighteen months, two of them led to actions, and nobody is named."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.actions.models import Action
from partnership.extensions import db
from partnership.kernel.identifiers import identifier_problems
from partnership.register.models import Partnership
from partnership.voice.models import Engagement, EngagementKind

pytestmark = pytest.mark.demo


def test_the_county_heard_children_and_families_and_acted_on_it(app: Flask) -> None:
    with app.app_context():
        county = db.session.scalars(sa.select(Partnership).where(Partnership.slug == "wscp")).one()
        rows = list(db.session.scalars(sa.select(Engagement).where(
            Engagement.partnership_id == county.id)))
        assert 6 <= len(rows) <= 8
        assert min(row.held_from for row in rows) >= clock.today() - dt.timedelta(days=550)
        assert EngagementKind.REVIEW_FEEDBACK in {row.kind for row in rows}
        acted = set(db.session.scalars(sa.select(Action.engagement_id).where(
            Action.engagement_id.in_([row.id for row in rows]))))
        assert len(acted) == 2
        for row in rows:
            for text in (row.who, row.what_said, row.what_changed):
                assert identifier_problems(text) == [], text
