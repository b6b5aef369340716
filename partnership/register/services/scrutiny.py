"""Independent scrutiny: who scrutinises a partnership (a person, an organisation, or experts
commissioned per priority) and over what. The partnership chair is an appointment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import abort

from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.register.models import Body, Partnership, Scrutineer, ScrutinyKind
from partnership.register.services import (
    RegisterError,
    check_period,
    record_membership_change,
    same_members,
)


def scrutineer_in_post(scrutineer: Scrutineer, day: dt.date) -> bool:
    """Say whether a scrutineer was commissioned on a date (missing dates are open)."""
    return (scrutineer.valid_from is None or scrutineer.valid_from <= day) and (
        scrutineer.valid_to is None or day <= scrutineer.valid_to)


def scrutineers_on(partnership: Partnership, day: dt.date) -> list[Scrutineer]:
    """Return the partnership's scrutineers in post on a date, by name."""
    current = [s for s in partnership.scrutineers if scrutineer_in_post(s, day)]
    return sorted(current, key=lambda s: (scrutineer_name(s), s.id))


def scrutineer_name(scrutineer: Scrutineer) -> str:
    """Name who scrutinises: the person, post and organisation, or what the kind says."""
    parts = [scrutineer.person.name] if scrutineer.person is not None else []
    if scrutineer.post:
        parts.append(scrutineer.post)
    if scrutineer.organisation:
        parts.append(scrutineer.organisation)
    if parts:
        return ", ".join(parts)
    return scrutineer.kind.label


def all_scrutineers(partnership: Partnership) -> list[Scrutineer]:
    """Return every scrutineer the partnership has had, most recent first."""
    return sorted(partnership.scrutineers,
                  key=lambda s: (s.valid_from or dt.date.min, s.id), reverse=True)


def scrutineer_or_404(partnership: Partnership, scrutineer_id: int) -> Scrutineer:
    """Return one of the partnership's scrutineers, or answer 404."""
    for scrutineer in partnership.scrutineers:
        if scrutineer.id == scrutineer_id:
            return scrutineer
    abort(404)


def body_choices(partnership: Partnership) -> list[tuple[int, str]]:
    """Offer the partnership's own bodies as scope for a scrutineer."""
    return [(body.id, body.name) for body in partnership.bodies]


def scope_text(scrutineer: Scrutineer) -> str:
    """Say what a scrutineer covers, in one line."""
    if scrutineer.whole_partnership:
        return "The whole partnership"
    parts = [scrutineer.scope.strip()] if scrutineer.scope.strip() else []
    if scrutineer.bodies:
        parts.append("Bodies: " + ", ".join(body.name for body in scrutineer.bodies))
    return ". ".join(parts)


def _normalised(partnership: Partnership, values: Mapping[str, Any],
                scrutineer: Scrutineer | None = None) -> dict[str, Any]:
    values = dict(values)
    kind = ScrutinyKind(values["kind"])
    if (kind is ScrutinyKind.PERSON and values.get("person") is None
            and not values.get("post", "").strip()):
        raise RegisterError("Select the scrutineer, or enter the post that scrutinises",
                            "person")
    if kind is ScrutinyKind.ORGANISATION and not values.get("organisation", "").strip():
        raise RegisterError("Enter the organisation that carries out the scrutiny",
                            "organisation")
    check_period(values["valid_from"], values["valid_to"])
    if values["whole_partnership"]:
        values["scope"], values["bodies"] = "", []
    elif not values["scope"].strip() and not values["bodies"]:
        raise RegisterError(
            "Enter the priorities this scrutineer covers, or select the bodies they scrutinise",
            "scope")
    if any(body.partnership_id != partnership.id for body in values["bodies"]):
        raise RegisterError("Select bodies of this partnership only", "bodies")
    if scrutineer is not None:
        values["bodies"] = same_members(scrutineer.bodies, values["bodies"])
    return values


def add_scrutineer(partnership: Partnership, values: Mapping[str, Any]) -> Scrutineer:
    """Record an independent scrutineer and their scope."""
    values = _normalised(partnership, values)
    scrutineer = Scrutineer(**values)
    partnership.scrutineers.append(scrutineer)
    db.session.flush()  # the history row needs the new id
    record_membership_change(scrutineer, "bodies", [], list(scrutineer.bodies), new_record=True)
    return scrutineer


def update_scrutineer(scrutineer: Scrutineer, started_from: object,
                      values: Mapping[str, Any]) -> bool:
    """Change a scrutineer's scope or dates if the editor saw the current version."""
    values = _normalised(scrutineer.partnership, values, scrutineer)
    before: list[Body] = list(scrutineer.bodies)
    changed = apply_edit(scrutineer, started_from, values)
    record_membership_change(scrutineer, "bodies", before, list(scrutineer.bodies))
    return changed

