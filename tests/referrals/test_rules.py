"""The hub's rules, worked out once each: a memorandum in force (and the reason when it is
not), refused on intake with that reason; the service-level clocks in working days across
bank holidays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.kernel.errors import Refused
from partnership.policy import Role, can
from partnership.referrals import services
from partnership.referrals.models import (
    Memorandum,
    MemorandumStatus,
    PartnerOrganisation,
    Referral,
    Urgency,
)
from partnership.referrals.rules import Status, acknowledgement_clock, decision_clock, status_of
from tests.referrals.records import TYPES, add_referral, decide, hub_world, signed_in_as
from tests.register.builders import date_parts, field_error
from tests.support.client import page
from tests.support.clock import pin_clock


def intake(partner: PartnerOrganisation, received_on: dt.date, **changes: object) -> dict:
    return {"received_on": received_on, "partner": partner, "referral_type": TYPES[0],
            "reasons": ["suspects"], "victims": None, "suspects": 3, "force_areas": None,
            "natures": [], "summary": "Three adults in a network share images online.",
            "urgency": Urgency.URGENT, "immediate_risk": False, "immediate_risk_note": "",
            **changes}


def test_an_expired_memorandum_is_refused_with_the_reason(app: Flask) -> None:
    ids = hub_world(app)
    with app.test_request_context():
        lapsed = db.session.get_one(PartnerOrganisation, ids["lapsed"])
        # In force before its review date, for what it covers only.
        assert lapsed.may_refer(dt.date(2026, 2, 27), TYPES[0])
        assert "does not cover a report of crime" in lapsed.refusal_to_refer(
            dt.date(2026, 2, 27), TYPES[1])
        reason = lapsed.refusal_to_refer(dt.date(2026, 3, 2))
        assert reason == (
            "Harbour Sports Trust's memorandum (version 1.0) expired on 1 March 2026, its "
            "review date, without being renewed. A referral can be taken only from an "
            "organisation with a memorandum of understanding in force.")
        with pytest.raises(Refused) as refused:
            services.record_referral(intake(lapsed, dt.date(2026, 3, 2)))
        assert refused.value.message == reason and refused.value.field == "partner"
        # The policy says the same: today (pinned after the review date) it may not refer.
        app.config["REFERRAL_MEMORANDUM_LAPSES_AT_REVIEW"] = False
        assert lapsed.may_refer(dt.date(2026, 3, 2))
        app.config["REFERRAL_MEMORANDUM_LAPSES_AT_REVIEW"] = True


@pytest.mark.parametrize(("status", "signed_on", "words"), [
    (MemorandumStatus.DRAFT, None, "is a draft that has not been signed"),
    (MemorandumStatus.WITHDRAWN, dt.date(2025, 1, 1), "has been withdrawn"),
    (MemorandumStatus.EXPIRED, dt.date(2025, 1, 1), "expired. A referral"),
])
def test_a_memorandum_not_in_force_says_why(status: MemorandumStatus,
                                            signed_on: dt.date | None, words: str) -> None:
    organisation = PartnerOrganisation(name="Beacon Helpline")
    assert "has not signed a memorandum" in organisation.refusal_to_refer(dt.date(2026, 5, 1))
    organisation.memoranda = [Memorandum(id=1, version_label="3", status=status,
                                         signed_on=signed_on, referral_types=TYPES)]
    assert words in organisation.refusal_to_refer(dt.date(2026, 5, 1))


@pytest.mark.databases("sqlite")
def test_the_intake_page_shows_the_reason_next_to_the_organisation(
        app: Flask, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch, dt.date(2026, 6, 1))
    ids = hub_world(app)
    team = signed_in_as(app, make_user(Role.TEAM))
    response = team.submit("/referrals/new", {
        **date_parts("received_on", dt.date(2026, 6, 1)), "partner": str(ids["lapsed"]),
        "referral_type": TYPES[0], "reasons": ["nature"], "natures": ["Institutional"],
        "summary": "Allegations against two coaches at residential camps.",
        "urgency": "routine", "immediate_risk": "no"})
    assert response.status_code == 200
    html = page(response)
    assert "expired on 1 March 2026" in field_error(html, "partner")
    assert html.title.text.startswith("Error:")
    with app.test_request_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 0
        team_user = db.session.get_one(User, team.user.id)  # type: ignore[attr-defined]
        lapsed = db.session.get_one(PartnerOrganisation, ids["lapsed"])
        trust = db.session.get_one(PartnerOrganisation, ids["trust"])
        assert not can(team_user, "refer", lapsed) and can(team_user, "refer", trust)


def test_service_level_clocks_run_in_working_days_across_bank_holidays(app: Flask) -> None:
    """Routed on Wednesday 23 December 2026: Christmas Day (Friday), Boxing Day's substitute
    (Monday 28th) and New Year's Day (Friday) are not working days."""
    ids = hub_world(app)
    christmas = dt.date(2026, 12, 23)
    referral_id = add_referral(app, ids, christmas, routes=(("hub_police", christmas),
                                                            ("neighbour_police", christmas)))
    with app.test_request_context():
        referral = db.session.get_one(Referral, referral_id)
        first, second = referral.routes
        ack = acknowledgement_clock(first, dt.date(2026, 12, 24))
        assert (ack.working_days, ack.due) == (2, dt.date(2026, 12, 29))
        assert ack.left == 1 and not ack.overdue
        assert ack.in_words() == "Due 29 December 2026 (1 working day left)"
        decision = decision_clock(first, dt.date(2026, 12, 24))
        assert (decision.working_days, decision.due) == (10, dt.date(2027, 1, 11))
        # Judged on the Wednesday after: the acknowledgement is overdue, by one working day.
        late = acknowledgement_clock(first, dt.date(2026, 12, 30))
        assert late.overdue and late.left == -1
        assert status_of(referral) is Status.ROUTED
    # Acknowledged on 29 December (2 working days: in time); decided on 12 January (late).
    decide(app, second_id := second.id, dt.date(2027, 1, 12))
    with app.test_request_context():
        route = db.session.get_one(type(second), second_id)
        route.acknowledged_on = dt.date(2026, 12, 29)
        ack = acknowledgement_clock(route, dt.date(2027, 2, 1))
        assert (ack.taken, ack.met_in_time) == (2, True)
        decision = decision_clock(route, dt.date(2027, 2, 1))
        assert (decision.taken, decision.met_in_time) == (11, False)
        assert decision.in_words() == "Met on 12 January 2027, due 11 January 2027 (late)"
        # Easter 2027: routed on Thursday 25 March, Good Friday and Easter Monday left out.
        route.routed_on = dt.date(2027, 3, 25)
        route.acknowledged_on = None
        assert acknowledgement_clock(route, dt.date(2027, 3, 25)).due == dt.date(2027, 3, 31)
        app.config["REFERRAL_ACKNOWLEDGE_WORKING_DAYS"] = 5
        assert acknowledgement_clock(route, dt.date(2027, 3, 25)).due == dt.date(2027, 4, 5)
        db.session.rollback()


