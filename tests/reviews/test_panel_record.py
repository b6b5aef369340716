"""The record the national panel expects: the Rapid Review's immediate actions and its
equality, race and disability analysis; the Rapid Review document in the panel's section
order (the one document machinery, audited); where the incident happened and where the
child lives; the looked-after child notifications; an information request waived with a
reason. Every new free-text field goes through the identifier guard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.reviews.models import Case, PracticeEpisode
from tests.documents.pdftools import pdf_text
from tests.meetings import sign_in
from tests.register.builders import date_parts, field_error
from tests.reviews.records_cases import World, add_case, add_request, build_world, case_row
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import clock_at
from tests.support.documents import fetch_pdf

TODAY = dt.date(2026, 1, 12)
fixed_today = clock_at(TODAY)
NHS_NUMBER = "943 476 5919"


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> World:
    return build_world(app, make_user)


def request_of(app: Flask, case_id: int) -> int:
    with app.app_context():
        rapid = db.session.get_one(Case, case_id).rapid_review
        assert rapid is not None
        return rapid.requests[0].id


@pytest.fixture
def case_id(app: Flask, world: World) -> int:
    case_id = add_case(app, world.partnership_id, world.group_id, "Child T",
                       aware_on=dt.date(2026, 1, 5), notified_on=dt.date(2026, 1, 7),
                       stage="rapid_review", rapid_from=dt.date(2026, 1, 5),
                       incident_authority="Northshire County Council",
                       residence_authority="Westmoor Borough Council")
    add_request(app, case_id, world.police_id, dt.date(2026, 1, 6), dt.date(2026, 1, 9))
    with app.app_context(), acting_as("tests"):
        case = db.session.get_one(Case, case_id)
        assert case.rapid_review is not None
        case.rapid_review.analysis = "Missing episodes were not shared with the school."
        case.rapid_review.equality_analysis = "Interpreters were not offered to the mother."
        case.rapid_review.immediate_actions = "A strategy discussion for the siblings."
        case.rapid_review.outcome_reason = "Serious harm with learning for every agency."
        case.rapid_review.episodes.append(PracticeEpisode(title="Hospital attendance",
                                                          description="A&E in March."))
        db.session.commit()
    return case_id


def test_new_free_text_is_refused_when_it_holds_an_identifier(
    app: Flask, world: World, case_id: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    saved = case_row(app, case_id)
    rapid = page(team.submit(f"/cases/{case_id}/rapid-review", {
        "version": str(saved.rapid_review.version),
        "immediate_actions": f"Flag NHS number {NHS_NUMBER} on the GP system"}))
    assert "Remove the NHS number" in field_error(rapid, "immediate_actions")
    request_id = request_of(app, case_id)
    waived = page(team.submit(f"/cases/rapid-review/requests/{request_id}/edit", {
        "version": "1", "agency": str(world.police_id), "asked_for": "Chronology",
        **date_parts("requested_on", dt.date(2026, 1, 6)),
        **date_parts("due_on", dt.date(2026, 1, 9)),
        "waived_reason": f"Moved away, NHS number {NHS_NUMBER}"}))
    assert "Remove the NHS number" in field_error(waived, "waived_reason")
    edit = page(team.submit(f"/cases/{case_id}/edit", {
        "version": str(saved.version), "reference": "Child T",
        "reviewing_body": str(world.group_id), "incident_type": "serious_harm",
        **date_parts("aware_on", dt.date(2026, 1, 5)),
        "incident_authority": f"Council {NHS_NUMBER}", "residence_authority": "SW1A 1AA"}))
    assert "Remove the NHS number" in field_error(edit, "incident_authority")
    assert "postcode" in field_error(edit, "residence_authority").lower()
    moved = page(team.submit(f"/cases/{case_id}/stage", {
        "version": str(saved.version), "stage": "local_review", "override": "y",
        "override_reason": f"Family asked, NHS number {NHS_NUMBER}",
        **date_parts("decided_on", TODAY)}))
    assert "Remove the NHS number" in field_error(moved, "override_reason")
    assert case_row(app, case_id).stage.value == "rapid_review"


def test_a_request_waived_with_a_reason_is_settled_and_said(
    app: Flask, world: World, case_id: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    request_id = request_of(app, case_id)
    team.submit(f"/cases/rapid-review/requests/{request_id}/edit", {
        "version": "1", "agency": str(world.police_id), "asked_for": "Chronology",
        **date_parts("requested_on", dt.date(2026, 1, 6)),
        **date_parts("due_on", dt.date(2026, 1, 9)),
        "waived_reason": "The police had no contact with the family."})
    shown = page(team.get(f"/cases/{case_id}")).get_text(" ", strip=True)
    assert ("Waived 12 January 2026: The police had no contact with the family." in shown)
    stage = page(team.get(f"/cases/{case_id}/stage")).get_text(" ", strip=True)
    assert "the information from Northshire Police" not in stage


def test_a_looked_after_childs_death_asks_for_both_notifications(
    app: Flask, world: World, case_id: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    with app.app_context(), acting_as("tests"):
        case = db.session.get_one(Case, case_id)
        case.looked_after, case.incident_type = True, case.incident_type.DEATH
        db.session.commit()
    team = signed_in(Role.TEAM)
    board = page(team.get("/cases/board")).get_text(" ", strip=True)
    assert "Looked-after child's death not yet notified to the Secretary of State" in board
    assert "Looked-after child's death not yet notified to Ofsted" in board
    team.submit(f"/cases/{case_id}/notification", {
        "version": str(case_row(app, case_id).version),
        **date_parts("notified_on", dt.date(2026, 1, 7)),
        **date_parts("secretary_of_state_notified_on", dt.date(2026, 1, 8)),
        **date_parts("ofsted_notified_on", dt.date(2026, 1, 8))})
    saved = case_row(app, case_id)
    assert (saved.secretary_of_state_notified_on, saved.ofsted_notified_on) == (
        dt.date(2026, 1, 8), dt.date(2026, 1, 8))
    assert "not yet notified" not in page(team.get("/cases/board")).get_text()


def test_the_rapid_review_document_reads_in_the_panels_order(
    app: Flask, world: World, case_id: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    url = f"/cases/{case_id}/rapid-review.pdf"
    response = fetch_pdf(team, url + "?download=1")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment; filename=rapid-review-child-t.pdf" in response.headers[
        "Content-Disposition"]
    text = " ".join(pdf_text(response.data).split())
    headings = [heading for _, heading in app.config["REVIEWS_RAPID_REVIEW_SECTIONS"]]
    places = [text.find(f"{n}. {heading.split(':')[0]}") for n, heading in
              enumerate(headings, start=1)]
    assert -1 not in places and places == sorted(places), list(zip(headings, places, strict=True))
    for words in ("Westmoor Borough Council", "Interpreters were not offered",
                  "A strategy discussion for the siblings", "Hospital attendance",
                  "Not signed off"):
        assert words in text, words
    with app.app_context():
        audit = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "export", AuditEvent.record_type == "case_record")).one()
        assert audit.record_id == str(case_id)
    # Need-to-know: someone outside the case gets nothing.
    outsider = sign_in(app, world.other_chair)
    assert outsider.get(url).status_code == 404
