"""Escalations in the authorization matrix: everyone with a part in the partnership reads
the log (an agency lead, those their agency is party to); the team and the agency leads of
the agencies involved keep it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from partnership.escalations.models import Escalation, EscalationStage
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Agency, Sector

ALL = frozenset(Role)
RECORDERS = frozenset({Role.TEAM, Role.AGENCY})

EXPECTED: dict[str, frozenset[Role]] = {
    "escalations.index": ALL,
    "escalations.detail": ALL,
    "escalations.new": RECORDERS,
    "escalations.edit": RECORDERS,
}


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """An escalation the signed-in user's agency raised with another agency."""
    other = Agency(partnership=base.partnership, name="Matrix Children's Services",
                   sector=Sector.LOCAL_AUTHORITY)
    escalation = Escalation(
        partnership=base.partnership, raised_on=dt.date(2025, 5, 6), raised_by=base.agency,
        raised_with=other, stage=EscalationStage.MANAGER,
        summary="Whether a referral met the threshold for an assessment.",
        themes=["Thresholds and step-down"], resolved_on=dt.date(2025, 5, 13),
        resolution="A joint visit was agreed.")
    db.session.add_all([other, escalation])
    db.session.commit()
    return {"escalation_id": str(escalation.id)}
