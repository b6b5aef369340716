"""``flask report yearly SLUG --period 2024-25 --out FILE``: the draft as a PDF."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click
import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.register.models import Partnership
from partnership.reports.cli import period_of
from partnership.reports.models import ReportNarrative, ReportSection, YearlyReport
from tests.documents.pdftools import pdf_info, pdf_text

NAME = "Westshire Safeguarding Children Partnership"


def test_the_cli_renders_the_draft_with_the_saved_narrative(app: Flask, runner,
                                                             tmp_path: Path) -> None:
    with app.app_context():
        partnership = Partnership(slug="westshire", name=NAME, short_name="WSCP")
        report = YearlyReport(partnership=partnership, title="WSCP yearly report 2024-25",
                              period_start=dt.date(2024, 4, 1), period_end=dt.date(2025, 3, 31))
        report.narrative.append(ReportNarrative(section=ReportSection.FOREWORD,
                                                markdown="Our **sixth** yearly report."))
        db.session.add_all([partnership, report])
        db.session.commit()
        partnership_id = partnership.id
    out = tmp_path / "report.pdf"

    # An en dash, as the report itself writes the year, is accepted too.
    result = runner.invoke(args=["report", "yearly", "westshire", "--period",
                                 "2024\N{EN DASH}25", "--out", str(out)])

    assert result.exit_code == 0, result.output
    found = re.search(rf"Wrote {re.escape(str(out))}: the draft yearly report "
                      r"2024\u201325, (\d+) pages in [\d.]+ s", result.output)
    assert found, result.output
    data = out.read_bytes()
    assert f"Pages:           {found[1]}" in pdf_info(data)
    text = " ".join(pdf_text(data).split())
    assert "Yearly report 2024\N{EN DASH}25" in text and "DRAFT" in text
    assert "Our sixth yearly report." in text  # the saved narrative of that period's report
    for heading in ("1. Summary of activities", "7. The independent scrutineer's assessment",
                    "8. Changes to the arrangements"):
        assert heading in text
    assert "The independent scrutineer has not written their assessment yet." in text
    with app.app_context():
        [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "export"))
        assert (event.actor, event.record_type, event.record_id) == (
            "cli", "partnership", str(partnership_id))


def test_the_cli_renders_on_a_service_that_answers_only_its_own_host_name(
        make_app, tmp_path: Path) -> None:
    """Production sets TRUSTED_HOSTS; a command's links resolve to that host, not localhost."""
    app = make_app(TRUSTED_HOSTS=["tracker.example.org"])
    with app.app_context():
        db.session.add(Partnership(slug="westshire", name=NAME, short_name="WSCP"))
        db.session.commit()
    out = tmp_path / "report.pdf"

    result = app.test_cli_runner().invoke(args=["report", "yearly", "westshire", "--period",
                                                "2024-25", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_the_cli_refuses_an_unknown_partnership_or_period(app: Flask, runner,
                                                          tmp_path: Path) -> None:
    with app.app_context():
        db.session.add(Partnership(slug="westshire", name=NAME, short_name="WSCP"))
        db.session.commit()
    out = tmp_path / "nothing.pdf"

    unknown = runner.invoke(args=["report", "yearly", "nowhere", "--out", str(out)])
    assert unknown.exit_code == 1
    assert "No partnership with the slug 'nowhere'" in unknown.output
    bad = runner.invoke(args=["report", "yearly", "westshire", "--period", "2024-26",
                              "--out", str(out)])
    assert bad.exit_code == 2
    assert "'2024-26' is not a reporting year such as 2024-25" in bad.output
    assert not out.exists()


def test_the_period_defaults_to_the_last_complete_reporting_year() -> None:
    april = Partnership(slug="a", name="A", short_name="A", year_start_month=4)
    january = Partnership(slug="j", name="J", short_name="J", year_start_month=1)

    assert period_of(april, None, dt.date(2025, 6, 1)) == (dt.date(2024, 4, 1),
                                                          dt.date(2025, 3, 31))
    assert period_of(april, None, dt.date(2025, 3, 31)) == (dt.date(2023, 4, 1),
                                                           dt.date(2024, 3, 31))
    assert period_of(january, None, dt.date(2025, 6, 1)) == (dt.date(2024, 1, 1),
                                                            dt.date(2024, 12, 31))
    for label in ("2024-25", "2024\N{EN DASH}25", "2024/25"):
        assert period_of(april, label, dt.date(2026, 1, 1)) == (dt.date(2024, 4, 1),
                                                               dt.date(2025, 3, 31))
    with pytest.raises(click.BadParameter):
        period_of(april, "last year", dt.date(2026, 1, 1))
