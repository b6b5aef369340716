"""Self-assessment tests: building partnerships, standards sets, rounds and accounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Establishment, Partnership, Person
from partnership.scales.services import SELF_ASSESSMENT_SCALE, starter_scales
from partnership.self_assessment import services
from partnership.self_assessment.models import AssessmentReturn, StandardsKind

TODAY = dt.date(2026, 12, 7)
ROOT = "/partnerships/{slug}/self-assessment"


def base(slug: str) -> str:
    """The feature's address in a partnership."""
    return ROOT.format(slug=slug)


def partnership_of(slug: str) -> Partnership:
    """The partnership with this slug."""
    return db.session.scalars(sa.select(Partnership).where(Partnership.slug == slug)).one()


def add_round(app: Flask, slug: str, *, agencies: Iterable[int] = (),
              schools: Iterable[int] = (), launch: bool = True, previous: int | None = None,
              joint: Iterable[str] = (), title: str = "Section 11 round",
              due: dt.date | None = None) -> int:
    """A Section 11 round of the partnership (from the starter set) asking these
    organisations; launched unless told; return its id."""
    with app.app_context(), acting_as("tests"):
        partnership = partnership_of(slug)
        scale = starter_scales(partnership)[SELF_ASSESSMENT_SCALE]
        standard_set = next((s for s in services.sets_of(partnership)
                             if s.kind is StandardsKind.SECTION_11), None)
        if standard_set is None:
            standard_set = services.starter_set(partnership, StandardsKind.SECTION_11, scale)
        assessment_round = services.create_round(partnership, {
            "title": title, "standard_set": standard_set,
            "due_on": due or TODAY + dt.timedelta(days=30),
            "partnerships": [partnership_of(s) for s in joint],
            "previous": db.session.get(services.AssessmentRound, previous) if previous else None})
        services.add_organisations(assessment_round, agency_ids=agencies,
                                   establishment_ids=schools)
        if launch:
            services.launch(assessment_round)
        db.session.commit()
        return assessment_round.id


def returns_of(app: Flask, round_id: int) -> dict[str, int]:
    """The round's return ids by organisation name."""
    with app.app_context():
        found = db.session.scalars(sa.select(AssessmentReturn).where(
            AssessmentReturn.round_id == round_id))
        return {r.organisation_name: r.id for r in found}


def standards_of(app: Flask, round_id: int) -> list[tuple[int, str]]:
    """The round's standards (id, number), in order."""
    with app.app_context():
        assessment_round = db.session.get_one(services.AssessmentRound, round_id)
        return [(s.id, s.number) for s in assessment_round.standard_set.standards]


def grades_of(app: Flask, round_id: int) -> dict[str, int]:
    """The round's grade ids by label."""
    with app.app_context():
        assessment_round = db.session.get_one(services.AssessmentRound, round_id)
        return {g.label: g.id for g in assessment_round.standard_set.scale.grades}


def staff_of(make_user: Callable[..., User], app: Flask, *, agency_id: int | None = None,
             establishment_id: int | None = None, email: str | None = None) -> User:
    """An agency-role account whose person works for the agency or the school."""
    user = make_user(Role.AGENCY, email=email)
    with app.app_context(), acting_as("tests"):
        db.session.add(Person(name=user.name, agency_id=agency_id,
                              establishment_id=establishment_id, email=user.email,
                              user_id=user.id))
        db.session.commit()
    return user


def add_schools(app: Flask, slug: str, count: int, start: int = 0) -> list[int]:
    """Add ``count`` schools to the partnership (one INSERT); return their ids."""
    with app.app_context(), acting_as("tests"):
        partnership = partnership_of(slug)
        db.session.execute(sa.insert(Establishment), [
            {"partnership_id": partnership.id, "urn": str(800000 + start + i),
             "name": f"School {start + i:04d}", "phase": "Primary" if i % 2 else "Secondary",
             "kind": "Community school", "local_authority": "", "version": 1}
            for i in range(count)])
        db.session.commit()
        return list(db.session.scalars(sa.select(Establishment.id).where(
            Establishment.partnership_id == partnership.id,
            Establishment.urn.in_([str(800000 + start + i) for i in range(count)]))))


def answer_form(standards: list[tuple[int, str]], grade_id: int, version: Any,
                **overrides: Any) -> dict[str, Any]:
    """The return form with every standard given ``grade_id`` and some evidence."""
    data: dict[str, Any] = {"version": str(version)}
    for standard_id, number in standards:
        data[f"grade_{standard_id}"] = str(grade_id)
        data[f"evidence_{standard_id}"] = f"Evidence for standard {number}"
    data.update(overrides)
    return data

