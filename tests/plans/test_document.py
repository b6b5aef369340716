"""The plan as a PDF: the familiar table layout, running header and footer, tagged, inline."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.actions.models import Status
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.plans.document import plan_html, plan_pdf
from partnership.plans.models import Plan
from partnership.policy import Role
from tests.documents.pdftools import pdf_info, pdf_objects, pdf_text
from tests.plans.records import TODAY, Built, add_action, build_plan
from tests.support.client import BrowserLikeClient
from tests.support.clock import pin_clock
from tests.support.documents import fetch_pdf

# About responses, rendering and Python rules that do not depend on the database: SQLite only.
pytestmark = pytest.mark.databases("sqlite")


LONG = ("Develop a joint safeguarding adolescents strategy with the neighbouring partnership, "
        "hearing from young people and their families throughout. ")


@pytest.fixture
def built(app: Flask) -> Built:
    built = build_plan(app)
    for n in range(14):
        title = f"Adolescents action {n + 1}: {LONG if n % 2 else LONG[:60]}"
        add_action(app, built.adolescents_id, title,
                   target_date=dt.date(2026, 1, 1 + n), percent_complete=5 * n,
                   lead_person_id=built.person_id, lead_agency_id=built.agency_id)
    add_action(app, built.adolescents_id, "Set up the task and finish group", year=2024,
               status=Status.COMPLETE, completed_on=dt.date(2025, 2, 14))
    add_action(app, built.neglect_id, "Refresh the neglect toolkit", status=Status.COMPLETE,
               completed_on=dt.date(2025, 9, 1), body_id=built.board_id)
    add_action(app, built.evaluate_id, "Evaluate the online safety campaign <b>now</b>",
               target_date=dt.date(2026, 3, 31))
    add_action(app, built.exploitation_id, "Audit exploitation cases",
               phase_id=built.auditing_id, target_date=dt.date(2025, 12, 31))
    return built


def render(app: Flask, built: Built, year: int = 2025) -> tuple[bytes, int, str]:
    with app.app_context():
        plan = db.session.get_one(Plan, built.plan_id)
        html = plan_html(plan, year, TODAY)
        rendered = plan_pdf(plan, year, TODAY)
    return rendered.data, rendered.pages, html


def test_the_pdf_prints_each_objective_as_a_row_of_the_familiar_table(
        app: Flask, built: Built) -> None:
    data, pages, _html = render(app, built)

    info = pdf_info(data)
    assert int(re.search(r"Pages:\s+(\d+)", info)[1]) == pages
    assert pages >= 4
    assert "Tagged:          yes" in info and "A4" in info
    assert ("Title:           Westshire Safeguarding Children Partnership: Business plan "
            "(2024\u201327), reporting year 2025\u201326") in info
    inside = pdf_objects(data)
    for marker in (b"/StructTreeRoot", b"pdfuaid", b"/Outlines"):
        assert marker in inside, marker
    text = pdf_text(data).split("\f")[:pages]
    cover = " ".join(text[0].split())
    for words in ("Westshire Safeguarding Children Partnership Business plan",
                  "Plan period 2024\u201327", "Reporting year 2025\u201326",
                  "Generated on 15 November 2025"):
        assert words in cover, words
    everything = " ".join(" ".join(text).split())
    for words in ("A1 Safeguarding adolescents", "A2 Responding to neglect",
                  "B1 Evaluate the impact of initiatives", "P1 Child exploitation review",
                  "Staff recognise the risks adolescents face.",
                  "Adolescents action 14", "Lead: Priya Shah, Westshire Police",
                  "Target: 14 January 2026", "Status: In progress (65%)",
                  "Set up the task and finish group", "Completed on 14 February 2025",
                  "Refresh the neglect toolkit", "Status: Complete on 1 September 2025",
                  "Evaluate the online safety campaign <b>now</b>",  # printed as typed
                  "Auditing, July to December 2025"):
        assert words in everything, words
    # Every page after the cover has the running header and "Page X of Y".
    for number, page_text in enumerate(text[1:], start=2):
        assert "Westshire Safeguarding Children Partnership" in page_text
        assert "Business plan \u2013 Reporting year 2025\u201326" in page_text
        assert f"Page {number} of {pages}" in page_text
        assert "Generated on 15 November 2025" in page_text
    # Part A runs over several pages; its column headings repeat on each.
    part_a = [n for n, page_text in enumerate(text) if "Adolescents action" in page_text]
    assert len(part_a) >= 2
    for n in part_a:
        words = " ".join(text[n].split())
        for heading in ("Strategic objective", "Intended outcome", "Actions for 2025\u201326"):
            assert heading in words, (n, heading)
        assert "Actions completed in 2024\u2013" in words


def test_the_first_year_has_nothing_completed_the_year_before(app: Flask, built: Built) -> None:
    with app.app_context():
        plan = db.session.get_one(Plan, built.plan_id)
        html = plan_html(plan, 2024, TODAY)
    assert "Actions completed last year" in html
    assert "The plan&#39;s first year" in html or "The plan's first year" in html
    assert "Set up the task and finish group" in html  # a 2024 action, for 2024


def test_the_pdf_opens_in_the_browser_and_is_audited(
        app: Flask, built: Built, signed_in: Callable[[Role], BrowserLikeClient],
        monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch, TODAY)
    client = signed_in(Role.SCRUTINEER)

    response = fetch_pdf(client, f"/plans/{built.plan_id}/plan.pdf?year=2025")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "inline; filename=wscp-business-plan-2025-26.pdf")
    assert response.data.startswith(b"%PDF")
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "export")).one()
        assert (event.record_type, event.record_id, event.changes) == (
            "plan", str(built.plan_id), {"document": "business plan PDF 2025\u201326"})


def test_the_cli_writes_the_pdf(app: Flask, built: Built, runner, tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"

    result = runner.invoke(args=["plans", "pdf", str(built.plan_id), "--year", "2025",
                                 "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    assert "A1 Safeguarding adolescents" in " ".join(pdf_text(out.read_bytes()).split())
    refused = runner.invoke(args=["plans", "pdf", str(built.plan_id), "--year", "2030",
                                  "--out", str(out)])
    assert refused.exit_code != 0 and "outside the plan's period" in refused.output
