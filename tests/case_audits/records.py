"""Case audit tests: a partnership with a running group, five agencies, a grading scale,
and the people who keep the audit and answer it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.case_audits.models import (
    AuditAnswer,
    AuditCase,
    AuditQuestion,
    AuditReturn,
    AuditStage,
    CaseAudit,
    ReturnStatus,
)
from partnership.database import utcnow
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Partnership, Person
from partnership.scales.models import GradeScale
from partnership.scales.services import AUDIT_SCALE, starter_scales
from tests.meetings import chair_of
from tests.register.records import add_agency, add_area, add_body

AGENCIES = ("Police", "Children's Social Care", "Community Health", "Schools", "Housing")


@dataclass
class AuditWorld:
    """One partnership running audits, its agencies and people, and one elsewhere."""

    partnership_id: int
    slug: str
    group_id: int
    agency_ids: dict[str, int]
    scale_id: int
    team: User
    chair: User
    police_lead: User
    housing_lead: User


def agency_lead(app: Flask, make_user: Callable[..., User], agency_id: int, name: str) -> User:
    """Create an agency lead whose person works for the agency."""
    user = make_user(Role.AGENCY, name=name)
    with app.app_context(), acting_as("tests"):
        db.session.add(Person(name=name, user_id=user.id, agency_id=agency_id))
        db.session.commit()
    return user


def build(app: Flask, make_user: Callable[..., User], slug: str = "ashford") -> AuditWorld:
    """A partnership with a scrutiny group, five agencies and the starter scales."""
    partnership_id = add_area(app, slug, f"{slug.title()} Partnership")
    group_id = add_body(app, "Scrutiny Group", slug=slug)
    agency_ids = {name: add_agency(app, slug, name) for name in AGENCIES}
    with app.app_context(), acting_as("tests"):
        partnership = db.session.get_one(Partnership, partnership_id)
        scale_id = starter_scales(partnership)[AUDIT_SCALE].id
        db.session.commit()
    return AuditWorld(
        partnership_id=partnership_id, slug=slug, group_id=group_id, agency_ids=agency_ids,
        scale_id=scale_id, team=make_user(Role.TEAM),
        chair=chair_of(app, make_user, group_id, "Chris Chair"),
        police_lead=agency_lead(app, make_user, agency_ids["Police"], "Pat Police"),
        housing_lead=agency_lead(app, make_user, agency_ids["Housing"], "Hal Housing"))


def add_audit(app: Flask, world: AuditWorld, *, agencies: tuple[str, ...] = AGENCIES,
              cases: int = 3, questions: int = 2, stage: AuditStage = AuditStage.RETURNS,
              grades: dict[str, list[int]] | None = None, title: str = "Neglect audit") -> int:
    """Add an audit straight into the database; ``grades`` gives, per agency, the grade
    positions (1 best) answered for every case of each question in turn, and sends the return."""
    with app.app_context(), acting_as("tests"):
        scale = db.session.get_one(GradeScale, world.scale_id)
        audit = CaseAudit(partnership_id=world.partnership_id, body_id=world.group_id,
                          scale=scale, title=title, theme="Neglect", stage=stage)
        audit.questions = [AuditQuestion(position=n, text=f"Question {n}?")
                           for n in range(1, questions + 1)]
        audit.cases = [AuditCase(reference=f"Audit 1/{n}") for n in range(1, cases + 1)]
        for name in agencies:
            audit.returns.append(AuditReturn(agency_id=world.agency_ids[name],
                                             status=ReturnStatus.REQUESTED))
        db.session.add(audit)
        db.session.flush()
        by_position = {g.position: g for g in scale.grades}
        for audit_return in audit.returns:
            name = next(n for n, i in world.agency_ids.items() if i == audit_return.agency_id)
            positions = (grades or {}).get(name)
            if positions is None:
                continue
            for question, position in zip(audit.questions, positions, strict=True):
                for case in audit.cases:
                    audit_return.answers.append(AuditAnswer(
                        case=case, question=question, grade=by_position[position]))
            audit_return.status = ReturnStatus.SUBMITTED
            audit_return.submitted_at = utcnow()
        db.session.commit()
        return audit.id


def return_of(app: Flask, audit_id: int, agency_id: int) -> int:
    """The id of an agency's return to an audit."""
    with app.app_context():
        return db.session.scalars(sa.select(AuditReturn.id).where(
            AuditReturn.audit_id == audit_id, AuditReturn.agency_id == agency_id)).one()
