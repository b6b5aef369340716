"""Grading scales in the authorization matrix: everyone reads them; the team keeps them."""

from __future__ import annotations

from types import SimpleNamespace

from partnership.extensions import db
from partnership.policy import Role
from partnership.scales.models import Grade, GradeScale

ALL = frozenset(Role)
TEAM = frozenset({Role.TEAM})

EXPECTED: dict[str, frozenset[Role]] = {
    "scales.index": ALL,
    "scales.detail": ALL,
    "scales.new": TEAM,
    "scales.edit": TEAM,
    "scales.grade_new": TEAM,
    "scales.grade_edit": TEAM,
    "scales.grade_remove": TEAM,
    "scales.grade_move": TEAM,
}


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """A scale of the matrix partnership with two grades."""
    scale = GradeScale(partnership=base.partnership, name="Matrix scale",
                       grades=[Grade(position=1, label="Met"),
                               Grade(position=2, label="Not met", is_gap=True)])
    db.session.add(scale)
    db.session.commit()
    return {"scale_id": str(scale.id), "grade_id": str(scale.grades[0].id)}
