"""The yearly report's pages, as each role uses them.

The figures and the document are stand-ins (tests/reports/workflow_fixtures.py) and the
day is fixed at 10 August 2025, so the report is on 2024-25 and due by 30 September 2025.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.jobs.services import run_pending
from partnership.policy import Role
from partnership.publishing.models import PublicationStatus, Signature
from partnership.reports import services
from partnership.reports.models import (
    CopySent,
    ReportNarrative,
    ReportSettings,
    YearlyReport,
)
from tests.conftest import PASSWORD
from tests.documents.pdftools import pdf_text
from tests.reports.workflow_fixtures import (
    OTHER_SLUG,
    ReportWorld,
    add_draft,
    build_world,
    install_stand_ins,
)
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import pin_clock
from tests.support.documents import fetch_pdf

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

TODAY = dt.date(2025, 8, 10)
TITLE = "HSCP yearly report 2024\u201325"


@pytest.fixture(autouse=True)
def _stand_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    install_stand_ins(monkeypatch)
    pin_clock(monkeypatch, TODAY)


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> ReportWorld:
    return build_world(app, make_user)


@pytest.fixture
def as_user(app: Flask) -> Callable[[User | None], BrowserLikeClient]:
    """Sign an existing account in on a new client."""

    def sign_in(user: User | None) -> BrowserLikeClient:
        assert user is not None
        client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
        assert client.sign_in(user.email, PASSWORD).status_code == 302
        client.user = user  # type: ignore[attr-defined]
        return client

    return sign_in


def _text(response: object) -> str:
    return page(response).get_text(" ", strip=True)  # type: ignore[arg-type]


def _messages(response: object) -> str:
    html = page(response)  # type: ignore[arg-type]
    return " ".join(b.get_text(" ", strip=True)
                    for b in html.select(".govuk-notification-banner__content"))


def _field_error(response: object, name: str) -> str:
    """The error message shown next to a field (GOV.UK puts it in the field's group)."""
    html = page(response)  # type: ignore[arg-type]
    found = html.find(id=f"{name}-error") or html.find(id=re.compile(f"^{name}.*-error$"))
    assert found is not None, f"no error next to {name}"
    return found.get_text(" ", strip=True).removeprefix("Error:").strip()


def _post_forms(response: object) -> list[str]:
    html = page(response)  # type: ignore[arg-type]
    return [str(form.get("action") or "") for form in html.find_all("form")
            if str(form.get("method", "")).lower() == "post"
            and "sign-out" not in str(form.get("action"))]


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def _press(client: BrowserLikeClient, world: ReportWorld, report_id: int, action: str) -> str:
    detail = world.url(f"/{report_id}")
    response = client.submit(detail, {}, action=f"{detail}/{action}", follow_redirects=True)
    assert response.status_code == 200
    return _messages(response)


def _date(day: dt.date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


# --- starting a report ------------------------------------------------------------------


def test_the_team_starts_a_report_on_the_last_reporting_year(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
) -> None:
    team = as_user(world.team)
    listing = team.get(world.url())
    assert "No reports yet" in _text(listing)
    assert "Latest period ended 2024\u201325 Report Not started yet" in _text(listing)
    form = page(team.get(world.url("/new")))
    assert form.find("input", attrs={"name": "title"})["value"] == TITLE
    shown = [f.get("value") for f in form.find_all("input")
             if f.get("name") in ("period_start", "period_end")]
    assert shown == ["01", "04", "2024", "31", "03", "2025"]

    response = team.submit(world.url("/new"), {"period_start": _date(dt.date(2024, 4, 1)),
                                               "period_end": _date(dt.date(2025, 3, 31)),
                                               "title": TITLE})
    assert response.status_code == 302
    found = re.search(r"/reports/(\d+)$", response.headers["Location"])
    assert found
    detail = team.get(response.headers["Location"])
    shown_text = _text(detail)
    assert f"{TITLE} Draft" in shown_text
    assert "Period 2024\u201325 (1 April 2024 to 31 March 2025)" in shown_text
    assert "Publication due by 30 September 2025 (due in 51 days)" in shown_text
    assert "0 of 3 partners signed off the report as it reads now" in shown_text
    assert "1. Summary of activities Filled from 7 records" in shown_text
    assert "2. Child safeguarding practice reviews No reviews were undertaken" in shown_text
    listing = _text(team.get(world.url()))
    assert TITLE in listing and "Due soon" in listing


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
) -> None:
    team = as_user(world.team)
    url = world.url("/new")
    cases = [
        ({"period_start": _date(dt.date(2025, 3, 31)), "period_end": _date(dt.date(2024, 4, 1)),
          "title": "Backwards"}, "period_end",
         "The period must end on or after the day it starts"),
        ({"period_start": ["31", "2", "2025"], "period_end": _date(dt.date(2025, 3, 31)),
          "title": "Bad date"}, "period_start", "First day of the period must be a real date"),
        ({"period_start": ["", "", ""], "period_end": _date(dt.date(2025, 3, 31)),
          "title": "No start"}, "period_start", "Enter first day of the period"),
        ({"period_start": _date(dt.date(2024, 4, 1)), "period_end": _date(dt.date(2025, 3, 31)),
          "title": ""}, "title", "Enter a title for the report"),
        ({"period_start": _date(dt.date(2023, 4, 1)), "period_end": _date(dt.date(2025, 3, 31)),
          "title": "Two years"}, "period_end", "The period must be a year or shorter"),
    ]
    for data, field, message in cases:
        response = team.submit(url, data)
        assert response.status_code == 200, data
        assert _field_error(response, field) == message
        assert page(response).title.get_text().startswith("Error:")
    assert _count(app, YearlyReport) == 0

    add_draft(app, world)
    response = team.submit(url, {"period_start": _date(dt.date(2024, 10, 1)),
                                 "period_end": _date(dt.date(2025, 9, 30)), "title": "Overlap"})
    assert _field_error(response, "period_start") == (
        f"The period overlaps “{TITLE}”, which covers 2024\u201325")
    assert _count(app, YearlyReport) == 1


# --- the report page as each role sees it -----------------------------------------------


def test_each_role_sees_what_it_may_do(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    report_id = add_draft(app, world)
    url = world.url(f"/{report_id}")

    team_page = page(as_user(world.team).get(url))
    changes = [a["href"] for a in team_page.find_all("a")
               if a.get_text(strip=True).startswith("Change")]
    assert len(changes) == 13 and not any(href.endswith("/assessment") for href in changes)
    assert "Write your assessment" not in team_page.get_text()
    assert _post_forms(as_user(world.team).get(url)) == []  # nothing to publish yet
    assert ("You can publish once all three partners have signed off the yearly report as it "
            "reads now: still waiting for Hillshire County Council, Hillshire Integrated Care "
            "Board and Hillshire Constabulary.") in team_page.get_text(" ", strip=True)
    assert team_page.find("a", string="Yearly report settings")

    scrutineer = as_user(world.scrutineer).get(url)
    links = [a.get_text(strip=True) for a in page(scrutineer).find_all("a")]
    assert "Write your assessment" in links and not [t for t in links if t.startswith("Change")]
    assert _post_forms(scrutineer) == []
    assert "Yearly report settings" not in links

    council = as_user(world.partner_users[0]).get(url)
    assert _post_forms(council) == [f"{url}/sign-off"]
    assert "You are signing off for Hillshire County Council as Chief Executive" in _text(
        council)
    assert "Write your assessment" not in _text(council)

    for outsider in (as_user(world.other_partner), as_user(world.other_scrutineer),
                     signed_in(Role.CHAIR), signed_in(Role.AGENCY), signed_in(Role.ADMIN)):
        shown = outsider.get(url)
        assert shown.status_code == 200
        assert _post_forms(shown) == []
        assert "Write your assessment" not in _text(shown)
        assert not [a for a in page(shown).find_all("a")
                    if a.get_text(strip=True).startswith("Change")]

    # The same report under another partnership's address is not found.
    assert as_user(world.team).get(world.url(f"/{report_id}", OTHER_SLUG)).status_code == 404


def test_only_who_may_take_a_step_can_take_it(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    report_id = add_draft(app, world)
    base = world.url(f"/{report_id}")
    refused = [
        (as_user(world.other_partner), f"{base}/sign-off"),  # represents Westshire only
        (as_user(world.team), f"{base}/sign-off"),
        (as_user(world.scrutineer), f"{base}/sign-off"),
        (as_user(world.partner_users[0]), f"{base}/publish"),
        (as_user(world.scrutineer), f"{base}/publish"),
        (as_user(world.scrutineer), f"{base}/sections/foreword"),
        (as_user(world.team), f"{base}/assessment"),
        (as_user(world.team), f"{base}/sections/assessment"),
        (as_user(world.other_scrutineer), f"{base}/assessment"),
        (as_user(world.partner_users[0]), f"{base}/assessment"),
        (as_user(world.scrutineer), f"{base}/copies"),
        (as_user(world.scrutineer), world.url("/settings")),
        (as_user(world.scrutineer), world.url("/new")),
        (signed_in(Role.CHAIR), f"{base}/sections/foreword"),
    ]
    for client, url in refused:
        data = {"markdown": "Taken over", "version": "0", "title": "x", "recipient": "x"}
        assert client.post_with_token(url, data, token_from="/account").status_code == 403, url
    for client, url in ((as_user(world.other_scrutineer), f"{base}/assessment"),
                        (as_user(world.team), f"{base}/assessment"),
                        (as_user(world.scrutineer), f"{base}/sections/foreword")):
        assert client.get(url).status_code == 403, url
    assert (_count(app, Signature), _count(app, ReportNarrative)) == (0, 0)
    with app.app_context():
        refusals = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "refused")).all()
        assert len(refusals) == len(refused) + 3


# --- the narrative --------------------------------------------------------------------------


def test_the_scrutineer_writes_their_assessment_and_it_is_shown_as_theirs(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
) -> None:
    report_id = add_draft(app, world)
    scrutineer = as_user(world.scrutineer)
    url = world.url(f"/{report_id}/assessment")
    form = page(scrutineer.get(url))
    assert form.find("h1").get_text(strip=True) == "The independent scrutineer's assessment"
    assert form.find("button", string=re.compile("Save your assessment"))
    response = scrutineer.submit(url, {"version": "0",
                                       "markdown": "The partnership is **effective**."})
    assert response.status_code == 302
    detail = page(scrutineer.get(world.url(f"/{report_id}")))
    row = detail.find(id="section-assessment")
    assert row is not None
    assert "The partnership is effective." in row.get_text()
    assert row.find("strong").get_text() == "effective"
    assert "Written by Sam Scrutineer, Independent scrutineer" in row.get_text(" ", strip=True)
    assert "7. The independent scrutineer's assessment Filled from 1 record" in _text(
        scrutineer.get(world.url(f"/{report_id}")))


def test_a_section_edited_from_an_old_version_shows_the_conflict(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
    make_user: Callable[..., User],
) -> None:
    report_id = add_draft(app, world)
    url = world.url(f"/{report_id}/sections/foreword")
    first, second = as_user(world.team), as_user(make_user(Role.TEAM, name="Other Officer"))
    opened = page(first.get(url))
    assert opened.find("input", attrs={"name": "version"})["value"] == "0"
    assert second.submit(url, {"version": "0", "markdown": "Second's words."}).status_code == 302

    late = first.submit(url, {"version": "0", "markdown": "First's words."})
    assert late.status_code == 409
    shown = _text(late)
    assert "Foreword was changed while you were editing" in shown
    assert "First's words." in shown and "Second's words." in shown
    with app.app_context():
        row = db.session.scalars(sa.select(ReportNarrative)).one()
        assert (row.markdown, row.version, row.written_by) == ("Second's words.", 1,
                                                               "Other Officer")
    # Saving again from the conflict page (at the current version) goes through.
    again = first.submit(url, {"version": "1", "markdown": "First's words."})
    assert again.status_code == 302
    with app.app_context():
        row = db.session.scalars(sa.select(ReportNarrative)).one()
        assert (row.markdown, row.version, row.written_by) == ("First's words.", 2, "Tess Team")

    too_long = first.submit(url, {"version": "2", "markdown": "x" * 20_001})
    assert _field_error(too_long, "markdown") == "Text must be 20,000 characters or fewer"
    with app.app_context():
        assert db.session.scalars(sa.select(ReportNarrative.version)).one() == 2


# --- sign-off, publishing, reading ------------------------------------------------------


def test_the_whole_workflow_through_the_pages(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
) -> None:
    report_id = add_draft(app, world)
    team = as_user(world.team)
    detail = world.url(f"/{report_id}")
    council, health, police = (as_user(user) for user in world.partner_users)

    assert "You have signed off" in _press(council, world, report_id, "sign-off")
    assert "You have signed off" in _press(health, world, report_id, "sign-off")
    assert "has already signed off" in _press(council, world, report_id, "sign-off")

    # The team changes the foreword: both sign-offs are now of an earlier draft.
    team.submit(world.url(f"/{report_id}/sections/foreword"),
                {"version": "0", "markdown": "A changed foreword."})
    shown = _text(team.get(detail))
    assert shown.count("Must sign off again") == 2
    assert "0 of 3 partners signed off the report as it reads now" in shown
    assert ("Hillshire County Council and Hillshire Integrated Care Board have to sign off "
            "again because the yearly report changed after they signed") in shown
    assert page(council.get(detail)).find("button", string=re.compile(
        "Sign off again"))
    said = _press(team, world, report_id, "publish")
    assert "still waiting for Hillshire Constabulary" in said

    for client in (council, health, police):
        assert "You have signed off" in _press(client, world, report_id, "sign-off")
    ready = team.get(detail)
    assert f"{detail}/publish" in _post_forms(ready)
    assert "Once published, the yearly report cannot be changed or withdrawn" in _text(ready)
    assert f"“{TITLE}” is published" in _press(team, world, report_id, "publish")
    assert "SHA-256 of the PDF Being prepared" in _text(team.get(detail))
    with app.app_context():
        run_pending()  # the worker makes the published file

    published = team.get(detail)
    shown = _text(published)
    with app.app_context():
        report = db.session.get(YearlyReport, report_id)
        assert report is not None and report.status is PublicationStatus.PUBLISHED
        sha256, pdf = report.sha256, services.published_pdf(report)
    assert f"SHA-256 of the PDF {sha256}" in shown
    assert "Published 10 August 2025" in shown
    assert "Change" not in [a.get_text(strip=True)[:6] for a in page(published).find_all("a")]

    opened = team.get(f"{detail}.pdf")
    assert (opened.status_code, opened.data, opened.mimetype) == (200, pdf, "application/pdf")
    assert "attachment" not in opened.headers.get("Content-Disposition", "")
    downloaded = team.get(f"{detail}.pdf?download=1")
    assert downloaded.headers["Content-Disposition"].startswith("attachment")
    # Named with its version and the day it was published.
    assert re.search(r"hscp-yearly-report-2024-25-v1-\d{4}-\d{2}-\d{2}\.pdf",
                     downloaded.headers["Content-Disposition"])
    read = team.get(f"{detail}/read")
    assert "Published 10 August 2025" in read.get_data(as_text=True)
    with app.app_context():
        events = db.session.execute(
            sa.select(AuditEvent.action).where(AuditEvent.record_type == "yearly_report",
                                               AuditEvent.action.in_(("view", "export")))
            .order_by(AuditEvent.id)).scalars().all()
        assert events == ["view", "export", "view"]

    # Published: the section page says so, and a save changes nothing.
    section = world.url(f"/{report_id}/sections/foreword")
    assert "is published, so this section can no longer change" in _text(team.get(section))
    refused = team.post_with_token(section, {"version": "1", "markdown": "Later"},
                                   token_from="/account", follow_redirects=True)
    assert "is published and cannot be changed" in _messages(refused)
    said = _press(police, world, report_id, "sign-off")
    assert "is published and cannot be signed off again" in said
    with app.app_context():
        assert db.session.scalars(sa.select(ReportNarrative.markdown)).one() == (
            "A changed foreword.")


def test_a_draft_is_read_and_downloaded_as_it_reads_now(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
) -> None:
    report_id = add_draft(app, world)
    reader = as_user(world.scrutineer)
    read = reader.get(world.url(f"/{report_id}/read"))
    assert read.mimetype == "text/html" and "DRAFT" in read.get_data(as_text=True)
    # Built and rendered by the worker (the stand-in page, really rendered).
    draft = fetch_pdf(reader, world.url(f"/{report_id}.pdf"))
    assert draft.data.startswith(b"%PDF")
    assert " ".join(pdf_text(draft.data).split()) == f"{TITLE} DRAFT"
    assert draft.headers["Content-Disposition"].startswith("attachment")
    assert "hscp-yearly-report-2024-25-draft-2025-08-10.pdf" in draft.headers[
        "Content-Disposition"]
    with app.app_context():
        exported = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "export")).one()
        assert (exported.record_type, exported.record_id) == ("yearly_report", str(report_id))


