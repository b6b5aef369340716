"""The register's pages and the arrangements document cost the same number of SQL statements
however many bodies, lines, sections, roles, contact points and agencies a partnership has."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.arrangements.models import NarrativeSection
from partnership.audit.services import acting_as
from partnership.demo.accounts import DEMO_ACCOUNTS
from partnership.extensions import db
from partnership.register.models import (
    AccountabilityLine,
    Agency,
    Appointment,
    AppointmentRole,
    Body,
    BodyKind,
    BodyMember,
    ContactPoint,
    Contribution,
    LineKind,
    Partnership,
)
from tests.support.client import BrowserLikeClient

PAGES = ("/partnerships/wscp", "/partnerships/wscp/bodies", "/partnerships/wscp/agencies",
         "/partnerships/wscp/appointments", "/partnerships/wscp/arrangements",
         "/partnerships/wscp/arrangements/preview", "/partnerships/wscp/establishments")


def _statements(app: Flask, client: BrowserLikeClient) -> dict[str, int]:
    counted: list[str] = []

    def count(*_args: object) -> None:
        counted.append("")

    with app.app_context():
        engine = db.engine
    found = {}
    for url in PAGES:
        assert client.get(url).status_code == 200, url
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            counted.clear()
            assert client.get(url).status_code == 200, url
            found[url] = len(counted)
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
    return found


def _grow(app: Flask, times: int) -> None:
    """Add ``times`` of everything a register page or the document lists."""
    with app.app_context(), acting_as("tests"):
        wscp = db.session.scalars(sa.select(Partnership).where(Partnership.slug == "wscp")).one()
        board = db.session.scalars(sa.select(Body).where(
            Body.partnership_id == wscp.id, Body.name == "Main Board")).one()
        for i in range(times):
            agency = Agency(partnership=wscp, name=f"Grown agency {i}")
            agency.contributions.append(Contribution(year=2025, amount=1000))
            body = Body(partnership=wscp, kind=BodyKind.SUBGROUP, name=f"Grown group {i}",
                        position=60 + i, chair_post="Head of Service", chair_agency=agency)
            body.lines = [AccountabilityLine(kind=LineKind.REPORTS_TO, to_body=board),
                          AccountabilityLine(kind=LineKind.UPDATES_TO, position=1,
                                             to_name="Health and Wellbeing Board")]
            body.members = [BodyMember(role="Lead", agency=agency)]
            db.session.add_all([
                agency, body,
                NarrativeSection(partnership=wscp, title=f"Grown section {i}",
                                 markdown="Some text.", position=100 + i),
                Appointment(partnership=wscp, role=AppointmentRole.PARTICIPATING_OBSERVER,
                            post=f"Observer {i}"),
                ContactPoint(partnership=wscp, label=f"Contact {i}", position=10 + i,
                             email=f"contact{i}@example.org")])
        db.session.commit()


@pytest.mark.demo
def test_the_register_and_the_document_cost_the_same_whatever_their_size(app: Flask) -> None:
    officer = next(a for a in DEMO_ACCOUNTS if a.email == "officer@demo.example")
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(officer.email, officer.password).status_code == 302
    before = _statements(app, client)
    _grow(app, 12)
    after = _statements(app, client)
    assert after == before
