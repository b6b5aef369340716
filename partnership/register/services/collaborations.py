"""Cross-area collaborations: partnerships that share an executive, subgroups or procedures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.policy import readable
from partnership.register.models import Collaboration, Partnership
from partnership.register.services import RegisterError, record_membership_change, same_members

NAME_TAKEN = "A collaboration with this name already exists"


def all_collaborations() -> list[Collaboration]:
    """Return every collaboration, by name."""
    return list(db.session.scalars(sa.select(Collaboration).where(readable(Collaboration))
                                   .order_by(Collaboration.name)))


def collaboration_or_404(collaboration_id: int) -> Collaboration:
    """Return the collaboration with this id, or answer 404."""
    return db.first_or_404(sa.select(Collaboration).where(
        Collaboration.id == collaboration_id, readable(Collaboration)))


def partnership_choices() -> list[tuple[int, str]]:
    """Offer every partnership as a possible member."""
    rows = db.session.execute(
        sa.select(Partnership.id, Partnership.name).order_by(Partnership.name))
    return [(partnership_id, name) for partnership_id, name in rows]


def partnerships_with_ids(ids: list[int]) -> list[Partnership]:
    """Return the partnerships with these ids, by name."""
    if not ids:
        return []
    return list(db.session.scalars(
        sa.select(Partnership).where(Partnership.id.in_(ids)).order_by(Partnership.name)))


def _check_name(name: str, collaboration: Collaboration | None = None) -> None:
    clash = db.session.scalars(
        sa.select(Collaboration).where(sa.func.lower(Collaboration.name) == name.lower())).first()
    if clash is not None and clash is not collaboration:
        raise RegisterError(NAME_TAKEN, "name")


def _check_external_members(values: Mapping[str, Any]) -> None:
    """Refuse a neighbour named as outside the database that is in it (tick it instead)."""
    names = [name.lower() for name in values.get("external_members") or []]
    if not names:
        return
    inside = db.session.scalars(sa.select(Partnership.name).where(
        sa.func.lower(Partnership.name).in_(names))).first()
    if inside is not None:
        raise RegisterError(f"{inside} is in this database: select it under member "
                            "partnerships instead", "external_members")


def create_collaboration(values: Mapping[str, Any]) -> Collaboration:
    """Record a collaboration, its member partnerships and neighbours outside the database."""
    _check_name(values["name"])
    _check_external_members(values)
    collaboration = Collaboration(**values)
    db.session.add(collaboration)
    try:
        db.session.flush()
    except IntegrityError:  # the name was taken between the check and the save
        raise RegisterError(NAME_TAKEN, "name") from None  # the caller rolls back
    record_membership_change(collaboration, "partnerships", [], collaboration.partnerships,
                             new_record=True)
    return collaboration


def update_collaboration(collaboration: Collaboration, started_from: object,
                         values: Mapping[str, Any]) -> bool:
    """Change a collaboration or its members if the editor saw the current version."""
    _check_name(values["name"], collaboration)
    _check_external_members(values)
    values = {**values,
              "partnerships": same_members(collaboration.partnerships, values["partnerships"])}
    before = list(collaboration.partnerships)
    changed = apply_edit(collaboration, started_from, values)
    record_membership_change(collaboration, "partnerships", before, collaboration.partnerships)
    return changed