# --- copies and settings ----------------------------------------------------------------


def _publish_directly(app: Flask, world: ReportWorld, report_id: int) -> None:
    with app.app_context():
        report = db.session.get(YearlyReport, report_id)
        assert report is not None
        for user in world.partner_users:
            found = db.session.get(User, user.id)
            assert found is not None
            services.sign_off(report, found, TODAY)
        services.publish(report, dt.date(2025, 8, 4))
        db.session.commit()


def test_copies_sent_are_recorded_after_publication(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
) -> None:
    report_id = add_draft(app, world)
    team = as_user(world.team)
    detail = world.url(f"/{report_id}")
    refused = team.post_with_token(f"{detail}/copies", {"recipient": "DfE"},
                                   token_from="/account", follow_redirects=True)
    assert "are recorded once it is published" in _messages(refused)
    _publish_directly(app, world, report_id)

    shown = _text(team.get(detail))
    assert "Copies are due by 11 August 2025" in shown
    assert "Still to send: Child Safeguarding Practice Review Panel" in shown
    bad = team.submit(detail, {"recipient": "Department for Education",
                               "sent_on": _date(dt.date(2025, 8, 3)), "how": ""},
                      action=f"{detail}/copies")
    assert bad.status_code == 200
    assert _field_error(bad, "sent_on") == (
        "The date sent must be on or after the report was published (4 August 2025)")
    missing = team.submit(detail, {"recipient": "", "sent_on": ["", "", ""]},
                          action=f"{detail}/copies")
    assert _field_error(missing, "recipient") == "Enter who the copy was sent to"
    assert _field_error(missing, "sent_on") == "Enter date sent"
    assert _count(app, CopySent) == 0

    good = team.submit(detail, {"recipient": "Department for Education",
                                "sent_on": _date(dt.date(2025, 8, 5)), "how": "By email"},
                       action=f"{detail}/copies", follow_redirects=True)
    assert "Copy sent to Department for Education recorded" in _messages(good)
    assert "Department for Education 5 August 2025 By email" in _text(good)
    scrutineer_view = as_user(world.scrutineer).get(detail)
    assert "Department for Education 5 August 2025" in _text(scrutineer_view)
    assert _post_forms(scrutineer_view) == []


