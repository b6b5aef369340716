"""The few records the hub's tests need: a hub partnership and a neighbour, a police force in
each, partner organisations with a memorandum in force and with one that expired, and
referrals routed as a test asks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask

from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.referrals.models import (
    Memorandum,
    MemorandumStatus,
    Outcome,
    PartnerOrganisation,
    Referral,
    ReferralRoute,
    RouteKind,
)
from partnership.register.models import Agency, Person, Sector
from tests.conftest import PASSWORD
from tests.register.records import add_agency, add_area
from tests.support.client import BrowserLikeClient

TYPES = ["Safeguarding referral", "Report of crime"]
SIGNED = dt.date(2025, 1, 15)


def hub_world(app: Flask) -> dict[str, int]:
    """Two partnerships, a force in each, and two partner organisations of the first's hub:
    one with a memorandum in force until its review in 2027, one whose memorandum expired at
    its review date in 2026."""
    ids = {"hub": add_area(app, "hubshire", "Hubshire Partnership"),
           "neighbour": add_area(app, "northmoor", "Northmoor Partnership")}
    ids["hub_police"] = add_agency(app, "hubshire", "Hubshire Police",
                                   Sector.POLICE_AND_JUSTICE)
    ids["neighbour_police"] = add_agency(app, "northmoor", "Northmoor Police",
                                         Sector.POLICE_AND_JUSTICE)
    with app.app_context(), acting_as("tests"):
        in_force = PartnerOrganisation(partnership_id=ids["hub"], name="Lantern Survivors Trust")
        in_force.memoranda = [Memorandum(version_label="2.0", status=MemorandumStatus.SIGNED,
                                         signed_on=SIGNED, review_on=dt.date(2027, 1, 15),
                                         referral_types=TYPES)]
        lapsed = PartnerOrganisation(partnership_id=ids["hub"], name="Harbour Sports Trust")
        lapsed.memoranda = [Memorandum(version_label="1.0", status=MemorandumStatus.SIGNED,
                                       signed_on=dt.date(2024, 3, 1),
                                       review_on=dt.date(2026, 3, 1),
                                       referral_types=TYPES[:1])]
        db.session.add_all([in_force, lapsed])
        db.session.commit()
        ids["trust"], ids["lapsed"] = in_force.id, lapsed.id
    return ids


def add_referral(app: Flask, ids: dict[str, int], received_on: dt.date,
                 routes: tuple[tuple[str, dt.date], ...] = (), **fields: Any) -> int:
    """A referral from the trust, routed to the named forces ("hub_police",
    "neighbour_police") on the days given, or to a force outside by name."""
    with app.app_context(), acting_as("tests"):
        count = db.session.query(Referral).count()
        referral = Referral(
            partnership_id=ids["hub"], partner_id=ids[fields.pop("partner", "trust")],
            received_on=received_on,
            reference=fields.pop("reference", f"HUB-CR-{received_on.year}-{count + 1:03d}"),
            referral_type=TYPES[0], reasons=fields.pop("reasons", ["victims", "force_areas"]),
            victims=4, force_areas=2, natures=fields.pop("natures", ["Non-recent"]),
            summary="Several former pupils describe abuse by a coach across two counties.",
            **fields)
        for key, routed_on in routes:
            if key in ids:
                force = db.session.get_one(Agency, ids[key])
                route = ReferralRoute(kind=RouteKind.FORCE, force=force, routed_on=routed_on,
                                      reached_partnership_id=force.partnership_id)
            else:
                route = ReferralRoute(kind=RouteKind.FORCE, other_name=key, routed_on=routed_on)
            referral.routes.append(route)
        db.session.add(referral)
        db.session.commit()
        return referral.id


def decide(app: Flask, route_id: int, on: dt.date,
           outcome: Outcome = Outcome.INVESTIGATION) -> None:
    """Record a route's acknowledgement and decision on one day."""
    with app.app_context(), acting_as("tests"):
        route = db.session.get_one(ReferralRoute, route_id)
        route.acknowledged_on = route.decided_on = on
        route.outcome = outcome
        db.session.commit()


def agency_lead(app: Flask, make_user: Callable[..., User], agency_id: int
                ) -> BrowserLikeClient:
    """An agency lead whose person works for the agency, signed in."""
    user = make_user(Role.AGENCY)
    with app.app_context(), acting_as("tests"):
        db.session.add(Person(name="Alex Lead", user_id=user.id, agency_id=agency_id))
        db.session.commit()
    return signed_in_as(app, user)


def signed_in_as(app: Flask, user: User) -> BrowserLikeClient:
    """A client signed in as the user."""
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    client.user = user  # type: ignore[attr-defined]
    return client
