"""The reading room: every published document in one place, read-only, and every view audited.

The world: Hillshire (scrutinised by Sam) with two published arrangements versions, two
published yearly reports and a draft, our own review of Child Q (need-to-know) and a
national review from elsewhere, both with recommendations; and Westshire, which Sam does not
scrutinise, with one published report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.arrangements.models import ArrangementsVersion
from partnership.audit.models import AuditEvent
from partnership.audit.services import acting_as
from partnership.database import utcnow
from partnership.extensions import db
from partnership.policy import Role
from partnership.publishing.models import PublicationStatus
from partnership.reading_room import services
from partnership.register.models import Person, Scrutineer
from partnership.reports.content import ReportDocument
from partnership.reports.models import YearlyReport
from partnership.reviews.models import ReviewKind
from tests.meetings import chair_of, sign_in
from tests.register.records import add_agency, add_area, add_body
from tests.reports.test_compare import NEWER, OLDER, snapshot
from tests.reviews.records_learning import add_case, add_recommendation, add_review
from tests.support.client import BrowserLikeClient, page
from tests.support.documents import fetch_pdf

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

OLD_PDF = b"%PDF-1.7\n% Hillshire yearly report 2023-24\n"
NEW_PDF = b"%PDF-1.7\n% Hillshire yearly report 2024-25\n"


@dataclass(frozen=True)
class World:
    """The ids the reading room tests use."""

    hillshire_id: int
    westshire_id: int
    versions: tuple[int, int]  # older, newer
    old_report_id: int
    new_report_id: int
    draft_id: int
    west_report_id: int
    ours_id: int  # our review of Child Q (need-to-know)
    national_id: int  # learning from elsewhere
    scrutineer: User
    chair: User  # chairs the group that reviews Child Q


def add_version(app: Flask, partnership_id: int, title: str, published: dt.datetime) -> int:
    """Store a published arrangements version (its PDF's content does not matter here)."""
    with app.app_context(), acting_as("tests"):
        pdf = f"%PDF-1.7\n% {title}\n".encode()
        version = ArrangementsVersion(
            partnership_id=partnership_id, title=title, status=PublicationStatus.PUBLISHED,
            snapshot={}, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), pages=12,
            published_at=published, review_due=published.date() + dt.timedelta(days=365))
        db.session.add(version)
        db.session.commit()
        return version.id


def add_report(app: Flask, partnership_id: int, title: str, start: dt.date, end: dt.date, *,
               pdf: bytes | None = None, figures: dict[str, Any] | None = None) -> int:
    """Store a yearly report: published (with its PDF and snapshot) when ``pdf`` is given."""
    with app.app_context(), acting_as("tests"):
        report = YearlyReport(partnership_id=partnership_id, title=title, period_start=start,
                              period_end=end)
        if pdf is not None:
            report.status = PublicationStatus.PUBLISHED
            report.snapshot = snapshot(**(figures or {}))
            report.pdf = pdf
            report.sha256 = hashlib.sha256(pdf).hexdigest()
            report.pages = 24
            report.published_on = end + dt.timedelta(days=180)
            report.published_at = utcnow()
            report.number = 1
        db.session.add(report)
        db.session.commit()
        return report.id