def test_the_team_changes_the_settings(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
) -> None:
    team = as_user(world.team)
    url = world.url("/settings")
    form = page(team.get(url))
    assert form.find("input", attrs={"name": "deadline_months"})["value"] == "6"
    assert form.find("input", attrs={"name": "version"})["value"] == "0"
    bad = team.submit(url, {"version": "0", "deadline_months": "thirteen", "warning_days": "999",
                            "copies_within_days": "7", "recipients": "DfE"})
    assert _field_error(bad, "deadline_months") == "Months must be a whole number, like 6"
    assert _field_error(bad, "warning_days") == "Days of warning must be between 0 and 365"
    assert _count(app, ReportSettings) == 0

    saved = team.submit(url, {"version": "0", "deadline_months": "5", "warning_days": "14",
                              "copies_within_days": "10",
                              "recipients": "The Panel\r\nDfE\r\n\r\nthe panel"},
                        follow_redirects=True)
    assert "Yearly report settings saved" in _messages(saved)
    assert "Reports are due 5 months after the period ends, and copies go to 2 recipients " \
           "within 10 days of publication." in _text(saved)
    stale = team.submit(url, {"version": "0", "deadline_months": "7", "warning_days": "14",
                              "copies_within_days": "10", "recipients": "DfE"})
    assert stale.status_code == 409
    with app.app_context():
        row = db.session.scalars(sa.select(ReportSettings)).one()
        assert (row.deadline_months, row.recipients, row.version) == (5, "The Panel\nDfE", 1)


