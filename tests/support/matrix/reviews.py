"""Case reviews to the national panel's guidance in the authorization matrix: the Rapid
Review document (need-to-know, like its case: a refusal is a 404), the NHS England tracker
export, and how a review's learning was shared."""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa

from partnership.extensions import db
from partnership.policy import Role
from partnership.reviews.models import Dissemination, DisseminationMethod, Review

ALL = frozenset(Role)
CASE_READERS = frozenset({Role.TEAM, Role.CHAIR, Role.AGENCY, Role.PARTNER})
TEAM_AND_CHAIR = frozenset({Role.TEAM, Role.CHAIR})

EXPECTED: dict[str, frozenset[Role]] = {
    "rapid.document": CASE_READERS,
    "cases.tracker": CASE_READERS,
    "learning.dissemination_new": TEAM_AND_CHAIR,
    "learning.dissemination_edit": TEAM_AND_CHAIR,
}
# The matrix's review is our own (of a case): a refusal does not reveal it.
HIDDEN = frozenset({"learning.dissemination_new", "learning.dissemination_edit"})


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """A briefing that shared the learning of the matrix partnership's own review."""
    review = db.session.scalar(sa.select(Review).where(
        Review.partnership_id == base.partnership.id, Review.case_id.is_not(None))
        .order_by(Review.id))
    if review is None:
        return {}
    shared = Dissemination(review=review, method=DisseminationMethod.BRIEFING,
                           title="7-minute briefing", held_on=base.meeting.held_on)
    db.session.add(shared)
    db.session.commit()
    return {"dissemination_id": str(shared.id)}
