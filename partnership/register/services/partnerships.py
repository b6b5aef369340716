"""Partnerships: creating them with their three statutory partners, and what they say on a date."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.exc import IntegrityError

from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.policy import readable
from partnership.register.models import (
    Capacity,
    ContactPoint,
    GuidanceEdition,
    PartnerKind,
    Partnership,
    Representative,
    StatutoryPartner,
)
from partnership.register.services import RegisterError
from partnership.register.services.accounts import serve_new_partnership

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_TAKEN = "Another partnership already uses this slug. Choose a different one"
# Words that are pages under /partnerships/ rather than partnerships.
RESERVED_SLUGS = frozenset({"new"})

# The words each edition of Working Together uses for the people who act for a partner.
GUIDANCE_TERMS: dict[tuple[GuidanceEdition, Capacity], str] = {
    (GuidanceEdition.WT2018, Capacity.LEAD): "lead representative",
    (GuidanceEdition.WT2018, Capacity.DELEGATED): "delegated representative",
    (GuidanceEdition.WT2023, Capacity.LEAD): "lead safeguarding partner",
    (GuidanceEdition.WT2023, Capacity.DELEGATED): "delegated safeguarding partner",
}


def representative_term(edition: GuidanceEdition, capacity: Capacity) -> str:
    """Name a lead or delegated representative in the words of the partnership's guidance."""
    return GUIDANCE_TERMS[(GuidanceEdition(edition), Capacity(capacity))]


def all_partnerships() -> list[Partnership]:
    """Return every partnership the reader serves (all, outside anyone's session), by name."""
    return list(db.session.scalars(sa.select(Partnership).where(readable(Partnership))
                                   .order_by(Partnership.name)))


def partnership_by_slug(slug: str) -> Partnership | None:
    """Find a partnership by its slug."""
    return db.session.scalars(sa.select(Partnership).where(Partnership.slug == slug)).first()


def partnership_or_404(slug: str) -> Partnership:
    """Return the partnership with this slug if the reader serves it, or answer 404."""
    return db.first_or_404(sa.select(Partnership).where(Partnership.slug == slug,
                                                        readable(Partnership)))


def _check_slug(slug: str, partnership: Partnership | None = None) -> None:
    if not SLUG_PATTERN.match(slug):
        raise RegisterError(
            "Slug must only include lowercase letters, numbers and hyphens, "
            "and start and end with a letter or number", "slug")
    if slug in RESERVED_SLUGS:
        raise RegisterError("This slug is reserved. Choose a different one", "slug")
    clash = partnership_by_slug(slug)
    if clash is not None and clash is not partnership:
        raise RegisterError(SLUG_TAKEN, "slug")


def create_partnership(details: Mapping[str, Any]) -> Partnership:
    """Create a partnership and its three statutory partners (never more, never fewer)."""
    _check_slug(details["slug"])
    partnership = Partnership(**details)
    partnership.partners = [StatutoryPartner(kind=kind) for kind in PartnerKind]
    db.session.add(partnership)
    try:
        db.session.flush()
    except IntegrityError:  # another request took the slug between the check and the save
        raise RegisterError(SLUG_TAKEN, "slug") from None  # the caller rolls back
    serve_new_partnership(partnership)
    return partnership


def update_partnership(partnership: Partnership, started_from: object,
                       details: Mapping[str, Any]) -> bool:
    """Change a partnership's details if the editor saw the current version; say if it changed."""
    _check_slug(details["slug"], partnership)
    return apply_edit(partnership, started_from, details)


def kind_label(kind: PartnerKind) -> str:
    """Name the kind of partner briefly, for headings and links."""
    return {PartnerKind.LOCAL_AUTHORITY: "Local authority", PartnerKind.HEALTH: "Health",
            PartnerKind.POLICE: "Police"}[kind]


@dataclass(frozen=True)
class RepresentativeOnDate:
    """Someone acting for a partner on a date, named in the guidance's words."""

    term: str
    representative: Representative


@dataclass(frozen=True)
class PartnerOnDate:
    """A statutory partner as it stood on a date: its name then and who acted for it."""

    partner: StatutoryPartner
    kind_label: str
    name: str
    representatives: list[RepresentativeOnDate]


def partners_on(partnership: Partnership, day: dt.date) -> list[PartnerOnDate]:
    """Answer "who was it on date X" for all three partners: names and representatives."""
    return [
        PartnerOnDate(
            partner=partner,
            kind_label=kind_label(partner.kind),
            name=partner.name_on(day),
            representatives=[
                RepresentativeOnDate(representative_term(partnership.guidance, rep.capacity), rep)
                for rep in partner.representatives_on(day)
            ],
        )
        for partner in partners_in_order(partnership)
    ]


def partners_in_order(partnership: Partnership) -> list[StatutoryPartner]:
    """Return the three partners as the guidance lists them: council, health, police."""
    order = list(PartnerKind)
    return sorted(partnership.partners, key=lambda partner: order.index(partner.kind))


# --- contact points ---------------------------------------------------------------------------


def contact_point_or_404(partnership: Partnership, contact_point_id: int) -> ContactPoint:
    """Return one of the partnership's contact points, or answer 404."""
    for point in partnership.contact_points:
        if point.id == contact_point_id:
            return point
    abort(404)


def _check_contact_point(values: Mapping[str, Any]) -> None:
    if not any(values.get(way) for way in ("email", "phone", "url", "address")):
        raise RegisterError("Enter at least one way to reach it: an email address, a telephone "
                            "number, a web address or a postal address", "email")


def _place(partnership: Partnership, point: ContactPoint, position: int | None) -> None:
    """Put a contact point at a place in the list (1 is first; None keeps it where it is)."""
    points = [p for p in partnership.contact_points if p is not point]
    if position is None:
        index = next((i for i, p in enumerate(partnership.contact_points) if p is point),
                     len(points))
    else:
        index = min(max(position - 1, 0), len(points))
    points.insert(index, point)
    for number, each in enumerate(points):
        if each.position != number:
            each.position = number


def add_contact_point(partnership: Partnership, values: Mapping[str, Any],
                      position: int | None = None) -> ContactPoint:
    """Add a way to reach the partnership, at the end of the list or at a position."""
    _check_contact_point(values)
    point = ContactPoint(**values, position=len(partnership.contact_points))
    partnership.contact_points.append(point)
    _place(partnership, point, position)
    db.session.flush()
    return point


def update_contact_point(point: ContactPoint, started_from: object, values: Mapping[str, Any],
                         position: int | None = None) -> bool:
    """Change a contact point, or move it, if the editor saw its current version."""
    _check_contact_point(values)
    changed = apply_edit(point, started_from, values)
    before = point.position
    _place(point.partnership, point, position)
    return changed or point.position != before


def remove_contact_point(point: ContactPoint) -> None:
    """Take a contact point off the list (an explicit delete, so the audit trail records it)."""
    partnership = point.partnership
    db.session.delete(point)
    db.session.flush()
    db.session.expire(partnership, ["contact_points"])
    for number, each in enumerate(partnership.contact_points):
        if each.position != number:
            each.position = number