def scrutineer_of(app: Flask, make_user: Callable[..., User], partnership_id: int,
                  name: str) -> User:
    """Create a scrutineer's account whose person the register lists as the scrutineer."""
    user = make_user(Role.SCRUTINEER, name=name)
    with app.app_context(), acting_as("tests"):
        person = Person(name=name, user_id=user.id)
        db.session.add(Scrutineer(partnership_id=partnership_id, person=person))
        db.session.commit()
    return user


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> World:
    westshire = add_area(app, "westshire", "Westshire Safeguarding Children Partnership")
    hillshire = add_area(app, "hillshire", "Hillshire Safeguarding Children Partnership")
    add_agency(app, "hillshire", "Hillshire Police")
    group = add_body(app, "Learning and Inquiry Group", slug="hillshire")
    chair = chair_of(app, make_user, group, "Dana Whitfield")
    scrutineer = scrutineer_of(app, make_user, hillshire, "Sam Scrutineer")
    versions = (add_version(app, hillshire, "Arrangements 2024",
                            dt.datetime(2024, 6, 1, 9, tzinfo=dt.UTC)),
                add_version(app, hillshire, "Arrangements 2025",
                            dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC)))
    old = add_report(app, hillshire, "Yearly report 2023-24", dt.date(2023, 4, 1),
                     dt.date(2024, 3, 31), pdf=OLD_PDF, figures=OLDER)
    new = add_report(app, hillshire, "Yearly report 2024-25", dt.date(2024, 4, 1),
                     dt.date(2025, 3, 31), pdf=NEW_PDF, figures=NEWER)
    draft = add_report(app, hillshire, "Yearly report 2025-26", dt.date(2025, 4, 1),
                       dt.date(2026, 3, 31))
    west = add_report(app, westshire, "Westshire report 2024-25", dt.date(2024, 4, 1),
                      dt.date(2025, 3, 31), pdf=b"%PDF-1.7\n% Westshire\n", figures=NEWER)
    case = add_case(app, hillshire, "Child Q", group)
    ours = add_review(app, hillshire, "Rapid Review: Child Q", kind=ReviewKind.RAPID_REVIEW,
                      case_id=case)
    add_recommendation(app, ours, 1, "Share the chronology within five days")
    add_recommendation(app, ours, 2, "Train health visitors on neglect")
    national = add_review(app, hillshire, "Child protection in England",
                          kind=ReviewKind.NATIONAL_PANEL, source="The national panel",
                          published_on=dt.date(2022, 5, 25))
    add_recommendation(app, national, 1, "Multi-agency child protection units")
    add_review(app, hillshire, "A review with no recommendations yet",
               kind=ReviewKind.NATIONAL_PANEL)
    return World(hillshire, westshire, versions, old, new, draft, west, ours, national,
                 scrutineer, chair)


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Stand in for the report's HTML renderer; note what it was given."""
    calls: list[Any] = []

    def fake_html(report: YearlyReport) -> str:
        calls.append(report.snapshot)
        return f"<!DOCTYPE html><html lang='en'><title>{report.title}</title></html>"

    monkeypatch.setattr(services, "report_html", fake_html)
    return calls


def events(app: Flask, *, since: int = 0) -> list[tuple[str, str | None, str | None]]:
    """The audit rows after ``since``, as (action, record type, record id), minus sign-ins."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.record_type, AuditEvent.record_id)
            .where(AuditEvent.id > since, AuditEvent.action.in_(("view", "export", "refused")))
            .order_by(AuditEvent.id)).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def last_event_id(app: Flask) -> int:
    """The newest audit row's id."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0


def group_links(html: Any, partnership_slug: str, group: str) -> list[str]:
    """The links in one group (arrangements, reports, drafts, action-plans) of a shelf."""
    section = html.find(id=f"partnership-{partnership_slug}")
    assert section is not None, partnership_slug
    found = section.find(attrs={"data-group": group})
    return [] if found is None else [str(a["href"]) for a in found.find_all("a")]


# --- what the scrutineer finds ------------------------------------------------------------