# --- the home page ----------------------------------------------------------------------


def test_the_home_page_warns_of_reports_that_need_attention(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team_home = _text(as_user(world.team).get("/"))
    assert ("Hillshire Safeguarding Children Partnership 2024\u201325 30 September 2025 Due "
            "soon Due in 51 days: the report has not been started") in team_home
    assert "Westshire Safeguarding Children Partnership 2024\u201325" in team_home

    report_id = add_draft(app, world)
    council_home = page(as_user(world.partner_users[0]).get("/"))
    panel = council_home.find("caption", string="Reports that need attention")
    assert panel is not None
    text = panel.find_parent("table").get_text(" ", strip=True)
    assert "Your organisation has not signed it off yet" in text
    assert "Hillshire" in text and "Westshire" not in text
    link = council_home.find("a", string="2024\u201325")
    assert link is not None and link["href"] == world.url(f"/{report_id}")

    _publish_directly(app, world, report_id)
    team_home = _text(as_user(world.team).get("/"))
    assert ("3 copies still to send by 11 August 2025: Child Safeguarding Practice Review "
            "Panel") in team_home
    with app.app_context():
        for partnership_id in (world.id, world.other_id):
            db.session.add(ReportSettings(partnership_id=partnership_id, warning_days=0))
        db.session.commit()
    for recipient in services.DEFAULT_RECIPIENTS:
        with app.app_context():
            report = db.session.get(YearlyReport, report_id)
            assert report is not None
            services.add_copy(report, recipient, TODAY, "", None, TODAY)
            db.session.commit()
    quiet = _text(as_user(world.team).get("/"))
    assert "No yearly report needs attention" in quiet
    assert "Yearly reports" not in _text(signed_in(Role.CHAIR).get("/"))


def test_reading_a_draft_is_audited_like_reading_a_published_report(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
) -> None:
    report_id = add_draft(app, world)
    response = as_user(world.scrutineer).get(world.url(f"/{report_id}/read"))
    assert response.status_code == 200
    with app.app_context():
        events = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.actor, AuditEvent.changes)
            .where(AuditEvent.record_type == "yearly_report",
                   AuditEvent.record_id == str(report_id),
                   AuditEvent.action == "view")).all()
    assert [(action, changes) for action, _actor, changes in events] == [
        ("view", {"document": "yearly report draft HTML"})]
    assert events[0].actor == world.scrutineer.email


