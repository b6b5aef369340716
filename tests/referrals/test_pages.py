"""The hub's pages: the identifier guard on every word about a referral, closing refused while
a force has not decided, and the report's XLSX workbook."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook

from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.policy import Role
from partnership.referrals.models import Outcome, PartnerContact, Referral, ReferralRoute
from tests.referrals.records import TYPES, add_referral, decide, hub_world, signed_in_as
from tests.register.builders import date_parts, field_error
from tests.support.client import page
from tests.support.clock import pin_clock

TODAY = dt.date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch, TODAY)


@pytest.mark.databases("sqlite")
def test_a_summary_with_a_child_s_identifiers_is_refused(
        app: Flask, make_user: Callable[..., User]) -> None:
    ids = hub_world(app)
    team = signed_in_as(app, make_user(Role.TEAM))
    form = {**date_parts("received_on", dt.date(2026, 10, 30)), "partner": str(ids["trust"]),
            "referral_type": TYPES[1], "reasons": ["victims", "nature"], "victims": "5",
            "natures": ["Institutional", "Non-recent"], "urgency": "urgent",
            "immediate_risk": "yes",
            "summary": "Child born 03/04/2012, lives at SO23 8UJ, NHS number 943 476 5919.",
            "immediate_risk_note": "The coach still runs sessions: DOB 3 April 2012."}
    html = page(team.submit("/referrals/new", form))
    assert "Remove the NHS number" in field_error(html, "summary")
    assert "Remove the postcode" in field_error(html, "summary")
    assert "Remove the date of birth" in field_error(html, "summary")
    assert "Remove the date of birth" in field_error(html, "immediate_risk_note")
    form.update(summary="Five former pupils describe abuse by a teacher in the 1990s.",
                immediate_risk_note="The teacher still coaches at a youth club.")
    response = team.submit("/referrals/new", form)
    assert response.status_code == 302
    with app.app_context():
        referral = db.session.scalars(sa.select(Referral)).one()
        assert referral.reference == "HUB-CR-2026-001" and referral.immediate_risk
        assert referral.natures == ["Institutional", "Non-recent"]
    shown = page(team.get(response.headers["Location"])).get_text(" ")
    assert "Immediate risk: route it for same-day action" in shown
    assert "30 October 2026" in shown and "Non-recent" in shown and "non_recent" not in shown


@pytest.mark.databases("sqlite")
def test_routing_answering_and_closing(app: Flask, make_user: Callable[..., User]) -> None:
    ids = hub_world(app)
    referral_id = add_referral(app, ids, dt.date(2026, 10, 26))
    team = signed_in_as(app, make_user(Role.TEAM))
    url = f"/referrals/{referral_id}"
    for force in ("hub_police", "neighbour_police"):
        response = team.submit(f"{url}/routes/new", {
            "kind": "force", "force": str(ids[force]), "other_name": "",
            **date_parts("routed_on", dt.date(2026, 10, 27))})
        assert response.status_code == 302
    again = page(team.submit(f"{url}/routes/new", {
        "kind": "force", "force": str(ids["hub_police"]),
        **date_parts("routed_on", dt.date(2026, 10, 27))}))
    assert "already been routed to Hubshire Police" in field_error(again, "force")
    ahead = page(team.submit(f"{url}/routes/new", {
        "kind": "force", "other_name": "Severnvale Police",
        **date_parts("routed_on", TODAY + dt.timedelta(days=1))}))
    assert "The date routed must be today or in the past" in field_error(ahead, "routed_on")
    with app.app_context():
        first, second = db.session.scalars(sa.select(ReferralRoute.id).order_by(
            ReferralRoute.id)).all()
    decide(app, first, dt.date(2026, 10, 29), Outcome.NO_FURTHER_ACTION)
    refused = page(team.submit(f"{url}/close", date_parts("closed_on", TODAY)))
    assert ("while waiting for a decision from Northmoor Police"
            in field_error(refused, "closed_on"))
    answer = team.submit(f"{url}/routes/{second}", {
        **date_parts("acknowledged_on", dt.date(2026, 10, 28)),
        **date_parts("decided_on", dt.date(2026, 10, 30)), "outcome": "investigation",
        "outcome_note": "Joint investigation with the neighbouring force.", "version": "1"})
    assert answer.status_code == 302
    assert team.submit(f"{url}/close", date_parts("closed_on", TODAY)).status_code == 302
    shown = page(team.get(url)).get_text(" ")
    assert "Closed" in shown and "Investigation opened" in shown
    assert "Met on 28 October 2026" in shown


def test_the_report_and_its_workbook(app: Flask, make_user: Callable[..., User]) -> None:
    ids = hub_world(app)
    day = dt.date(2026, 9, 14)
    one = add_referral(app, ids, day, routes=(("hub_police", day), ("neighbour_police", day)))
    add_referral(app, ids, dt.date(2026, 10, 5), reasons=["suspects", "nature"],
                 natures=["Organised", "Online"])
    with app.app_context():
        routes = db.session.scalars(sa.select(ReferralRoute.id).where(
            ReferralRoute.referral_id == one).order_by(ReferralRoute.id)).all()
    decide(app, routes[0], dt.date(2026, 9, 16))  # 2 working days: in time
    team = signed_in_as(app, make_user(Role.TEAM))
    html = page(team.get("/referrals/report?year=2026")).get_text(" ")
    assert "Report for 2026\u201327" in html and "Number of force areas" in html
    response = team.get("/referrals/report.xlsx?year=2026")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "complex-referrals-2026-27.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Counts", "Referrals", "Routes"]
    counts = {(row[0], row[1]): row[2] for row in book["Counts"].iter_rows(min_row=2,
                                                                          values_only=True)}
    assert counts[("Referrals received", None)] == 2
    assert counts[("Complexity reason", "Number of victims")] == 1
    assert counts[("Nature", "Online")] == 1
    assert counts[("Referring organisation", "Lantern Survivors Trust")] == 2
    assert counts[("Force or partnership routed to", "Northmoor Police")] == 1
    assert counts[("Outcome", "Investigation opened")] == 1
    assert counts[("Acknowledged within 2 working days", None)] == 1
    routes_sheet = list(book["Routes"].iter_rows(min_row=2, values_only=True))
    assert routes_sheet[0][:2] == ("HUB-CR-2026-001", "Hubshire Police")
    assert routes_sheet[0][5:7] == (2, "Yes")
    referrals = list(book["Referrals"].iter_rows(min_row=2, values_only=True))
    assert all("coach" not in str(cell) for row in referrals for cell in row)  # no summaries
    # The report for one partnership concerned: the referrals routed to a force of it.
    neighbour = team.get(f"/referrals/report.xlsx?year=2026&partnership={ids['neighbour']}")
    assert "complex-referrals-2026-27-northmoor.xlsx" in neighbour.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(neighbour.data))["Referrals"].iter_rows(
        min_row=2, values_only=True))
    assert [row[0] for row in rows] == ["HUB-CR-2026-001"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "export", AuditEvent.record_type == "complex_referral")) == 2


@pytest.mark.databases("sqlite")
def test_two_people_changing_one_contact(app: Flask, make_user: Callable[..., User]) -> None:
    ids = hub_world(app)
    team = signed_in_as(app, make_user(Role.TEAM))
    url = f"/referrals/organisations/{ids['trust']}"
    added = team.submit(f"{url}/contacts/new", {"name": "Dawn Ashworth",
                                                "job_title": "Head of Safeguarding",
                                                "work_email": "d.ashworth@example.org"})
    assert added.status_code == 302
    with app.app_context():
        contact_id = db.session.scalars(sa.select(PartnerContact.id)).one()
    edit = f"{url}/contacts/{contact_id}/edit"
    first = {"name": "Dawn Ashworth", "job_title": "Director of Safeguarding",
             "work_email": "d.ashworth@example.org", "work_phone": "", "version": "1"}
    assert team.submit(edit, first).status_code == 302
    stale = team.submit(edit, {**first, "job_title": "Helpline Manager"})
    assert stale.status_code == 409
    with app.app_context():
        assert db.session.get_one(PartnerContact, contact_id).job_title == (
            "Director of Safeguarding")
    bad = page(team.submit(edit, {**first, "work_email": "not an email", "version": "2"}))
    assert "Enter a work email in the right format" in field_error(bad, "work_email")
