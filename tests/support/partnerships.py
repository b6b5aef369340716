"""Partnerships for tests about who serves what: a bare partnership with its three partners."""

from __future__ import annotations

from flask import Flask

from partnership.extensions import db
from partnership.register.models import PartnerKind, Partnership, StatutoryPartner


def add_partnership(app: Flask, slug: str, name: str | None = None) -> int:
    """Add a partnership (with its three statutory partners) and return its id."""
    with app.app_context():
        partnership = Partnership(slug=slug, name=name or f"{slug.upper()} Partnership",
                                  short_name=slug.upper())
        partnership.partners = [StatutoryPartner(kind=kind) for kind in PartnerKind]
        db.session.add(partnership)
        db.session.commit()
        return partnership.id