# --- the narrative's figures checked; the families' version and the statement -----------


def test_a_figure_in_the_narrative_that_disagrees_is_flagged_before_sign_off(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
) -> None:
    report_id = add_draft(app, world)
    team = as_user(world.team)
    url = world.url(f"/{report_id}/sections/summary")
    assert team.submit(url, {"version": "0", "markdown": (
        "Our boards and groups held 4 meetings. Agencies attended 90% of the meetings they "
        "were expected at. Two schools joined us.")}).status_code == 302

    detail = page(team.get(world.url(f"/{report_id}")))
    row = detail.find(id="section-summary")
    flagged = " ".join(row.find(class_="app-claims").get_text(" ", strip=True).split())
    assert "1 figure in this section disagrees with the records" in flagged
    assert "“90% of the meetings”: the records say 80% (attendance by agencies)." in flagged
    assert "4 meetings" not in flagged  # agrees with the records
    warning = " ".join(detail.find(id="figures-to-check").get_text(" ", strip=True).split())
    assert "Before signing off: 1 figure in the narrative disagrees with the records." \
        in warning
    assert detail.find(id="figures-to-check").find("a")["href"] == "#claims-summary"
    # The partner who signs off sees it too.
    partner = page(as_user(world.partner_users[0]).get(world.url(f"/{report_id}")))
    assert partner.find(id="figures-to-check")


