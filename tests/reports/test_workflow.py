"""The yearly report's workflow, through its services, on fixed dates.

Periods, settings, the narrative (the scrutineer's assessment is theirs alone), sign-off of
the report as it reads (a change makes earlier sign-offs stale), publishing, immutability
below the services, copies sent, and the deadlines the home page warns about. The figures
and the document are stand-ins (tests/reports/workflow_fixtures.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.documents.pdf import RenderError
from partnership.documents.renders import RenderRequest
from partnership.extensions import db
from partnership.jobs.services import run_pending
from partnership.policy import Role
from partnership.publishing import workflow
from partnership.publishing.models import DocumentKind, PublicationStatus, Signature
from partnership.publishing.workflow import (
    AlreadyPublished,
    AlreadySigned,
    NotASigner,
    SignaturesIncomplete,
)
from partnership.register.models import Partnership
from partnership.reports import document, services
from partnership.reports.models import (
    CopySent,
    ReportNarrative,
    ReportSection,
    ReportSettings,
    YearlyReport,
)
from tests.documents.pdftools import pdf_text
from tests.reports.workflow_fixtures import (
    FIGURES,
    PERIOD,
    RENDERED,
    ReportWorld,
    add_draft,
    build_world,
    in_app,
    install_stand_ins,
)

# Before the stand-ins replace them.
REAL_REPORT_PDF, REAL_REPORT_HTML = document.report_pdf, document.report_html
SIGNED = dt.date(2025, 6, 2)
PUBLISHED = dt.date(2025, 9, 20)
COUNCIL, HEALTH, POLICE = ("Hillshire County Council", "Hillshire Integrated Care Board",
                           "Hillshire Constabulary")


@pytest.fixture(autouse=True)
def _stand_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    install_stand_ins(monkeypatch)


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> ReportWorld:
    return build_world(app, make_user)


def _user(user: User | None) -> User:
    assert user is not None
    found = db.session.get(User, user.id)
    assert found is not None
    return found


def _hillshire(world: ReportWorld) -> Partnership:
    found = db.session.get(Partnership, world.id)
    assert found is not None
    return found


def _sign_all(report: YearlyReport, world: ReportWorld, day: dt.date = SIGNED) -> None:
    for user in world.partner_users:
        services.sign_off(report, _user(user), day)
    db.session.commit()


def _write(report: YearlyReport, section: ReportSection, text: str, user: User) -> None:
    row = services.narrative_row(report, section)
    services.save_narrative(row, {"markdown": text}, user)


def _published(app: Flask, world: ReportWorld, day: dt.date = PUBLISHED) -> int:
    report_id = add_draft(app, world)
    with app.app_context():
        report = in_app(app, report_id)
        _sign_all(report, world)
        services.publish(report, day)
        db.session.commit()
        run_pending()  # the worker makes the file
    return report_id


# --- periods and settings ---------------------------------------------------------------


def test_the_default_period_is_the_last_complete_reporting_year(app: Flask) -> None:
    april = Partnership(slug="a", name="A", year_start_month=4)
    january = Partnership(slug="j", name="J", year_start_month=1)
    assert services.default_period(april, dt.date(2025, 6, 1)) == PERIOD
    assert services.default_period(april, dt.date(2025, 3, 31)) == (
        dt.date(2023, 4, 1), dt.date(2024, 3, 31))
    assert services.default_period(april, dt.date(2025, 4, 1)) == PERIOD
    assert services.default_period(january, dt.date(2025, 6, 1)) == (
        dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert services.period_label(april, *PERIOD) == "2024\u201325"
    assert services.period_label(january, dt.date(2024, 1, 1), dt.date(2024, 12, 31)) == "2024"
    assert services.period_label(april, dt.date(2024, 4, 1), dt.date(2024, 9, 30)) == (
        "1 April 2024 to 30 September 2024")
    assert services.default_title(april, *PERIOD) == "A yearly report 2024\u201325"


def test_a_period_is_checked_before_a_report_starts(app: Flask, world: ReportWorld) -> None:
    with app.app_context():
        hillshire = _hillshire(world)
        cases = [
            ((dt.date(2025, 3, 31), dt.date(2024, 4, 1)), "period_end",
             "The period must end on or after the day it starts"),
            ((dt.date(2023, 4, 1), dt.date(2024, 4, 1)), "period_end",
             "The period must be a year or shorter"),
        ]
        for (start, end), field, message in cases:
            with pytest.raises(services.ReportProblem) as refused:
                services.start_report(hillshire, start, end, "A report")
            assert (refused.value.field, str(refused.value)) == (field, message)
        with pytest.raises(services.ReportProblem) as refused:
            services.start_report(hillshire, *PERIOD, "   ")
        assert refused.value.field == "title"

        # A leap year's 366 days are a year.
        leap = services.start_report(hillshire, dt.date(2023, 4, 1), dt.date(2024, 3, 31),
                                     "  HSCP   2023-24 ")
        assert leap.title == "HSCP 2023-24"
        first = services.start_report(hillshire, *PERIOD, "HSCP 2024-25")
        db.session.commit()

        with pytest.raises(services.ReportProblem) as refused:
            services.start_report(hillshire, *PERIOD, "Again")
        assert refused.value.field == "period_start"
        assert str(refused.value) == (
            "There is already a report on 2024\u201325: “HSCP 2024-25”")
        with pytest.raises(services.ReportProblem) as refused:
            services.start_report(hillshire, dt.date(2024, 10, 1), dt.date(2025, 9, 30), "Half")
        assert str(refused.value) == ("The period overlaps “HSCP 2024-25”, which covers "
                                      "2024\u201325")
        # Another partnership may report on the same period.
        westshire = db.session.get(Partnership, world.other_id)
        assert westshire is not None
        services.start_report(westshire, *PERIOD, "WSCP 2024-25")
        db.session.commit()
        assert [r.id for r in services.reports_of(hillshire)] == [first.id, leap.id]


def test_a_duplicate_period_that_slips_past_the_check_is_still_a_field_error(
    app: Flask, world: ReportWorld, monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_draft(app, world)
    monkeypatch.setattr(services, "reports_of", lambda _partnership: [])  # a race
    with app.app_context():
        with pytest.raises(services.ReportProblem) as refused:
            services.start_report(_hillshire(world), *PERIOD, "The same period")
        assert refused.value.field == "period_start"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(YearlyReport)) == 1


def test_settings_have_defaults_until_saved_and_are_checked(
    app: Flask, world: ReportWorld,
) -> None:
    with app.app_context():
        settings = services.settings_of(_hillshire(world))
        assert settings.version == 0 and sa.inspect(settings).transient
        assert (settings.deadline_months, settings.warning_days,
                settings.copies_within_days) == (6, 56, 7)
        assert settings.recipient_list[0] == "Child Safeguarding Practice Review Panel"

        bad = {"deadline_months": 0, "warning_days": 400, "copies_within_days": -1,
               "recipients": " \n\n"}
        assert [(p.field, str(p)) for p in services.settings_problems(bad)] == [
            ("deadline_months", "Months to publish in must be between 1 and 24"),
            ("warning_days", "Days of warning must be between 0 and 365"),
            ("copies_within_days", "Days to send copies in must be between 0 and 90"),
            ("recipients", "Enter at least one recipient, one per line"),
        ]
        with pytest.raises(services.ReportProblem):
            services.save_settings(settings, bad)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportSettings)) == 0

        good = {"deadline_months": 5, "warning_days": 30, "copies_within_days": 10,
                "recipients": "The Panel\n\n  the panel \nDfE\n"}
        for name, value in good.items():
            setattr(settings, name, value)
        services.save_settings(settings, good)
        saved = services.settings_of(_hillshire(world))
        assert (saved.version, saved.deadline_months, saved.recipient_list) == (
            1, 5, ["The Panel", "DfE"])
        assert services.publication_due(_hillshire(world), PERIOD[1]) == dt.date(2025, 8, 31)


# --- the narrative ------------------------------------------------------------------------


def test_the_team_writes_the_narrative_and_only_the_scrutineer_the_assessment(
    app: Flask, world: ReportWorld, make_user: Callable[..., User],
) -> None:
    report_id = add_draft(app, world)
    plain_team = make_user(Role.TEAM, name="Pat Plain")
    with app.app_context():
        report = in_app(app, report_id)
        team, scrutineer = _user(world.team), _user(world.scrutineer)

        _write(report, ReportSection.FOREWORD, "Our year.", team)
        row = services.narrative_row(report, ReportSection.FOREWORD)
        assert (row.markdown, row.written_by, row.written_as, row.version) == (
            "Our year.", "Tess Team", "Partnership Business Manager", 1)
        assert row.updated_at is not None
        _write(report, ReportSection.IMPACT, "What changed.", _user(plain_team))
        row = services.narrative_row(report, ReportSection.IMPACT)
        assert (row.written_by, row.written_as) == ("Pat Plain", "Partnership team officer")

        _write(report, ReportSection.ASSESSMENT, "Effective, with two gaps.", scrutineer)
        row = services.narrative_row(report, ReportSection.ASSESSMENT)
        assert (row.written_by, row.written_as) == ("Sam Scrutineer", "Independent scrutineer")
        assessment = services.draft_document(report, SIGNED).assessment
        assert assessment is not None and assessment.markdown == "Effective, with two gaps."
        assert assessment.written_by == "Sam Scrutineer"

        refusals = [
            (scrutineer, ReportSection.FOREWORD, "Only the partnership team"),
            (team, ReportSection.ASSESSMENT, "Only the partnership's independent scrutineer"),
            (_user(world.other_scrutineer), ReportSection.ASSESSMENT,
             "Only the partnership's independent scrutineer"),
            (_user(world.partner_users[0]), ReportSection.FOREWORD, "Only the partnership team"),
        ]
        for user, section, message in refusals:
            with pytest.raises(services.NotAllowed, match=message):
                _write(report, section, "Overwritten", user)
            db.session.rollback()
        document_now = services.draft_document(report, SIGNED)
        assert document_now.narrative == {"foreword": "Our year.", "impact": "What changed."}
        assert document_now.assessment == assessment


# --- sign-off and publishing --------------------------------------------------------------


def test_each_partner_signs_off_for_their_own_organisation_only(
    app: Flask, world: ReportWorld,
) -> None:
    report_id = add_draft(app, world)
    with app.app_context():
        report = in_app(app, report_id)
        for user, organisation in zip(world.partner_users, (COUNCIL, HEALTH, POLICE),
                                      strict=True):
            signed = services.sign_off(report, _user(user), SIGNED)
            assert signed.partner.name_on(SIGNED) == organisation
            assert signed.digest == services.content_digest(
                services.draft_document(report, SIGNED))
            with pytest.raises(AlreadySigned,
                               match=f"{organisation} has already signed off"):
                services.sign_off(report, _user(user), SIGNED)
        for stranger in (world.team, world.scrutineer, world.other_partner):
            with pytest.raises(NotASigner):
                services.sign_off(report, _user(stranger), SIGNED)
        db.session.commit()
        lines = services.sign_off_lines(report, day=SIGNED)
        assert [(line.partner_name, line.sign_off.signed_by if line.sign_off else None,
                 line.stale) for line in lines] == [
            (COUNCIL, "Ada Council", False), (HEALTH, "Ben Health", False),
            (POLICE, "Cara Police", False)]
        assert services.ready_to_publish(report, lines)


def test_a_change_after_sign_off_needs_a_new_sign_off_before_publishing(
    app: Flask, world: ReportWorld,
) -> None:
    report_id = add_draft(app, world)
    with app.app_context():
        report = in_app(app, report_id)
        _sign_all(report, world)
        first_digest = report.sign_offs[0].digest
        # Assembled on a later day, the same figures are the same report.
        later = services.draft_document(report, dt.date(2025, 7, 1))
        assert services.content_digest(later) == first_digest

        _write(report, ReportSection.FOREWORD, "A new foreword.", _user(world.team))
        lines = services.sign_off_lines(report, day=SIGNED)
        assert [line.stale for line in lines] == [True, True, True]
        assert not services.ready_to_publish(report, lines)
        with pytest.raises(SignaturesIncomplete) as refused:
            services.publish(report, PUBLISHED)
        assert str(refused.value) == (
            "All three statutory partners must sign off “HSCP yearly report 2024\u201325” as "
            f"it reads now before it is published: {COUNCIL}, {HEALTH} and {POLICE} have to "
            "sign off again because the yearly report changed after they signed.")

        ids = sorted(s.id for s in report.sign_offs)
        council = report.sign_offs[0]
        services.sign_off(report, _user(world.partner_users[0]), SIGNED)
        db.session.commit()
        assert sorted(s.id for s in report.sign_offs) == ids  # replaced, not added
        assert council.digest != first_digest
        with pytest.raises(SignaturesIncomplete,
                           match=f"{HEALTH} and {POLICE} have to sign off again"):
            services.publish(report, PUBLISHED)

        # A figure changing in the records makes every sign-off stale too.
        FIGURES["meetings_held"] = 5
        assert all(line.stale for line in services.sign_off_lines(report, day=SIGNED))
        FIGURES["meetings_held"] = 4
        for user in world.partner_users[1:]:
            services.sign_off(report, _user(user), SIGNED)
        assert not RENDERED
        services.publish(report, PUBLISHED)
        db.session.commit()
        run_pending()  # the worker makes the file

        report = in_app(app, report_id)
        assert report.status is PublicationStatus.PUBLISHED
        assert report.published_on == PUBLISHED and report.pages
        assert report.published_at is not None
        pdf = services.published_pdf(report)
        assert pdf is not None and pdf.startswith(b"%PDF")  # the stand-in page, rendered
        assert "Published 20 September 2025" in pdf_text(pdf)
        assert report.sha256 == hashlib.sha256(pdf).hexdigest()
        snapshot = services.with_snapshot(report)
        assert snapshot is not None
        assert (snapshot["status"], snapshot["draft"], snapshot["published"]) == (
            "Published 20 September 2025", False, "2025-09-20")
        assert snapshot["narrative"] == {"foreword": "A new foreword."}
        assert [line["partner"] for line in snapshot["sign_offs"]] == [COUNCIL, HEALTH, POLICE]
        # What the partners signed is exactly what was published.
        assert {s.digest for s in report.sign_offs} == {
            services.content_digest(snapshot)}
        assert services.document_of(report) == snapshot


def test_publishing_needs_all_three_partners(app: Flask, world: ReportWorld) -> None:
    report_id = add_draft(app, world)
    with app.app_context():
        report = in_app(app, report_id)
        services.sign_off(report, _user(world.partner_users[1]), SIGNED)
        with pytest.raises(SignaturesIncomplete,
                           match=f"still waiting for {COUNCIL} and {POLICE}.$"):
            services.publish(report, PUBLISHED)
        assert report.status is PublicationStatus.DRAFT


def test_a_file_that_cannot_be_made_leaves_the_publication_and_says_why(
    app: Flask, world: ReportWorld, monkeypatch: pytest.MonkeyPatch,
) -> None:
    report_id = add_draft(app, world)

    def broken(_request: object) -> None:
        raise RenderError("out of memory")

    monkeypatch.setattr(RenderRequest, "render", broken)
    with app.app_context():
        report = in_app(app, report_id)
        _sign_all(report, world)
        services.publish(report, PUBLISHED)  # no render in the request: nothing to fail here
        db.session.commit()
        run_pending()
        report = in_app(app, report_id)
        assert (report.status, report.published_on, report.sha256) == (
            PublicationStatus.PUBLISHED, PUBLISHED, None)
        state = workflow.file_state(report)
        assert state.failed and "out of memory" in state.error


def test_a_published_report_never_changes_whoever_asks(app: Flask, world: ReportWorld) -> None:
    report_id = _published(app, world)
    with app.app_context():
        report = in_app(app, report_id)
        with pytest.raises(AlreadyPublished):
            _write(report, ReportSection.FOREWORD, "Later words", _user(world.team))
        db.session.rollback()
        with pytest.raises(AlreadyPublished):
            _write(in_app(app, report_id), ReportSection.ASSESSMENT, "Later",
                   _user(world.scrutineer))
        db.session.rollback()
        with pytest.raises(AlreadyPublished):
            services.sign_off(in_app(app, report_id), _user(world.partner_users[0]), SIGNED)
        db.session.rollback()
        with pytest.raises(AlreadyPublished):
            services.publish(in_app(app, report_id), PUBLISHED)
        db.session.rollback()

    def stored() -> tuple[object, ...]:
        with app.app_context():
            report = in_app(app, report_id)
            return (report.title, report.version, report.sha256, services.published_pdf(report),
                    services.with_snapshot(report),
                    sorted((s.id, s.digest, s.signed_by) for s in report.sign_offs),
                    sorted((n.section, n.markdown) for n in report.narrative))

    before = stored()
    changes = [
        lambda r: setattr(r, "title", "Renamed"),
        lambda r: setattr(r, "period_end", dt.date(2025, 3, 30)),
        lambda r: setattr(r, "status", PublicationStatus.DRAFT),
        lambda r: setattr(r, "pdf", b"%PDF forged"),
        lambda r: setattr(r, "snapshot", {}),
        lambda r: setattr(r.sign_offs[0], "signed_by", "Someone Else"),
        lambda r: db.session.delete(r.sign_offs[0]),
        lambda r: db.session.add(Signature(
            document=DocumentKind.YEARLY_REPORT, version_id=r.id,
            partnership_id=r.partnership_id, partner=r.partnership.partners[0],
            signed_by="X", role="Y", digest="0", comment="", deputy_for="")),
        lambda r: db.session.add(ReportNarrative(report=r, section=ReportSection.NEXT_YEAR,
                                                 markdown="More")),
        lambda r: db.session.add(ReportNarrative(report_id=r.id,
                                                 section=ReportSection.CHANGES,
                                                 markdown="Sneaked in")),
        lambda r: db.session.delete(r),
    ]
    with app.app_context():
        for change in changes:
            report = in_app(app, report_id)
            change(report)
            with pytest.raises(AlreadyPublished):
                db.session.flush()
            db.session.rollback()
    assert stored() == before


def test_the_narrative_of_a_published_report_cannot_be_changed_below_the_services(
    app: Flask, world: ReportWorld,
) -> None:
    report_id = add_draft(app, world)
    with app.app_context():
        report = in_app(app, report_id)
        _write(report, ReportSection.FOREWORD, "Signed words.", _user(world.team))
        _sign_all(report, world)
        services.publish(report, PUBLISHED)
        db.session.commit()
    with app.app_context():
        row = db.session.scalars(sa.select(ReportNarrative)).one()
        row.markdown = "Rewritten"
        with pytest.raises(AlreadyPublished):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalars(sa.select(ReportNarrative)).one())
        with pytest.raises(AlreadyPublished):
            db.session.flush()
        db.session.rollback()
        assert db.session.scalars(sa.select(ReportNarrative.markdown)).one() == "Signed words."


# --- copies sent --------------------------------------------------------------------------


def test_copies_are_recorded_after_publication_only(app: Flask, world: ReportWorld) -> None:
    draft_id = add_draft(app, world, (dt.date(2023, 4, 1), dt.date(2024, 3, 31)), "Earlier")
    report_id = _published(app, world)
    with app.app_context():
        team = _user(world.team)
        with pytest.raises(services.WorkflowRefused, match="once it is published"):
            services.add_copy(in_app(app, draft_id), "DfE", PUBLISHED, "", team, PUBLISHED)
        report = in_app(app, report_id)
        assert services.copies_missing(report) == [
            "Child Safeguarding Practice Review Panel", "Department for Education",
            "Foundations (What Works Centre for Children & Families)"]
        refusals = [
            ("", PUBLISHED, "recipient", "Enter who the copy was sent to"),
            ("DfE", None, "sent_on", "Enter the date the copy was sent"),
            ("DfE", PUBLISHED - dt.timedelta(days=1), "sent_on",
             "The date sent must be on or after the report was published (20 September 2025)"),
            ("DfE", PUBLISHED + dt.timedelta(days=2), "sent_on",
             "The date sent must be today or in the past"),
        ]
        for recipient, sent_on, field, message in refusals:
            with pytest.raises(services.ReportProblem) as refused:
                services.add_copy(report, recipient, sent_on, "", team,
                                  PUBLISHED + dt.timedelta(days=1))
            assert (refused.value.field, str(refused.value)) == (field, message)
        copy = services.add_copy(report, "  department for   education ", PUBLISHED,
                                 "By email", team, PUBLISHED)
        db.session.commit()
        assert (copy.recipient, copy.sent_on, copy.how, copy.recorded_by_id) == (
            "department for education", PUBLISHED, "By email", team.id)
        assert services.copies_missing(in_app(app, report_id)) == [
            "Child Safeguarding Practice Review Panel",
            "Foundations (What Works Centre for Children & Families)"]
        # Copies never reach a draft, even below the services.
        db.session.add(CopySent(report_id=draft_id, recipient="DfE", sent_on=PUBLISHED))
        with pytest.raises(services.WorkflowRefused):
            db.session.flush()
        db.session.rollback()


# --- the parts of the report ---------------------------------------------------------------


def test_each_part_says_what_it_is_filled_from_or_why_not(
    app: Flask, world: ReportWorld,
) -> None:
    report_id = add_draft(app, world)
    with app.app_context():
        summaries = services.part_summaries(services.draft_document(in_app(app, report_id),
                                                                    SIGNED))
        assert [(p.number, p.title, p.summary) for p in summaries] == [
            (1, "Summary of activities", "Filled from 7 records"),
            (2, "Child safeguarding practice reviews",
             "No reviews were undertaken in the period."),
            (3, "Evidence of impact", "Nothing was recorded in the period."),
            (4, "Little or no progress", "Filled from 2 records"),
            (5, "Decisions and actions on review recommendations",
             "Nothing was recorded in the period."),
            (6, "Feedback from children and families", "Nothing was recorded in the period."),
            (7, "The independent scrutineer's assessment",
             "The independent scrutineer has not written it yet."),
            (8, "Changes to the arrangements",
             "No arrangements were published by the end of the period."),
        ]
    with app.app_context():
        _sign_all(in_app(app, report_id), world)
        services.publish(in_app(app, report_id), PUBLISHED)
        db.session.commit()
    with app.app_context():  # a published report is summed up from its snapshot
        snapshot = services.document_of(in_app(app, report_id))
        assert isinstance(snapshot, dict)
        assert services.part_summaries(snapshot)[0].summary == "Filled from 7 records"


# --- deadlines ----------------------------------------------------------------------------


def _rows(user: User | None, day: dt.date) -> list[tuple[str, str, int, str]]:
    return [(row.partnership.slug, row.state, row.days_left, row.due.isoformat())
            for row in services.report_deadlines(_user(user), day)]


def test_the_deadline_of_the_latest_period_and_its_warnings(
    app: Flask, world: ReportWorld,
) -> None:
    due = "2025-09-30"  # 6 months after 31 March 2025
    with app.app_context():
        assert _rows(world.team, dt.date(2025, 6, 1)) == [
            ("hscp", "not yet due", 121, due), ("wscp", "not yet due", 121, due)]
        assert _rows(world.team, dt.date(2025, 8, 5)) == [
            ("hscp", "due soon", 56, due), ("wscp", "due soon", 56, due)]
        assert _rows(world.team, dt.date(2025, 8, 4))[0][1] == "not yet due"
        assert _rows(world.team, dt.date(2025, 9, 30))[0][1:3] == ("due soon", 0)
        overdue = services.report_deadlines(_user(world.team), dt.date(2025, 10, 2))[0]
        assert (overdue.state, overdue.days_left, overdue.summary) == (
            "overdue", -2, "2 days overdue")
        assert overdue.needs_attention and overdue.report is None
        assert overdue.period == "2024\u201325"
        quiet = services.report_deadlines(_user(world.team), dt.date(2025, 6, 1))[0]
        assert not quiet.needs_attention and quiet.summary == "due in 121 days"

        # Each role sees the partnerships it works on, and no one else's.
        assert [r[0] for r in _rows(world.partner_users[0], dt.date(2025, 8, 5))] == ["hscp"]
        assert [r[0] for r in _rows(world.other_partner, dt.date(2025, 8, 5))] == ["wscp"]
        assert [r[0] for r in _rows(world.scrutineer, dt.date(2025, 8, 5))] == ["hscp"]
        assert [r[0] for r in _rows(world.other_scrutineer, dt.date(2025, 8, 5))] == ["wscp"]


def test_the_deadline_once_published_and_copies_to_send(
    app: Flask, world: ReportWorld, make_user: Callable[..., User],
) -> None:
    draft_id = add_draft(app, world)
    with app.app_context():
        row = services.report_deadlines(_user(world.partner_users[0]), dt.date(2025, 6, 1))[0]
        assert row.report is not None and row.report.id == draft_id
        assert row.your_sign_off_needed and row.needs_attention and row.state == "not yet due"
        services.sign_off(row.report, _user(world.partner_users[0]), SIGNED)
        db.session.commit()
        row = services.report_deadlines(_user(world.partner_users[0]), dt.date(2025, 6, 1))[0]
        assert not row.your_sign_off_needed and not row.needs_attention
        report = in_app(app, draft_id)
        for user in world.partner_users[1:]:
            services.sign_off(report, _user(user), SIGNED)
        services.publish(report, PUBLISHED)
        db.session.commit()

        day = dt.date(2025, 9, 25)
        row = services.report_deadlines(_user(world.team), day)[0]
        assert (row.state, row.copies_due, row.copies_days_left) == (
            "published", dt.date(2025, 9, 27), 2)
        assert len(row.copies_to_send) == 3 and row.needs_attention
        assert row.summary == "published; 3 copies still to send, due in 2 days"
        for recipient in row.copies_to_send:
            services.add_copy(in_app(app, draft_id), recipient, day, "", None, day)
        db.session.commit()
        row = services.report_deadlines(_user(world.team), day)[0]
        assert (row.state, row.copies_to_send, row.needs_attention) == ("published", [], False)
        # Long after the deadline a published report is still just published.
        assert _rows(world.team, dt.date(2026, 3, 1))[0][1] == "published"

        for role in (Role.ADMIN, Role.CHAIR, Role.AGENCY):
            assert services.report_deadlines(_user(make_user(role)), day) == []


# --- publishing for real ------------------------------------------------------------------


def test_publishing_renders_the_real_document_with_its_sign_offs(
    app: Flask, world: ReportWorld, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The one test that renders the PDF for real (the figures are still the stand-in's)."""
    monkeypatch.setattr(document, "report_pdf", REAL_REPORT_PDF)
    monkeypatch.setattr(document, "report_html", REAL_REPORT_HTML)
    report_id = add_draft(app, world)
    with app.app_context():
        report = in_app(app, report_id)
        _write(report, ReportSection.FOREWORD, "We kept **children** safer.", _user(world.team))
        _write(report, ReportSection.ASSESSMENT, "The arrangements are effective.",
               _user(world.scrutineer))
        _sign_all(report, world)
        services.publish(report, PUBLISHED)
        db.session.commit()
        assert services.published_pdf(in_app(app, report_id)) is None  # made by the worker
        assert run_pending() >= 1
        report = in_app(app, report_id)
        pdf = services.published_pdf(report)
        assert pdf is not None
        assert pdf.startswith(b"%PDF") and report.pages and report.pages >= 2
        assert report.sha256 == hashlib.sha256(pdf).hexdigest()
    text = " ".join(pdf_text(pdf).split())
    for expected in ("Published 20 September 2025", "We kept children safer.",
                     "The arrangements are effective.", "Sam Scrutineer", "Ada Council",
                     "Ben Health", "Cara Police", "Hillshire Constabulary"):
        assert expected in text, expected
    assert "DRAFT" not in text
