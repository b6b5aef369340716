"""A review's multi-agency action plan: one page and one PDF, in the familiar columns."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Status
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.policy import Role
from partnership.reviews import document
from partnership.reviews.models import Review, Scope
from partnership.reviews.services import learning
from tests.documents.pdftools import pdf_info, pdf_objects, pdf_text
from tests.meetings import counting_queries, sign_in
from tests.register.records import add_person
from tests.reviews.records_learning import (
    TODAY,
    World,
    add_action,
    add_recommendation,
    add_update,
    build_learning,
)
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import pin_clock
from tests.support.documents import fetch_pdf

COLUMNS = ["Recommendation", "Scope", "Action", "Lead agency and officer", "Milestones",
           "Target date", "RAG", "Agency response", "Completion date and outcome",
           "Evidence of impact"]


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch) -> World:
    pin_clock(monkeypatch, TODAY)
    built = build_learning(app, make_user)
    officer = add_person(app, "Priya Shah", agency_id=built.police_id)
    first = add_recommendation(
        app, built.ours_id, 1, "Strategy meetings include every agency that knows the child",
        scope=Scope.LOCAL, agency_ids=(built.police_id, built.council_id),
        agency_response="Accepted by all three partners")
    second = add_recommendation(app, built.ours_id, 2, "Ask the national panel to update the "
                                                       "neglect guidance", scope=Scope.NATIONAL)
    add_recommendation(app, built.ours_id, 3, "Refresh the escalation policy",
                       scope=Scope.REGIONAL)
    late = add_action(app, first, "Audit strategy meetings", lead_agency_id=built.police_id,
                      lead_person_id=officer, start_date=dt.date(2025, 6, 1),
                      target_date=dt.date(2025, 9, 30), detail="Sample of 20 meetings",
                      percent_complete=40)
    add_update(app, late, dt.date(2025, 10, 1))
    done = add_action(app, first, "Train chairs of strategy meetings",
                      lead_agency_id=built.council_id, status=Status.COMPLETE,
                      completed_on=dt.date(2025, 7, 15), outcome="All 14 chairs trained")
    add_update(app, done, dt.date(2025, 7, 15), impact="Agencies now attend 9 in 10 meetings")
    add_action(app, second, "Write to the national panel", lead_agency_id=built.health_id,
               target_date=dt.date(2026, 3, 31), impact="The panel replied")
    return built


def test_the_action_plan_page_shows_the_familiar_columns_and_figures(
        app: Flask, world: World) -> None:
    chair = sign_in(app, world.chair)
    html = page(chair.get(f"/learning/{world.ours_id}/action-plan"))
    assert [th.get_text(strip=True) for th in html.select("thead th")] == COLUMNS
    text = " ".join(html.get_text(" ", strip=True).split())
    assert "3 recommendations and 3 actions" in text
    assert "1 red 1 green 1 complete" in text

    first, second, third = html.select("table tbody")
    rows = first.select("tr")
    assert len(rows) == 2
    header = first.select_one("th[scope=row]")
    assert header["rowspan"] == "2"
    header_text = " ".join(header.get_text(" ", strip=True).split())
    assert header_text == ("Recommendation 1 Strategy meetings include every agency that knows "
                           "the child Addressed to Westshire Council, Westshire Police")
    cells = [" ".join(td.get_text(" ", strip=True).split()) for td in rows[0].select("td")]
    assert cells == ["Local", "Audit strategy meetings", "Priya Shah, Westshire Police",
                     "Sample of 20 meetings Starts 1 June 2025", "30 September 2025",
                     "Red Update overdue",
                     "Accepted by all three partners", "In progress (40%)",
                     "None recorded yet"]
    cells = [" ".join(td.get_text(" ", strip=True).split()) for td in rows[1].select("td")]
    assert cells == ["Train chairs of strategy meetings", "Westshire Council", "None recorded",
                     "None set", "Complete", "Completed on 15 July 2025 All 14 chairs trained",
                     "Agencies now attend 9 in 10 meetings"]
    cells = [" ".join(td.get_text(" ", strip=True).split()) for td in second.select("td")]
    assert cells[:6] == ["National", "Write to the national panel",
                         "Westshire Integrated Care Board", "None recorded", "31 March 2026",
                         "Green Update overdue"]
    assert cells[-1] == "The panel replied"
    assert "No actions agreed yet" in third.get_text()
    assert "Regional" in third.get_text()


def test_the_action_plan_page_runs_a_fixed_number_of_queries(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    url = f"/learning/{world.ours_id}/action-plan"
    team.get(url)

    def count() -> int:
        with counting_queries(app) as statements:
            assert team.get(url).status_code == 200
        return len(statements)

    before = count()
    with app.app_context():
        recommendation = db.session.scalars(sa.select(Review).where(
            Review.id == world.ours_id)).one().recommendations[2].id
    for n in range(12):
        action = add_action(app, recommendation, f"More work {n}",
                            lead_agency_id=world.police_id, detail=f"Step {n}")
        add_update(app, action, dt.date(2025, 10, 1), impact=f"Impact {n}")
    extra = add_recommendation(app, world.ours_id, 4, "Another recommendation",
                               agency_ids=(world.health_id,))
    add_action(app, extra, "Yet more work")
    assert count() == before
    assert "Impact 11" in team.get(url).get_data(as_text=True)


def test_the_action_plan_pdf_is_tagged_and_holds_every_recommendation(
        app: Flask, world: World) -> None:
    with app.app_context():
        review = learning.review_or_404(world.ours_id)
        rendered = document.action_plan_pdf(review, TODAY)
    info = pdf_info(rendered.data)
    assert int(re.search(r"Pages:\s+(\d+)", info)[1]) == rendered.pages >= 2
    assert "Tagged:          yes" in info and "A4" in info
    assert "Title:           Rapid Review: Child Q: multi-agency action plan" in info
    inside = pdf_objects(rendered.data)
    for marker in (b"/StructTreeRoot", b"pdfuaid"):
        assert marker in inside, marker
    pages = pdf_text(rendered.data).split("\f")[:rendered.pages]
    # Cells wrap in their narrow columns, so look for words that fit on one line.
    everything = " ".join(" ".join(pages).split())
    for words in ("Westshire Safeguarding Children Partnership", "Rapid Review: Child Q",
                  "Action plan as it stands on 14 November 2025",
                  "3 recommendations and 3 actions: 1 red, 1 green, 1 complete",
                  "Recommendation 1", "Strategy meetings include every agency",
                  "Recommendation 2", "Ask the national panel", "Recommendation 3",
                  "Refresh the escalation policy", "No actions agreed yet",
                  "Audit strategy meetings", "Priya Shah, Westshire Police",
                  "Completed on 15 July", "All 14 chairs trained", "Agencies now attend 9",
                  "Accepted by all three"):
        assert words in everything, words
    for heading in ("Recommendation", "Scope", "Milestones", "Target date", "RAG",
                    "Agency response"):  # the longer headings wrap
        assert heading in " ".join(pages[1].split()), heading
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {rendered.pages}" in text


def test_the_pdf_opens_in_the_browser_downloads_and_is_audited(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    scrutineer = signed_in(Role.SCRUTINEER)
    url = f"/learning/{world.ours_id}/action-plan.pdf"
    shown = fetch_pdf(scrutineer, url)
    assert shown.status_code == 200 and shown.mimetype == "application/pdf"
    assert shown.headers["Content-Disposition"] == (
        "inline; filename=rapid-review-child-q-action-plan.pdf")
    saved = fetch_pdf(scrutineer, url + "?download=1")
    assert saved.headers["Content-Disposition"].startswith("attachment;")
    with app.app_context():
        events = db.session.execute(sa.select(AuditEvent.action, AuditEvent.record_id,
                                              AuditEvent.user_id)
                                    .where(AuditEvent.record_type == "review",
                                           AuditEvent.action.in_(("view", "export")))
                                    .order_by(AuditEvent.id)).all()
    user = scrutineer.user  # type: ignore[attr-defined]
    assert [tuple(e) for e in events] == [("view", str(world.ours_id), user.id),
                                          ("export", str(world.ours_id), user.id)]
    outsider = sign_in(app, world.outsider)
    assert outsider.get(url).status_code == 404
