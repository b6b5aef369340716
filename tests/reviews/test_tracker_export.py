"""The export in the columns of NHS England's safeguarding case review tracker (CSV and
XLSX): the columns are the setting's, in order; unpublished cases go only to those who may
see them; a published review goes to anyone who reads the partnership's case reviews."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook

from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.reviews.models import (
    Case,
    LocalReview,
    PublicationDecision,
    RapidReview,
    Review,
    ReviewKind,
    Stage,
    Theme,
)
from tests.meetings import sign_in
from tests.reviews.records_cases import World, add_case, build_world
from tests.support.client import BrowserLikeClient
from tests.support.clock import clock_at

TODAY = dt.date(2026, 3, 2)
fixed_today = clock_at(TODAY)


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> World:
    return build_world(app, make_user)


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_export_has_the_trackers_columns_and_keeps_need_to_know(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    converted = add_case(app, world.partnership_id, world.group_id, "Child A",
                         aware_on=dt.date(2025, 6, 2), stage=Stage.LOCAL_REVIEW,
                         rapid_from=dt.date(2025, 6, 2), incident_authority="Northshire",
                         residence_authority="Westmoor")
    published = add_case(app, world.partnership_id, world.board_id, "Child B",
                         aware_on=dt.date(2025, 3, 3), stage=Stage.ACTION_PLAN)
    add_case(app, world.partnership_id, world.board_id, "Child C",
             aware_on=dt.date(2025, 9, 1), stage=Stage.RAPID_REVIEW,
             rapid_from=dt.date(2025, 9, 1))
    with app.app_context(), acting_as("tests"):
        neglect = Theme(name="Neglect")
        db.session.add_all([
            LocalReview(case_id=converted, decided_on=dt.date(2025, 7, 1),
                        target_on=dt.date(2026, 1, 1)),
            LocalReview(case_id=published, decided_on=dt.date(2025, 4, 1),
                        target_on=dt.date(2025, 10, 1),
                        publication_decision=PublicationDecision.PUBLISH,
                        published_on=dt.date(2025, 10, 20),
                        published_url="https://example.org/child-b"),
            Review(partnership_id=world.partnership_id, kind=ReviewKind.LOCAL_REVIEW,
                   case_id=converted, title="Local review: Child A", themes=[neglect])])
        db.session.get_one(Case, published).rapid_review = RapidReview(
            started_on=dt.date(2025, 3, 3), sent_to_panel_on=dt.date(2025, 3, 20))
        db.session.commit()

    headings = [heading for heading, _ in app.config["REVIEWS_TRACKER_COLUMNS"]]
    team = signed_in(Role.TEAM).get("/cases/tracker.csv")
    assert team.status_code == 200 and team.mimetype == "text/csv"
    assert "attachment; filename=case-review-tracker-2026-03-02.csv" in team.headers[
        "Content-Disposition"]
    rows = rows_of(team.data)
    assert rows[0] == headings
    by_ref = {row[0]: dict(zip(headings, row, strict=True)) for row in rows[1:]}
    assert sorted(by_ref) == ["Child A", "Child B", "Child C"]
    a = by_ref["Child A"]
    assert (a["Type of review"], a["Rapid Review converted to a local review"],
            a["Abuse or vulnerability theme 1"], a["Status"],
            a["Local authority where the child lives"]) == (
        "Local child safeguarding practice review", "Yes", "Neglect", "Open", "Westmoor")
    b = by_ref["Child B"]
    assert (b["Status"], b["Publication date"], b["Link to the published report"]) == (
        "Closed", "2025-10-20", "https://example.org/child-b")

    # The chair of the learning group sees Child A; Child B only because it is published.
    chair = sign_in(app, world.chair)
    mine = {row[0] for row in rows_of(chair.get("/cases/tracker.csv").data)[1:]}
    assert mine == {"Child A", "Child B"}
    xlsx = chair.get("/cases/tracker.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == headings
    assert sorted(row[0] for row in values[1:]) == ["Child A", "Child B"]
    assert chair.get("/cases/tracker.pdf").status_code == 404
    # Someone who may not read case reviews gets nothing.
    assert signed_in(Role.SCRUTINEER).get("/cases/tracker.csv").status_code == 404
    with app.app_context():
        exports = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "export", AuditEvent.record_id == "tracker")).all()
        assert [e.changes["rows"] for e in exports] == [3, 2, 2]