def test_the_scrutineer_finds_every_published_document_of_their_partnership_first(
        app: Flask, world: World) -> None:
    client = sign_in(app, world.scrutineer)
    response = client.get("/reading-room")
    assert response.status_code == 200
    html = page(response)
    shelves = [str(s["id"]) for s in html.find_all("section", id=True)
               if str(s["id"]).startswith("partnership-")]
    assert shelves == ["partnership-hillshire", "partnership-westshire"]  # theirs first
    assert "You scrutinise this partnership" in html.find(id="partnership-hillshire").text
    assert "You scrutinise" not in html.find(id="partnership-westshire").text

    older, newer = world.versions
    assert group_links(html, "hillshire", "arrangements") == [
        f"/partnerships/hillshire/arrangements/versions/{newer}.pdf",
        f"/partnerships/hillshire/arrangements/versions/{newer}.pdf?download=1",
        f"/partnerships/hillshire/arrangements/versions/{older}.pdf",
        f"/partnerships/hillshire/arrangements/versions/{older}.pdf?download=1",
    ]
    new, old = world.new_report_id, world.old_report_id
    assert group_links(html, "hillshire", "reports") == [
        f"/reading-room/reports/{new}", f"/reading-room/reports/{new}.pdf",
        f"/reading-room/reports/{new}.pdf?download=1",
        f"/reading-room/reports/{old}", f"/reading-room/reports/{old}.pdf",
        f"/reading-room/reports/{old}.pdf?download=1",
    ]
    plans = group_links(html, "hillshire", "action-plans")
    assert plans == [  # the national review is dated; ours is not published yet
        f"/learning/{world.national_id}/action-plan",
        f"/learning/{world.national_id}/action-plan.pdf",
        f"/learning/{world.national_id}/action-plan.pdf?download=1",
        f"/learning/{world.ours_id}/action-plan",
        f"/learning/{world.ours_id}/action-plan.pdf",
        f"/learning/{world.ours_id}/action-plan.pdf?download=1",
    ]
    # The draft, where the scrutineer writes their assessment (and nowhere else).
    draft = world.draft_id
    assert group_links(html, "hillshire", "drafts") == [
        f"/partnerships/hillshire/reports/{draft}/read",
        f"/partnerships/hillshire/reports/{draft}/assessment",
    ]
    assert group_links(html, "westshire", "drafts") == []
    text = html.find(id="partnership-hillshire").text
    assert "A review with no recommendations yet" not in text
    assert "Yearly report 2025-26" in text  # the draft, listed apart from the published
    assert "Yearly report 2025-26" not in str(
        html.find(id="partnership-hillshire").find(attrs={"data-group": "reports"}))
    # Two compare forms (arrangements and reports), both GET, and no POST form at all.
    forms = html.find(id="partnership-hillshire").find_all("form")
    assert [(f["method"], urlsplit(str(f["action"])).path) for f in forms] == [
        ("get", "/partnerships/hillshire/arrangements/compare"),
        ("get", "/reading-room/reports/compare"),
    ]
    posts = [f for f in html.find_all("form") if str(f.get("method")).lower() == "post"]
    assert [f["action"] for f in posts] == ["/sign-out"]
    # The reading room itself is in the navigation and the visit is audited.
    navigation = [a.get_text(strip=True) for a in html.select(".govuk-service-navigation__link")]
    assert "Reading room" in navigation
    assert events(app)[-1] == ("view", "reading_room", None)


def test_every_read_and_download_is_audited_with_the_right_action(
        app: Flask, world: World, rendered: list[Any]) -> None:
    client = sign_in(app, world.scrutineer)
    html = page(client.get("/reading-room"))
    links = (group_links(html, "hillshire", "arrangements")
             + group_links(html, "hillshire", "reports")
             + group_links(html, "hillshire", "action-plans"))
    start = last_event_id(app)
    for link in links:
        # Live documents (an action plan) are made by the worker: "being prepared" first.
        response = fetch_pdf(client, link) if ".pdf" in link else client.get(link)
        assert response.status_code == 200, link
        downloading = parse_qs(urlsplit(link).query).get("download") == ["1"]
        disposition = response.headers.get("Content-Disposition", "")
        assert disposition.startswith("attachment") == downloading, link
    older, newer = world.versions
    new, old = str(world.new_report_id), str(world.old_report_id)
    ours, national = str(world.ours_id), str(world.national_id)
    assert events(app, since=start) == [
        ("view", "arrangements_version", str(newer)),
        ("export", "arrangements_version", str(newer)),
        ("view", "arrangements_version", str(older)),
        ("export", "arrangements_version", str(older)),
        ("view", "yearly_report", new), ("view", "yearly_report", new),
        ("export", "yearly_report", new),
        ("view", "yearly_report", old), ("view", "yearly_report", old),
        ("export", "yearly_report", old),
        # The learning pages audit their own: the action plan page, its PDF, its download.
        ("view", "review", national), ("view", "review", national),
        ("export", "review", national),
        ("view", "review", ours), ("view", "review", ours), ("export", "review", ours),
    ]
    # The browser view was drawn from the stored snapshot, with its links to the evidence.
    assert [doc["title"] for doc in rendered] == ["Yearly report 2024-25",
                                                  "Yearly report 2023-24"]


def test_the_pdf_served_is_the_one_stored(app: Flask, world: World) -> None:
    client = sign_in(app, world.scrutineer)
    for download in ("", "?download=1"):
        response = client.get(f"/reading-room/reports/{world.new_report_id}.pdf{download}")
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert hashlib.sha256(response.data).hexdigest() == hashlib.sha256(NEW_PDF).hexdigest()
        assert response.data == NEW_PDF
        assert response.headers["ETag"].strip('"') == hashlib.sha256(NEW_PDF).hexdigest()
    # Named as every published document is: the period, the version and its day.
    assert "hillshire-yearly-report-2024-25-v1-2025-09-27.pdf" in \
        response.headers["Content-Disposition"]


