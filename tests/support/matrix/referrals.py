"""Complex referrals in the authorization matrix: the hub team keeps partner organisations
and memoranda, takes, routes and closes referrals; a referral is need-to-know (the matrix's
agency lead works for the force it was routed to, so sees it and answers for that force); the
team and agency leads read the report of what they may see."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from partnership.extensions import db
from partnership.policy import Role
from partnership.referrals.models import (
    Memorandum,
    MemorandumStatus,
    PartnerContact,
    PartnerOrganisation,
    Referral,
    ReferralRoute,
    RouteKind,
)

TEAM = frozenset({Role.TEAM})
READERS = frozenset({Role.TEAM, Role.AGENCY})

EXPECTED: dict[str, frozenset[Role]] = {
    "referrals.board": READERS,
    "referrals.report": READERS,
    "referrals.report_xlsx": READERS,
    "referrals.new": READERS,  # an organisation's own account, where the hub allows it
    "referrals.detail": READERS,
    "referrals.edit": TEAM,
    "referrals.route_new": TEAM,
    "referrals.route_answer": READERS,
    "referrals.close": TEAM,
    "referrals.organisations": TEAM,
    "referrals.organisation_new": TEAM,
    "referrals.organisation": TEAM,
    "referrals.organisation_edit": TEAM,
    "referrals.contact_new": TEAM,
    "referrals.contact_edit": TEAM,
    "referrals.memorandum_new": TEAM,
    "referrals.memorandum_edit": TEAM,
}


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """A partner organisation with a memorandum in force, and its referral routed to the
    matrix's force (the agency the signed-in user's person works for)."""
    organisation = PartnerOrganisation(partnership=base.partnership, name="Matrix Trust")
    contact = PartnerContact(partner=organisation, name="Matrix Contact",
                             work_email="contact@example.org")
    memorandum = Memorandum(partner=organisation, version_label="1",
                            status=MemorandumStatus.SIGNED, signed_on=dt.date(2025, 1, 1),
                            referral_types=["Safeguarding referral"])
    referral = Referral(partnership=base.partnership, partner=organisation,
                        reference="MSP-CR-2025-001", received_on=dt.date(2025, 5, 1),
                        referral_type="Safeguarding referral", reasons=["suspects"],
                        suspects=3, summary="Matrix summary.")
    route = ReferralRoute(referral=referral, kind=RouteKind.FORCE, force=base.agency,
                          reached_partnership_id=base.partnership.id,
                          routed_on=dt.date(2025, 5, 2))
    db.session.add_all([contact, memorandum, route])
    db.session.commit()
    return {"referral_id": str(referral.id), "route_id": str(route.id),
            "organisation_id": str(organisation.id), "memorandum_id": str(memorandum.id),
            "contact_id": str(contact.id)}
