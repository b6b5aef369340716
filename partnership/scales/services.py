"""Grading scales: the starter scales a partnership begins with, and lookups."""

from __future__ import annotations

import sqlalchemy as sa

from partnership.extensions import db
from partnership.register.models import Partnership
from partnership.scales.models import Grade, GradeScale

# name -> (description, [(label, is_gap)] best first). A partnership renames, adds or removes
# grades as it likes; these are only where it starts.
STARTER_SCALES: dict[str, tuple[str, list[tuple[str, bool]]]] = {
    "Case audit grades": (
        "How well the practice seen in a case met the question, as multi-agency audit "
        "tools commonly grade it.",
        [("Good", False), ("Requires improvement", True), ("Inadequate", True)]),
    "Self-assessment ratings": (
        "How fully an organisation meets a safeguarding standard.",
        [("Fully met", False), ("Partially met", True), ("Not met", True)]),
}
AUDIT_SCALE = "Case audit grades"
SELF_ASSESSMENT_SCALE = "Self-assessment ratings"


def starter_scales(partnership: Partnership) -> dict[str, GradeScale]:
    """Return the partnership's starter scales by name, adding any it does not have yet."""
    have = {scale.name: scale for scale in db.session.scalars(
        sa.select(GradeScale).where(GradeScale.partnership_id == partnership.id))}
    for name, (description, grades) in STARTER_SCALES.items():
        if name in have:
            continue
        scale = GradeScale(partnership=partnership, name=name, description=description,
                           grades=[Grade(position=number, label=label, is_gap=gap)
                                   for number, (label, gap) in enumerate(grades, start=1)])
        db.session.add(scale)
        have[name] = scale
    db.session.flush()
    return have