def test_the_browser_view_comes_from_the_snapshot_not_the_records(
        app: Flask, world: World, rendered: list[Any]) -> None:
    client = sign_in(app, world.scrutineer)
    response = client.get(f"/reading-room/reports/{world.old_report_id}")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    stored = snapshot(**OLDER)
    assert rendered == [stored]


def test_the_real_document_is_drawn_from_the_snapshot(app: Flask, world: World) -> None:
    """Without a stand-in: the report's own renderer reads the stored snapshot."""
    client = sign_in(app, world.scrutineer)
    response = client.get(f"/reading-room/reports/{world.new_report_id}")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    text = page(response).get_text(" ", strip=True)
    assert "Hillshire Safeguarding Children Partnership" in text  # from the snapshot
    assert "We met fifteen times this year." in text  # the stored narrative


def test_drafts_and_unknown_reports_are_not_served_as_published(
        app: Flask, world: World, rendered: list[Any]) -> None:
    client = sign_in(app, world.scrutineer)
    for url in (f"/reading-room/reports/{world.draft_id}",
                f"/reading-room/reports/{world.draft_id}.pdf",
                "/reading-room/reports/999999", "/reading-room/reports/999999.pdf"):
        assert client.get(url).status_code == 404, url
    assert rendered == []


# --- comparing two reports ----------------------------------------------------------------


def test_comparing_two_published_reports(app: Flask, world: World) -> None:
    client = sign_in(app, world.scrutineer)
    start = last_event_id(app)
    response = client.get(f"/reading-room/reports/compare?older={world.old_report_id}"
                          f"&newer={world.new_report_id}")
    assert response.status_code == 200
    html = page(response)
    activities = html.find(id="part-activities")
    rows = {row.th.text.strip(): [td.text.strip() for td in row.find_all("td")]
            for row in activities.tbody.find_all("tr")}
    assert rows["Meetings held"] == ["12", "15", "+3", "3 more"]
    assert rows["Attendance by agencies"] == ["78%", "84%", "+6", "Up 6 percentage points"]
    assert rows["Decisions made at meetings"] == ["30", "26", "\N{MINUS SIGN}4", "4 fewer"]
    reviews = html.find(id="part-reviews")
    on_time = next(r for r in reviews.tbody.find_all("tr") if "on time" in r.th.text)
    assert [td.text.strip() for td in on_time.find_all("td")] == ["2", "4", "+2", "2 more"]
    narrative = {row.th.text.strip(): row.td.text.strip()
                 for row in html.find(id="narrative").tbody.find_all("tr")}
    assert narrative["Summary of activities"] == "Changed"
    said = next(row for row in html.find(id="narrative").tbody.find_all("tr")
                if "Summary of activities" in row.th.text).find_all("td")[1]
    assert [li.get_text(strip=True) for li in said.find_all("li")] == [
        "Removed: “We met twelve times.”", "Added: “We met fifteen times this year.”"]
    assert narrative["Evidence of impact"] == "Added"
    assert narrative["Foreword"] == "No change"
    pair = f"{world.old_report_id}-{world.new_report_id}"
    assert events(app, since=start) == [("view", "yearly_report", pair)]


def test_comparing_refuses_reports_that_do_not_go_together(app: Flask, world: World) -> None:
    client = sign_in(app, world.scrutineer)
    for older, newer in ((world.old_report_id, world.old_report_id),
                         (world.old_report_id, world.west_report_id),
                         (world.old_report_id, world.draft_id),
                         (999999, world.new_report_id)):
        response = client.get(f"/reading-room/reports/compare?older={older}&newer={newer}")
        assert response.status_code == 200
        html = page(response)
        assert html.find(class_="govuk-error-summary") is not None, (older, newer)
        assert html.find(id="part-activities") is None
    # Without a choice, the page says where to choose.
    assert "reading room" in page(client.get("/reading-room/reports/compare")).text


# --- need-to-know and read-only ---------------------------------------------------------


