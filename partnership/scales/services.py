"""Grading scales: the starter scales a partnership begins with, and lookups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from partnership.case_audits.models import AuditAnswer, AuditQuestion, CaseAudit
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.kernel import ordering
from partnership.kernel.errors import DomainError
from partnership.register.models import Partnership
from partnership.scales.models import Grade, GradeScale
from partnership.self_assessment.models import AssessmentAnswer, StandardSet

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


# --- keeping a partnership's scales -----------------------------------------------------------

LABEL_MAX = 80
NAME_MAX = 120


class ScaleError(DomainError):
    """A change to a scale or its grades that the rules refuse; the message says why."""


def scales_of(partnership: Partnership) -> list[GradeScale]:
    """Return the partnership's scales by name, their grades loaded (two queries)."""
    return list(db.session.scalars(
        sa.select(GradeScale).where(GradeScale.partnership_id == partnership.id)
        .options(selectinload(GradeScale.grades)).order_by(GradeScale.name)))


def scale_or_404(partnership: Partnership, scale_id: int) -> GradeScale:
    """Return one of the partnership's scales, or answer 404."""
    scale = db.session.get(GradeScale, scale_id)
    if scale is None or scale.partnership_id != partnership.id:
        abort(404)
    return scale


def grade_or_404(scale: GradeScale, grade_id: int) -> Grade:
    """Return one of the scale's grades, or answer 404."""
    grade = db.session.get(Grade, grade_id)
    if grade is None or grade.scale_id != scale.id:
        abort(404)
    return grade


def uses_of(scale: GradeScale) -> list[str]:
    """Say what grades on the scale: its case audits and standards sets, by name."""
    audits = db.session.scalars(sa.select(CaseAudit.title).where(
        CaseAudit.scale_id == scale.id).order_by(CaseAudit.title))
    sets = db.session.scalars(sa.select(StandardSet.name).where(
        StandardSet.scale_id == scale.id).order_by(StandardSet.name))
    return [f"the case audit “{title}”" for title in audits] + [
        f"the standards “{name}”" for name in sets]


def answers_using(grade: Grade) -> int:
    """Count the answers and agreed grades that give this grade (audits and self-assessment)."""
    counts = (
        sa.select(sa.func.count()).select_from(AuditAnswer).where(AuditAnswer.grade_id == grade.id),
        sa.select(sa.func.count()).select_from(AuditQuestion).where(
            AuditQuestion.agreed_grade_id == grade.id),
        sa.select(sa.func.count()).select_from(AssessmentAnswer).where(sa.or_(
            AssessmentAnswer.grade_id == grade.id,
            AssessmentAnswer.agreed_grade_id == grade.id)),
    )
    return sum(db.session.scalar(count) or 0 for count in counts)


def _clean_name(partnership: Partnership, name: str, scale: GradeScale | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ScaleError("Enter a name for the scale", "name")
    if len(name) > NAME_MAX:
        raise ScaleError(f"Name must be {NAME_MAX} characters or fewer", "name")
    clash = db.session.scalar(sa.select(GradeScale.id).where(
        GradeScale.partnership_id == partnership.id, GradeScale.name == name))
    if clash is not None and (scale is None or clash != scale.id):
        raise ScaleError(f"{partnership.name} already has a scale called {name}", "name")
    return name


def create_scale(partnership: Partnership, name: str, description: str) -> GradeScale:
    """Add a scale with no grades yet (flushed, not committed)."""
    scale = GradeScale(partnership=partnership, name=_clean_name(partnership, name, None),
                       description=(description or "").strip())
    db.session.add(scale)
    db.session.flush()
    return scale


def update_scale(scale: GradeScale, started_from: object, name: str, description: str) -> bool:
    """Rename or redescribe a scale if the editor saw its current version; say if it changed."""
    values = {"name": _clean_name(scale.partnership, name, scale),
              "description": (description or "").strip()}
    return apply_edit(scale, started_from, values)


def _grade_values(scale: GradeScale, values: Mapping[str, Any], grade: Grade | None
                  ) -> dict[str, Any]:
    label = " ".join(str(values.get("label") or "").split())
    if not label:
        raise ScaleError("Enter the grade's label", "label")
    if len(label) > LABEL_MAX:
        raise ScaleError(f"Label must be {LABEL_MAX} characters or fewer", "label")
    if any(g.label.lower() == label.lower() for g in scale.grades if g is not grade):
        raise ScaleError(f"{scale.name} already has a grade called {label}", "label")
    return {"label": label, "description": str(values.get("description") or "").strip(),
            "is_gap": bool(values.get("is_gap"))}


def add_grade(scale: GradeScale, values: Mapping[str, Any]) -> Grade:
    """Add a grade at the bottom of the scale (the worst so far; flushed)."""
    fields = _grade_values(scale, values, None)
    grade = Grade(position=max((g.position for g in scale.grades), default=0) + 1, **fields)
    scale.grades.append(grade)
    db.session.flush()
    return grade


def update_grade(grade: Grade, values: Mapping[str, Any]) -> bool:
    """Change a grade's words or whether it needs an action; say whether it changed."""
    fields = _grade_values(grade.scale, values, grade)
    changed = False
    for name, value in fields.items():
        if getattr(grade, name) != value:
            setattr(grade, name, value)
            changed = True
    db.session.flush()
    return changed


def remove_grade(grade: Grade) -> None:
    """Remove a grade no answer gives; the grades below close up (flushed)."""
    used = answers_using(grade)
    if used:
        raise ScaleError(
            f"{grade.label} cannot be removed: {used} answer{'s' if used != 1 else ''} "
            f"give{'s' if used == 1 else ''} it. Rename it instead, or keep it.")
    scale = grade.scale
    scale.grades.remove(grade)
    db.session.flush()
    _renumber(scale, list(scale.grades))


def move_grade(grade: Grade, direction: str) -> bool:
    """Move a grade one place up (better) or down (worse); say whether it moved (flushed)."""
    if direction not in ordering.MOVES:
        raise ScaleError("Choose whether to move the grade up or down")
    rows = list(grade.scale.grades)
    index = next(i for i, row in enumerate(rows) if row.id == grade.id)
    target = index + ordering.MOVES[direction]
    if not 0 <= target < len(rows):
        return False
    rows[index], rows[target] = rows[target], rows[index]
    _renumber(grade.scale, rows)
    return True


def _renumber(scale: GradeScale, rows: list[Grade]) -> None:
    """Number the grades 1, 2, 3… in the order given. Positions are unique on a scale, so
    they step aside first (a swap written row by row would meet itself half way)."""
    for index, row in enumerate(rows, start=1):
        row.position = -index
    db.session.flush()
    ordering.close_up(rows)
    db.session.flush()
    db.session.expire(scale, ["grades"])
