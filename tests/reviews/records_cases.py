"""Builders for the case tests: a partnership with a reviewing group, the people inside a
case's need-to-know and people outside it, and cases at any stage, made through the ORM."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Action, Status
from partnership.audit.models import AuditEvent
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Agency, Body, BodyKind, BodyMember, PartnerKind, Person
from partnership.reviews.models import (
    Case,
    ClosureDay,
    IncidentType,
    InformationRequest,
    LocalReview,
    Milestone,
    MilestoneKind,
    RapidReview,
    Recommendation,
    Review,
    ReviewKind,
    ReviewSettings,
    Stage,
)
from tests.meetings import chair_of, representative_of
from tests.register.records import add_agency, add_area, add_body


@dataclass
class World:
    """A partnership whose learning group reviews cases, and who is inside and outside."""

    partnership_id: int
    slug: str
    group_id: int  # reviews the cases
    board_id: int  # another body of the same partnership
    police_id: int
    school_id: int
    chair: User  # chairs the group
    member: User  # an agency lead who sits on the group
    partner: User  # represents the police in this partnership
    other_chair: User  # chairs the board, not the group
    other_member: User  # an agency lead on the board only
    other_partner: User  # represents a partner of ANOTHER partnership
    other_partnership_id: int


def seat(app: Flask, make_user: Callable[..., User], body_id: int, name: str,
         role: Role = Role.AGENCY, agency_id: int | None = None) -> User:
    """Create an account whose person sits on a body."""
    user = make_user(role, name=name)
    with app.app_context(), acting_as("tests"):
        person = Person(name=name, user_id=user.id, agency_id=agency_id)
        db.session.add(BodyMember(body_id=body_id, agency_id=agency_id, role="Member",
                                  person=person))
        db.session.commit()
    return user


def build_world(app: Flask, make_user: Callable[..., User], slug: str = "northshire") -> World:
    """One partnership (a learning group and a board), another partnership, and the people."""
    partnership_id = add_area(app, slug, f"{slug.title()} Partnership")
    group_id = add_body(app, "Learning and Inquiry Group", slug=slug, kind=BodyKind.SUBGROUP)
    board_id = add_body(app, "Safeguarding Board", slug=slug, kind=BodyKind.BOARD)
    police_id = add_agency(app, slug, f"{slug.title()} Police")
    school_id = add_agency(app, slug, "Abbey School")
    other_id = add_area(app, "southshire", "Southshire Partnership")
    return World(
        partnership_id=partnership_id, slug=slug, group_id=group_id, board_id=board_id,
        police_id=police_id, school_id=school_id,
        chair=chair_of(app, make_user, group_id, "Dana Chair"),
        member=seat(app, make_user, group_id, "Mo Member", agency_id=school_id),
        partner=representative_of(app, make_user, partnership_id, PartnerKind.POLICE,
                                  "Pat Partner"),
        other_chair=chair_of(app, make_user, board_id, "Omar Outside"),
        other_member=seat(app, make_user, board_id, "Olu Outside", agency_id=police_id),
        other_partner=representative_of(app, make_user, other_id, PartnerKind.POLICE,
                                        "Sam Southshire"),
        other_partnership_id=other_id)


def add_case(app: Flask, partnership_id: int, body_id: int | None, reference: str = "Child Q",
             *, aware_on: dt.date = dt.date(2025, 4, 17), stage: Stage = Stage.NOTIFICATION,
             rapid_from: dt.date | None = None, agency_ids: Iterable[int] = (),
             **fields: Any) -> int:
    """Add a case (with a Rapid Review started on ``rapid_from``, if given); return its id."""
    with app.app_context(), acting_as("tests"):
        case = Case(partnership_id=partnership_id, reviewing_body_id=body_id,
                    reference=reference, incident_type=IncidentType.SERIOUS_HARM,
                    aware_on=aware_on, stage=stage,
                    retention_until=aware_on.replace(year=aware_on.year + 15), **fields)
        case.agencies = [db.session.get_one(Agency, agency_id) for agency_id in agency_ids]
        if rapid_from is not None:
            case.rapid_review = RapidReview(started_on=rapid_from)
        db.session.add(case)
        db.session.commit()
        return case.id


def add_request(app: Flask, case_id: int, agency_id: int, requested_on: dt.date,
                due_on: dt.date, received_on: dt.date | None = None) -> int:
    """Add a request for information to the case's Rapid Review; return its id."""
    with app.app_context(), acting_as("tests"):
        case = db.session.get_one(Case, case_id)
        assert case.rapid_review is not None
        request = InformationRequest(rapid_review=case.rapid_review, agency_id=agency_id,
                                     requested_on=requested_on, due_on=due_on,
                                     received_on=received_on)
        db.session.add(request)
        db.session.commit()
        return request.id


