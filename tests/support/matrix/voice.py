"""The voice of children and families in the authorization matrix: everyone reads the
register; the team records it and turns it into actions."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from partnership.extensions import db
from partnership.policy import Role
from partnership.voice.models import Engagement, EngagementKind

ALL = frozenset(Role)
TEAM = frozenset({Role.TEAM})

EXPECTED: dict[str, frozenset[Role]] = {
    "voice.index": ALL,
    "voice.detail": ALL,
    "voice.new": TEAM,
    "voice.edit": TEAM,
    "voice.create_action": TEAM,
}


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """An engagement of the matrix partnership, led by its agency."""
    engagement = Engagement(
        partnership=base.partnership, title="Matrix young people's survey",
        kind=EngagementKind.SURVEY, held_from=dt.date(2025, 6, 1),
        who="Young people aged 13 to 17", how_many=120, led_by=base.agency, body=base.body,
        what_said="They want to know who to tell.", what_changed="A new leaflet.")
    db.session.add(engagement)
    db.session.commit()
    return {"engagement_id": str(engagement.id)}
