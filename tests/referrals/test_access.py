"""Need-to-know: a referral is seen by the hub team and by the forces and partnerships it
was routed to, by nobody else; lists say the same as the pages; every view is audited; the
board's SQL statements do not grow with the number of referrals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.policy import Role, can, visible
from partnership.referrals import services
from partnership.referrals.models import Referral, ReferralRoute
from tests.referrals.records import add_referral, agency_lead, hub_world, signed_in_as
from tests.support.clock import pin_clock
from tests.support.queries import sql_statements

TODAY = dt.date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch, TODAY)


def test_a_referral_is_seen_by_the_hub_and_those_it_was_routed_to(
        app: Flask, make_user: Callable[..., User]) -> None:
    ids = hub_world(app)
    routed = add_referral(app, ids, dt.date(2026, 10, 19),
                          routes=(("neighbour_police", dt.date(2026, 10, 19)),
                                  ("Severnvale Police", dt.date(2026, 10, 20))))
    unrouted = add_referral(app, ids, dt.date(2026, 10, 26))
    hub_team = signed_in_as(app, make_user(Role.TEAM, partnerships=[ids["hub"]]))
    neighbour_team = signed_in_as(app, make_user(Role.TEAM, partnerships=[ids["neighbour"]]))
    neighbour_force = agency_lead(app, make_user, ids["neighbour_police"])
    hub_force = agency_lead(app, make_user, ids["hub_police"])
    chair = signed_in_as(app, make_user(Role.CHAIR))
    expected = {hub_team: {routed, unrouted}, neighbour_team: {routed},
                neighbour_force: {routed}, hub_force: set(), chair: set()}
    with app.test_request_context():
        for client, allowed in expected.items():
            user = db.session.get_one(User, client.user.id)  # type: ignore[attr-defined]
            for model in (Referral, ReferralRoute):
                rows = list(db.session.scalars(sa.select(model)))
                listed = {r.id for r in db.session.scalars(
                    sa.select(model).where(visible(user, model)))}
                assert listed == {r.id for r in rows if can(user, "view", r)}, (user.email,
                                                                                model)
            assert {r.id for r in db.session.scalars(sa.select(Referral))
                    if can(user, "view", r)} == allowed, user.email
    for client, allowed in expected.items():
        for referral_id in (routed, unrouted):
            status = client.get(f"/referrals/{referral_id}").status_code
            want = 200 if referral_id in allowed else (403 if client is chair else 404)
            assert status == want, (client.user.email, referral_id)  # type: ignore[attr-defined]
    # The board lists exactly what the pages allow.
    board = neighbour_force.get("/referrals").get_data(as_text=True)
    assert f"/referrals/{routed}" in board and f"/referrals/{unrouted}" not in board
    # Each force answers for itself only; only the hub team routes and closes.
    with app.test_request_context():
        referral = db.session.get_one(Referral, routed)
        ours, outside = referral.routes
        lead = db.session.get_one(User, neighbour_force.user.id)  # type: ignore[attr-defined]
        team = db.session.get_one(User, neighbour_team.user.id)  # type: ignore[attr-defined]
        hub = db.session.get_one(User, hub_team.user.id)  # type: ignore[attr-defined]
        assert can(lead, "respond", ours) and not can(lead, "respond", outside)
        assert can(team, "respond", ours) and not can(team, "edit", referral)
        assert can(hub, "respond", outside) and can(hub, "edit", referral)
    assert neighbour_force.get(f"/referrals/{routed}/routes/{ours.id}").status_code == 200
    assert neighbour_force.get(f"/referrals/{routed}/routes/{outside.id}").status_code == 403
    assert neighbour_force.get(f"/referrals/{routed}/close").status_code == 403


@pytest.mark.databases("sqlite")
def test_every_view_of_a_referral_is_audited(app: Flask,
                                             make_user: Callable[..., User]) -> None:
    ids = hub_world(app)
    referral_id = add_referral(app, ids, dt.date(2026, 10, 19),
                               routes=(("hub_police", dt.date(2026, 10, 19)),))
    team = signed_in_as(app, make_user(Role.TEAM))
    for url in (f"/referrals/{referral_id}", f"/referrals/{referral_id}/edit", "/referrals"):
        assert team.get(url).status_code == 200
    with app.app_context():
        views = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "view", AuditEvent.record_type == "complex_referral")).all()
        user_id = team.user.id  # type: ignore[attr-defined]
        assert [(v.record_id, v.user_id) for v in views] == [
            (str(referral_id), user_id), (str(referral_id), user_id), ("board", user_id)]
        assert views[-1].changes == {"referrals": [f"{referral_id} HUB-CR-2026-001"]}


def test_the_board_takes_the_same_sql_statements_for_two_referrals_or_eight(
        app: Flask, make_user: Callable[..., User]) -> None:
    ids = hub_world(app)
    team = make_user(Role.TEAM)

    def count() -> int:
        with app.test_request_context():
            user = db.session.get_one(User, team.id)
            from flask_login import login_user
            login_user(user)
            db.session.expire_all()
            with sql_statements(app) as statements:
                found = services.board(TODAY)
                rows = [(row.status, [w.on for w in row.waiting]) for row in found.rows]
            assert rows
            return len(statements)

    for day in (12, 13):
        add_referral(app, ids, dt.date(2026, 10, day),
                     routes=(("hub_police", dt.date(2026, 10, day)),))
    few = count()
    for day in range(19, 25):
        add_referral(app, ids, dt.date(2026, 10, day),
                     routes=(("hub_police", dt.date(2026, 10, day)),
                             ("neighbour_police", dt.date(2026, 10, day)),
                             ("Severnvale Police", dt.date(2026, 10, day))))
    assert count() == few


@pytest.mark.databases("sqlite")
def test_an_organisation_s_own_account_records_its_referrals_where_the_hub_allows_it(
        app: Flask, make_user: Callable[..., User]) -> None:
    from partnership.audit.services import acting_as
    from partnership.referrals.models import PartnerOrganisation
    from tests.register.builders import date_parts
    from tests.register.records import add_agency

    ids = hub_world(app)
    own_agency = add_agency(app, "hubshire", "Lantern Survivors Trust (voluntary sector)")
    other = add_referral(app, ids, dt.date(2026, 2, 2), partner="lapsed")
    lead = agency_lead(app, make_user, own_agency)
    assert lead.get("/referrals/new").status_code == 200  # nothing to offer yet
    assert "Record a referral" not in lead.get("/referrals").get_data(as_text=True)
    with app.app_context(), acting_as("tests"):
        trust = db.session.get_one(PartnerOrganisation, ids["trust"])
        trust.account_agency_id, trust.records_own = own_agency, True
        db.session.commit()
    assert "Record a referral" in lead.get("/referrals").get_data(as_text=True)
    response = lead.submit("/referrals/new", {
        **date_parts("received_on", TODAY), "partner": str(ids["trust"]),
        "referral_type": "Report of crime", "reasons": ["suspects"], "suspects": "2",
        "summary": "Two adults at a holiday camp are said to have groomed several children.",
        "urgency": "urgent", "immediate_risk": "no"})
    assert response.status_code == 302
    with app.app_context():
        mine = db.session.scalars(sa.select(Referral).where(Referral.id != other)).one()
    # It sees its own referral (not another organisation's), and neither routes nor closes.
    assert lead.get(f"/referrals/{mine.id}").status_code == 200
    assert lead.get(f"/referrals/{other}").status_code == 404
    assert lead.get(f"/referrals/{mine.id}/routes/new").status_code == 403
    # Another organisation's account may not refer for it.
    stranger = agency_lead(app, make_user, ids["hub_police"])
    refused = stranger.submit("/referrals/new", {"partner": str(ids["trust"])})
    assert "Not a valid choice" in refused.get_data(as_text=True)
