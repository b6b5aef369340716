"""Build register records for the partnerships-and-people tests, through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask

from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.register.models import Capacity, GuidanceEdition, PartnerKind, Person
from partnership.register.services import partners as partner_services
from partnership.register.services.partnerships import create_partnership, partnership_by_slug
from partnership.register.services.people import create_person


def add_partnership(app: Flask, slug: str = "hillshire", **details: Any) -> int:
    """Create a partnership (and its three partners); return its id."""
    values = {"slug": slug, "name": f"{slug.title()} Safeguarding Children Partnership",
              "short_name": slug[:3].upper() + "SCP", "area": f"The county of {slug.title()}",
              "guidance": GuidanceEdition.WT2018, **details}
    with app.app_context(), acting_as("tests"):
        partnership = create_partnership(values)
        db.session.commit()
        return partnership.id


def add_person(app: Flask, name: str, **details: Any) -> int:
    """Add a person to the register; return their id."""
    with app.app_context(), acting_as("tests"):
        person = create_person({"name": name, **details})
        db.session.commit()
        return person.id


def add_representative(app: Flask, slug: str, kind: PartnerKind, person_id: int,
                       capacity: Capacity, valid_from: dt.date,
                       valid_to: dt.date | None = None, title: str = "") -> int:
    """Record a representative of one of a partnership's partners; return its id."""
    with app.app_context(), acting_as("tests"):
        partnership = partnership_by_slug(slug)
        assert partnership is not None
        partner = next(p for p in partnership.partners if p.kind is kind)
        representative = partner_services.add_representative(partner, {
            "person": db.session.get_one(Person, person_id), "capacity": capacity,
            "title": title, "valid_from": valid_from, "valid_to": valid_to})
        db.session.commit()
        return representative.id


def date_parts(prefix: str, day: dt.date | None) -> dict[str, list[str]]:
    """Post a date as the GOV.UK date input does: three fields with one name."""
    if day is None:
        return {prefix: ["", "", ""]}
    return {prefix: [str(day.day), str(day.month), str(day.year)]}


def field_error(html: Any, name: str) -> str | None:
    """Return the error message shown in the form group of the field called ``name``."""
    for group in html.select(".govuk-form-group--error"):
        if group.find(attrs={"name": name}) is not None:
            message = group.select_one(".govuk-error-message")
            if message is not None:
                return message.get_text(" ", strip=True).removeprefix("Error:").strip()
    return None