def test_the_hub_team_is_reminded_of_a_memorandum_before_its_review(
        app: Flask, make_user: Callable[..., User]) -> None:
    ids = hub_world(app)
    team = make_user(Role.TEAM, partnerships=[ids["hub"]])
    other = make_user(Role.TEAM, partnerships=[ids["neighbour"]])
    from partnership.notices.items import Window
    from partnership.notices.sources import items_for

    def told(user_id: int, today: dt.date) -> list[tuple[str, str]]:
        with app.test_request_context():
            user = db.session.get_one(User, user_id)
            window = Window(today=today, until=today + dt.timedelta(days=14),
                            now=dt.datetime(today.year, today.month, today.day, 9))
            return [(i.title, i.detail) for i in items_for(user, window, frozenset({"memoranda"}))]

    assert told(team.id, dt.date(2025, 11, 1)) == []
    assert told(team.id, dt.date(2026, 1, 20)) == [
        ("Harbour Sports Trust: memorandum version 1.0", "Review due 1 March 2026")]
    assert told(team.id, dt.date(2026, 12, 1)) == [
        ("Harbour Sports Trust: memorandum version 1.0",
         "Review was due on 1 March 2026: no longer in force until renewed"),
        ("Lantern Survivors Trust: memorandum version 2.0", "Review due 15 January 2027")]
    assert told(other.id, dt.date(2026, 12, 1)) == []
