"""Findings across agencies add up as the returns say; the audit's pages cost the same number
of SQL statements however many agencies and cases; the yearly report's hook."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.case_audits import services
from partnership.case_audits.models import AuditStage, CaseAudit
from partnership.extensions import db
from tests.case_audits.records import AuditWorld, add_audit, build, return_of
from tests.meetings import sign_in
from tests.register.records import add_agency
from tests.support.client import BrowserLikeClient


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> AuditWorld:
    return build(app, make_user)


def test_findings_count_each_agencys_grades_per_question(app: Flask, world: AuditWorld) -> None:
    # Three cases; Police grade question 1 Good and question 2 Inadequate; Schools grade both
    # Requires improvement; Housing has not sent its return, so it is not counted.
    audit_id = add_audit(app, world, agencies=("Police", "Schools", "Housing"),
                         grades={"Police": [1, 3], "Schools": [2, 2]})
    with app.app_context():
        found = services.findings(db.session.get_one(CaseAudit, audit_id))
        assert [f.agencies for f in found] == [["Police", "Schools"]] * 2
        assert found[0].counts == [[3, 0, 0], [0, 3, 0]]
        assert found[1].counts == [[0, 0, 3], [0, 3, 0]]
        assert found[1].totals == [0, 3, 3]
        chart = found[1].chart()
        assert chart.kind == "stacked_bar"
        assert chart.series == ["Good", "Requires improvement", "Inadequate"]
        assert chart.values == [[0.0, 0.0], [0.0, 3.0], [3.0, 0.0]]
        assert chart.summary == \
            "Of 6 graded answers: 0 good, 3 requires improvement, 3 inadequate."


def _statements(app: Flask, client: BrowserLikeClient, urls: list[str]) -> dict[str, int]:
    counted: list[str] = []

    def count(*_args: object) -> None:
        counted.append("")

    with app.app_context():
        engine = db.engine
    found = {}
    for url in urls:
        assert client.get(url).status_code == 200, url
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            counted.clear()
            assert client.get(url).status_code == 200, url
            found[url] = len(counted)
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
    return found


def test_the_audit_pages_cost_the_same_however_many_agencies_and_cases(
        app: Flask, world: AuditWorld) -> None:
    small = add_audit(app, world, agencies=("Police", "Schools"), cases=2,
                      grades={"Police": [1, 2], "Schools": [2, 3]})
    names = [f"Grown agency {n}" for n in range(8)]
    world.agency_ids.update({name: add_agency(app, world.slug, name) for name in names})
    large = add_audit(app, world, agencies=("Police", "Schools", *names), cases=9,
                      grades={name: [1, 3] for name in ("Police", "Schools", *names)})
    team = sign_in(app, world.team)
    base = f"/partnerships/{world.slug}/case-audits"

    def pages(audit_id: int) -> list[str]:
        own = return_of(app, audit_id, world.agency_ids["Police"])
        return [f"{base}/{audit_id}", f"{base}/{audit_id}/findings",
                f"{base}/{audit_id}/returns/{own}", f"{base}/{audit_id}/moderation"]

    before = _statements(app, team, pages(small))
    after = _statements(app, team, pages(large))
    assert list(after.values()) == list(before.values())
    # The list, too, as audits are added.
    listing = _statements(app, team, [base])
    for _ in range(3):
        add_audit(app, world, agencies=("Police",))
    assert _statements(app, team, [base]) == listing


def test_the_report_hook_gives_completed_audits_as_plain_values(
        app: Flask, world: AuditWorld) -> None:
    done = add_audit(app, world, agencies=("Police", "Schools", "Housing"), cases=2,
                     grades={"Police": [1, 2], "Schools": [2, 2]}, stage=AuditStage.COMPLETE)
    add_audit(app, world, title="Still taking returns")
    with app.app_context(), acting_as("tests"):
        audit = db.session.get_one(CaseAudit, done)
        audit.completed_on = dt.date(2026, 5, 1)
        audit.findings = "Agencies saw incidents, not patterns."
        audit.questions[0].agreed_grade = audit.scale.grades[1]
        db.session.commit()
        found = services.audits_for_report(world.partnership_id, dt.date(2026, 4, 1),
                                           dt.date(2027, 3, 31))
        assert services.audits_for_report(world.partnership_id, dt.date(2025, 4, 1),
                                          dt.date(2026, 3, 31)) == []
    assert len(found) == 1
    summary = found[0]
    assert (summary.title, summary.agencies, summary.returns, summary.cases) == (
        "Neglect audit", 3, 2, 2)
    assert summary.questions[0].agreed_grade == "Requires improvement"
    assert summary.questions[0].grades == [("Good", 2), ("Requires improvement", 2),
                                           ("Inadequate", 0)]
    assert summary.path == f"/partnerships/{world.slug}/case-audits/{done}"
    json.dumps(dataclasses.asdict(summary))  # JSON-able values only
