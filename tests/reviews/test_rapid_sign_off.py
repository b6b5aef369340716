"""Sign-off of a Rapid Review by each of the three statutory partners: only a current
representative of one of the case's partnership's partners, once per partner, and only once
the recommended outcome is recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from partnership import clock
from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.database import utcnow
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import PartnerKind
from partnership.reviews.models import CaseMember, RapidOutcome, RapidReview, RapidReviewSignOff
from partnership.reviews.services.rapid import sign_off_lines
from tests.meetings import representative_of, sign_in
from tests.register.records import add_area
from tests.reviews.records_reviews import (
    add_case,
    add_rapid,
    add_world,
    count,
    flashes,
    goes_to_case,
)
from tests.support.client import BrowserLikeClient


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> dict[str, Any]:
    ids = add_world(app, make_user)
    ids["case"] = add_case(app, ids["partnership"], ids["group"])
    ids["rapid"] = add_rapid(app, ids["case"], outcome=RapidOutcome.LOCAL_REVIEW,
                             outcome_reason="The criteria are met.")
    ids["police_lead"] = representative_of(app, make_user, ids["partnership"],
                                           PartnerKind.POLICE, "Chief Superintendent Hale")
    return ids


def sign(client: BrowserLikeClient, case_id: int) -> Any:
    return client.post_with_token(f"/cases/{case_id}/rapid-review/sign-off",
                                  token_from="/account")


def lines(app: Flask, rapid_id: int) -> list[tuple[PartnerKind, str | None]]:
    with app.app_context():
        rapid = db.session.get_one(RapidReview, rapid_id)
        return [(partner.kind, row.signed_by if row else None)
                for partner, row in sign_off_lines(rapid)]


def test_a_partners_representative_signs_off_for_their_partner(
    app: Flask, world: dict[str, Any],
) -> None:
    before = utcnow()
    client = sign_in(app, world["police_lead"])
    response = sign(client, world["case"])
    assert goes_to_case(response, world["case"], "sign-off")
    assert flashes(client) == ["You signed off the Rapid Review of Child Q for Police"]
    assert lines(app, world["rapid"]) == [(PartnerKind.LOCAL_AUTHORITY, None),
                                          (PartnerKind.HEALTH, None),
                                          (PartnerKind.POLICE, "Chief Superintendent Hale")]
    with app.app_context():
        row = db.session.scalars(db.select(RapidReviewSignOff)).one()
        assert row.user_id == world["police_lead"].id
        assert before <= row.signed_at <= utcnow()


def test_a_partner_signs_once(
    app: Flask, world: dict[str, Any], make_user: Callable[..., User],
) -> None:
    sign(sign_in(app, world["police_lead"]), world["case"])
    deputy = representative_of(app, make_user, world["partnership"], PartnerKind.POLICE,
                               "Superintendent Ames")
    client = sign_in(app, deputy)
    response = sign(client, world["case"])
    assert goes_to_case(response, world["case"], "sign-off")
    message = flashes(client)[0]
    assert message.startswith("Police signed off this Rapid Review already "
                              "(Chief Superintendent Hale, ")
    assert count(app, RapidReviewSignOff) == 1

    health = representative_of(app, make_user, world["partnership"], PartnerKind.HEALTH,
                               "Dr Okafor")
    sign(sign_in(app, health), world["case"])
    assert [name for _, name in lines(app, world["rapid"])] == [
        None, "Dr Okafor", "Chief Superintendent Hale"]


def test_there_is_nothing_to_sign_before_the_outcome_is_recorded(
    app: Flask, make_user: Callable[..., User],
) -> None:
    ids = add_world(app, make_user)
    case = add_case(app, ids["partnership"], ids["group"])
    add_rapid(app, case)
    lead = representative_of(app, make_user, ids["partnership"], PartnerKind.HEALTH, "Dr Lee")
    client = sign_in(app, lead)
    response = sign(client, case)
    assert goes_to_case(response, case, "sign-off")
    assert flashes(client) == ["The Rapid Review cannot be signed off yet: its recommended "
                               "outcome has not been recorded"]
    assert count(app, RapidReviewSignOff) == 0


def test_someone_added_to_the_case_who_represents_no_partner_cannot_sign(
    app: Flask, world: dict[str, Any], make_user: Callable[..., User],
) -> None:
    partner = make_user(Role.PARTNER, name="Added Partner")
    with app.app_context(), acting_as("tests"):
        db.session.add(CaseMember(case_id=world["case"], user_id=partner.id))
        db.session.commit()
    client = sign_in(app, partner)
    sign(client, world["case"])
    assert flashes(client)[0].startswith("You are not a current representative of any of "
                                         "Northshire Partnership's statutory partners")
    assert count(app, RapidReviewSignOff) == 0


def test_another_partnerships_partner_and_everyone_else_get_404(
    app: Flask, world: dict[str, Any], make_user: Callable[..., User],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    elsewhere = add_area(app, "southshire")
    outsider = representative_of(app, make_user, elsewhere, PartnerKind.POLICE, "Other Chief")
    assert sign(sign_in(app, outsider), world["case"]).status_code == 404
    assert sign(sign_in(app, world["chair"]), world["case"]).status_code == 404
    assert sign(signed_in(Role.TEAM), world["case"]).status_code == 404
    assert sign(sign_in(app, world["police_lead"]), 9999).status_code == 404
    assert count(app, RapidReviewSignOff) == 0


def test_a_representative_whose_term_has_ended_cannot_sign(
    app: Flask, world: dict[str, Any],
) -> None:
    from partnership.register.models import Representative

    with app.app_context(), acting_as("tests"):
        post = db.session.scalars(db.select(Representative)).one()
        post.valid_to = clock.today() - dt.timedelta(days=1)
        db.session.commit()
    response = sign(sign_in(app, world["police_lead"]), world["case"])
    assert response.status_code == 404  # no longer one of the partnership's representatives
    assert count(app, RapidReviewSignOff) == 0