def test_an_agency_lead_does_not_see_action_plans_of_cases_they_may_not_know_of(
        app: Flask, world: World, make_user: Callable[..., User]) -> None:
    lead = make_user(Role.AGENCY, name="Ali Agency")
    with app.app_context(), acting_as("tests"):
        db.session.add(Person(name="Ali Agency", user_id=lead.id))
        db.session.commit()
    client = sign_in(app, lead)
    html = page(client.get("/reading-room"))
    plans = group_links(html, "hillshire", "action-plans")
    assert f"/learning/{world.national_id}/action-plan" in plans
    assert not [link for link in plans if f"/learning/{world.ours_id}/" in link]
    assert "Child Q" not in html.text
    # Published documents are for everyone.
    assert f"/reading-room/reports/{world.new_report_id}" in group_links(html, "hillshire",
                                                                           "reports")
    # Not the scrutineer: the draft to read, but no assessment to write.
    assert group_links(html, "hillshire", "drafts") == [
        f"/partnerships/hillshire/reports/{world.draft_id}/read"]
    assert "Write your assessment" not in html.text
    # The chair of the reviewing body may know of Child Q, and finds its plan.
    chair_html = page(sign_in(app, world.chair).get("/reading-room"))
    assert f"/learning/{world.ours_id}/action-plan" in group_links(chair_html, "hillshire",
                                                                     "action-plans")


def test_the_scrutineer_cannot_change_anything_from_the_room(app: Flask, world: World) -> None:
    client = sign_in(app, world.scrutineer)
    start = last_event_id(app)
    hostile = {"markdown": "Changed by the scrutineer", "version": "1", "title": "Mine"}
    attempts = [
        ("/partnerships/hillshire/arrangements/sections/new", 403),
        ("/partnerships/hillshire/arrangements/versions/new", 403),
        (f"/partnerships/hillshire/arrangements/versions/{world.versions[1]}/withdraw", 403),
        (f"/learning/{world.ours_id}/recommendations/new", 404),
        (f"/learning/{world.national_id}/edit", 404),
        # The report's team sections and its workflow: only the assessment is theirs.
        (f"/partnerships/hillshire/reports/{world.draft_id}/sections/foreword", 403),
        (f"/partnerships/hillshire/reports/{world.draft_id}/publish", 403),
        (f"/partnerships/hillshire/reports/{world.new_report_id}/copies", 403),
    ]
    for url, status in attempts:
        response = client.post_with_token(url, hostile, token_from="/reading-room")
        assert response.status_code == status, url
    # The reading room's own pages take no POST at all.
    for url in ("/reading-room", f"/reading-room/reports/{world.new_report_id}",
                f"/reading-room/reports/{world.new_report_id}.pdf",
                "/reading-room/reports/compare"):
        assert client.post_with_token(url, hostile, token_from="/reading-room").status_code == 405
    refused = [event for event in events(app, since=start) if event[0] == "refused"]
    assert len(refused) == len(attempts)
    with app.app_context():
        report = db.session.get_one(YearlyReport, world.new_report_id)
        assert report.sha256 == hashlib.sha256(NEW_PDF).hexdigest()


def test_everyone_may_open_the_reading_room(app: Flask, world: World,
                                            signed_in: Callable[[Role], BrowserLikeClient]
                                            ) -> None:
    for role in Role:
        response = signed_in(role).get("/reading-room")
        assert response.status_code == 200, role
        assert "Yearly report 2024-25" in response.get_data(as_text=True), role


def test_anonymous_visitors_are_sent_to_sign_in(client: BrowserLikeClient, world: World) -> None:
    for url in ("/reading-room", f"/reading-room/reports/{world.new_report_id}.pdf"):
        response = client.get(url)
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/sign-in"


# --- the scrutineer's home page ---------------------------------------------------------


def test_the_scrutineers_home_points_to_the_room_and_their_drafts(
        app: Flask, world: World) -> None:
    html = page(sign_in(app, world.scrutineer).get("/"))
    panel = html.find(id="reading-room-panel")
    assert panel.find("a")["href"] == "/reading-room"
    text = html.text
    assert "Hillshire Safeguarding Children Partnership" in text
    assert "Yearly report 2025-26" in text  # the draft where they write their assessment
    links = [str(a["href"]) for a in html.find_all("a")]
    assert f"/partnerships/hillshire/reports/{world.draft_id}/assessment" in links
    assert "Westshire report" not in text


def test_a_scrutineer_with_no_partnership_is_told_so(
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    text = page(signed_in(Role.SCRUTINEER).get("/")).text
    assert "does not list you as the scrutineer" in text


def test_snapshot_is_what_a_published_report_stores() -> None:
    """The fixture's snapshots are the content contract's (a guard on the test data)."""
    stored = snapshot(**NEWER)
    assert stored["content"]["activities"]["meetings_held"] == 15
    assert set(stored) == {f.name for f in dataclasses.fields(ReportDocument)}