def test_the_families_version_and_the_statement_are_read_from_the_report(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
) -> None:
    report_id = add_draft(app, world)
    team = as_user(world.team)
    assert team.submit(world.url(f"/{report_id}/sections/families"), {
        "version": "0", "markdown": "We kept **you** in mind."}).status_code == 302
    reader = as_user(world.scrutineer)

    families = reader.get(world.url(f"/{report_id}/families"))
    assert families.status_code == 200 and families.mimetype == "text/html"
    assert "We kept <strong>you</strong> in mind." in families.get_data(as_text=True)
    statement = reader.get(world.url(f"/{report_id}/scrutineer-statement"))
    assert "has not written their assessment yet" in statement.get_data(as_text=True)
    # The draft's PDFs are built by the worker: a scrutineer may not post, only read.
    assert reader.get(world.url(f"/{report_id}/families.pdf")).status_code in (200, 202)
    detail = _text(reader.get(world.url(f"/{report_id}")))
    assert "The short version for children, young people and families" in detail
    assert "The independent scrutineer's assessment as a statement of its own" in detail


def test_a_published_reports_families_version_is_printed_from_what_was_published(
    app: Flask, world: ReportWorld, as_user: Callable[[User | None], BrowserLikeClient],
) -> None:
    report_id = add_draft(app, world)
    team = as_user(world.team)
    assert team.submit(world.url(f"/{report_id}/sections/families"), {
        "version": "0", "markdown": "What we did, in plain words."}).status_code == 302
    _publish_directly(app, world, report_id)
    reader = as_user(world.scrutineer)

    families = reader.get(world.url(f"/{report_id}/families"))
    assert "What we did, in plain words." in families.get_data(as_text=True)
    assert "DRAFT" not in families.get_data(as_text=True)
    printed = fetch_pdf(reader, world.url(f"/{report_id}/families.pdf?download=1"))
    assert printed.data.startswith(b"%PDF")
    assert "hscp-yearly-report-families-2024-25" in printed.headers["Content-Disposition"]
    assert "What we did, in plain words." in " ".join(pdf_text(printed.data).split())
