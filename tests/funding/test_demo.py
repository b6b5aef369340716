"""The demo's budgets: the county's and the island's last two complete years and the current
one, shares close to a real partnership's, the county's last complete statement signed by the
three delegated partners and published with its PDF, and this year's in draft."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import undefer

from partnership import clock
from partnership.extensions import db
from partnership.funding import figures
from partnership.funding.models import BudgetStatement
from partnership.publishing.models import PublicationStatus
from partnership.register.models import Partnership
from tests.documents.pdftools import pdf_text


@pytest.mark.demo
def test_the_demo_budgets(app: Flask) -> None:
    with app.app_context():
        by_slug = {p.slug: p for p in db.session.scalars(sa.select(Partnership))}
        county, island = by_slug["wscp"], by_slug["imscp"]
        now = figures.current_year(county, clock.today())
        for partnership in (county, island):
            assert figures.recorded_years(partnership)[:3] == [now, now - 1, now - 2]
            complete = figures.budget_of(partnership, now - 1)
            assert complete.lines and complete.in_kind and complete.other_income
            assert complete.received == complete.agreed  # every contribution came in
            assert complete.opening > 0 and complete.closing > 0
            local, health, police = (share.percent or 0 for share in complete.shares[:3])
            assert 50 <= local <= 62 and 20 <= health <= 32 and 12 <= police <= 18
        statements = list(db.session.scalars(
            sa.select(BudgetStatement).where(BudgetStatement.partnership_id == county.id)
            .options(undefer(BudgetStatement.pdf)).order_by(BudgetStatement.year)))
        assert [(s.year, s.status) for s in statements] == [
            (now - 1, PublicationStatus.PUBLISHED), (now, PublicationStatus.DRAFT)]
        published, draft = statements
        assert len(published.sign_offs) == 3 and len(draft.sign_offs) == 1
        assert published.pdf is not None and published.pages == 3
        text = " ".join(pdf_text(published.pdf).split())
        assert "Income by partner" in text and "Wessexshire Schools Forum" in text
        assert "A seconded analyst, two days a week" in text
