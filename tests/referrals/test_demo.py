"""The demo's hub: an organisation whose memorandum lapsed, one due for review, referrals at
every step (one with an immediate risk received today), and nothing that identifies a child."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.extensions import db
from partnership.kernel.identifiers import identifier_problems
from partnership.referrals.models import PartnerOrganisation, Referral
from partnership.referrals.rules import Status, status_of, waiting_for

pytestmark = [pytest.mark.demo, pytest.mark.databases("sqlite")]


def test_the_demo_hub_has_referrals_at_every_step(app: Flask) -> None:
    today = clock.today()
    with app.test_request_context():
        organisations = {o.name: o for o in db.session.scalars(sa.select(PartnerOrganisation))}
        assert not organisations["Wessex Youth Sport Trust"].may_refer(today)
        assert not organisations["Diocese of Wessex Safeguarding Team"].may_refer(today)
        assert organisations["Lighthouse Survivors Network"].may_refer(today)
        referrals = list(db.session.scalars(sa.select(Referral)))
        assert {status_of(r) for r in referrals} == set(Status)
        assert any(w.same_day for r in referrals for w in waiting_for(r, today))
        assert any(w.overdue for r in referrals for w in waiting_for(r, today))
        for referral in referrals:
            assert referral.may_be_referred(), referral.reference
            for text in (referral.summary, referral.immediate_risk_note, referral.closing_note,
                         *(route.outcome_note for route in referral.routes)):
                assert identifier_problems(text) == [], text