def add_local_review(app: Flask, case_id: int, decided_on: dt.date, target_on: dt.date,
                     milestones: dict[MilestoneKind, tuple[dt.date | None, dt.date | None]]
                     | None = None) -> int:
    """Add a local review with milestones ``{kind: (due, done)}``; return its id."""
    with app.app_context(), acting_as("tests"):
        local = LocalReview(case_id=case_id, decided_on=decided_on, target_on=target_on)
        for kind, (due, done) in (milestones or {}).items():
            local.milestones.append(Milestone(kind=kind, due_on=due, done_on=done))
        db.session.add(local)
        db.session.commit()
        return local.id


def add_review_action(app: Flask, case_id: int, title: str, *,
                      target_date: dt.date | None = None) -> int:
    """Give the case's Rapid Review a recommendation (if it has none) with one more tracker
    action; return the action's id."""
    with app.app_context(), acting_as("tests"):
        case = db.session.get_one(Case, case_id)
        review = next((r for r in case.reviews if r.kind is ReviewKind.RAPID_REVIEW), None)
        if review is None:
            review = Review(partnership_id=case.partnership_id, kind=ReviewKind.RAPID_REVIEW,
                            case=case, title=f"Rapid Review: {case.reference}")
            review.recommendations.append(Recommendation(number=1, text="Share information"))
            db.session.add(review)
            db.session.flush()
        action = Action(partnership_id=case.partnership_id, year=2025, title=title,
                        recommendation_id=review.recommendations[0].id,
                        target_date=target_date, status=Status.IN_PROGRESS)
        db.session.add(action)
        db.session.commit()
        return action.id


def add_closure(app: Flask, partnership_id: int, day: dt.date, reason: str = "Closed") -> None:
    """Add a partnership closure day."""
    with app.app_context(), acting_as("tests"):
        db.session.add(ClosureDay(partnership_id=partnership_id, day=day, reason=reason))
        db.session.commit()


def set_clock(app: Flask, partnership_id: int, **values: Any) -> None:
    """Save the partnership's review settings."""
    with app.app_context(), acting_as("tests"):
        row = db.session.scalar(sa.select(ReviewSettings).where(
            ReviewSettings.partnership_id == partnership_id))
        if row is None:
            row = ReviewSettings(partnership_id=partnership_id)
            db.session.add(row)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()


def case_row(app: Flask, case_id: int) -> Case:
    """Load a case afresh with its reviews, detached, for assertions."""
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        for name in ("rapid_review", "local_review", "national_referral", "members",
                     "agencies", "reviewing_body"):
            getattr(case, name)
        db.session.expunge_all()
        return case


def case_ids(app: Flask) -> list[int]:
    """Every case's id."""
    with app.app_context():
        return list(db.session.scalars(sa.select(Case.id).order_by(Case.id)))


def views_of(app: Flask, case_id: int) -> list[AuditEvent]:
    """The audit rows saying someone looked at the case."""
    with app.app_context():
        rows = list(db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "view", AuditEvent.record_type == "case_record",
            AuditEvent.record_id == str(case_id)).order_by(AuditEvent.id)))
        db.session.expunge_all()
        return rows


def body_name(app: Flask, body_id: int) -> str:
    """A body's name."""
    with app.app_context():
        return db.session.get_one(Body, body_id).name
