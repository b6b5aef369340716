"""Build agencies, bodies and the partnerships they belong to directly through the ORM."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.register.models import (
    Agency,
    Body,
    BodyKind,
    Collaboration,
    Frequency,
    PartnerKind,
    Partnership,
    Person,
    Sector,
    StatutoryPartner,
)


def _partnership(slug: str) -> Partnership:
    return db.session.scalars(sa.select(Partnership).where(Partnership.slug == slug)).one()


def add_area(app: Flask, slug: str, name: str | None = None, **fields: Any) -> int:
    """Create a partnership with its three statutory partners; return its id."""
    with app.app_context(), acting_as("tests"):
        partnership = Partnership(slug=slug, name=name or f"{slug.title()} Partnership",
                                  short_name=slug[:3].upper(), **fields)
        partnership.partners = [StatutoryPartner(kind=kind) for kind in PartnerKind]
        db.session.add(partnership)
        db.session.commit()
        return partnership.id


def add_collaboration(app: Flask, name: str, *slugs: str) -> int:
    """Group partnerships into a collaboration; return its id."""
    with app.app_context(), acting_as("tests"):
        collaboration = Collaboration(name=name, partnerships=[_partnership(s) for s in slugs])
        db.session.add(collaboration)
        db.session.commit()
        return collaboration.id


def add_agency(app: Flask, slug: str, name: str, sector: Sector = Sector.OTHER, *,
               group_id: int | None = None, **fields: Any) -> int:
    """Add a relevant agency to a partnership; return its id."""
    with app.app_context(), acting_as("tests"):
        agency = Agency(partnership=_partnership(slug), name=name, sector=sector,
                        group_id=group_id, **fields)
        db.session.add(agency)
        db.session.commit()
        return agency.id


def add_person(app: Flask, name: str, **fields: Any) -> int:
    """Add a person to the register; return their id."""
    with app.app_context(), acting_as("tests"):
        person = Person(name=name, **fields)
        db.session.add(person)
        db.session.commit()
        return person.id


def add_body(app: Flask, name: str, *, slug: str | None = None,
             collaboration_id: int | None = None, kind: BodyKind = BodyKind.SUBGROUP,
             frequency: Frequency = Frequency.QUARTERLY, joint_with: str | None = None,
             **fields: Any) -> int:
    """Add a body owned by a partnership (slug) or a collaboration; return its id."""
    with app.app_context(), acting_as("tests"):
        body = Body(
            partnership=_partnership(slug) if slug else None,
            collaboration_id=collaboration_id, kind=kind, name=name, frequency=frequency,
            joint_with=_partnership(joint_with) if joint_with else None, **fields)
        db.session.add(body)
        db.session.commit()
        return body.id


def get(app: Flask, model: type, record_id: int) -> Any:
    """Load a record afresh, detached, for assertions."""
    with app.app_context():
        record = db.session.get(model, record_id)
        if record is not None:
            db.session.expunge(record)
        return record
